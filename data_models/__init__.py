"""Validated data models of the notices formgen ships, one package per notice."""
