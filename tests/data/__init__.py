"""Tests of formgen.data."""
