"""DOCX and XLSX templates, one folder per notice, loaded with importlib.resources."""
