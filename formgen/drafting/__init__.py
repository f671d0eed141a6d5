"""Drafting: a published Word or Excel form becomes a notice package (``formgen draft``).

The stage reads an untrusted document, finds where an applicant writes (`docx_places`,
`xlsx_places`), names and types each place (`vocabulary`, `naming`), puts template tags
there and nothing else (`docx_template`), and writes the package with its report
(`package_writer`, `report`). It sits above the PDF stage, whose converter turns a .doc or
.wps into .docx first, and below the API.
"""
