"""Tests of formgen.pdf."""
