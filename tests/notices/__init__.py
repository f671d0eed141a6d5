"""Tests of the notices in data_models/: their documents, as a reader sees them, and their rulebooks."""
