"""Data files in: what applicants and scripts hand formgen, decoded and parsed.

YAML and JSON data files in UTF-8 or GB18030 (`loading`, `textfile`), long lists kept in a
spreadsheet (`tabular`), and safe file names made from what applicants wrote (`naming`).
It may use the model stage only.
"""
