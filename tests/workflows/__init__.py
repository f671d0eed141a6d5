"""Tests of formgen.workflows."""
