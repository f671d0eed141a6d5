"""Paper equals electronic: a stamped, scanned paper copy checked against the submitted packet.

The stage between the API and the PDF stage: `scans` opens the scanned files (untrusted),
`codes` reads each page's code, `ocr` reads its text, `compare` holds the text against the
submitted page's own, `seals` looks for a red seal where the page asks for one, `check`
places every scanned page and decides, `report` writes what was found.
"""
