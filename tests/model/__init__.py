"""Tests of formgen.model."""
