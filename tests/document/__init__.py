"""Tests of formgen.document."""
