"""The UNO side of a conversion worker: runs under Debian's ``/usr/bin/python3``, never imported.

formgen's own Python cannot import ``uno`` (it comes with the system's python3-uno), so
`formgen.pdf.convert` starts this file as a child process next to one LibreOffice process and
talks to it through pipes, one JSON object a line:

- it answers ``{"ready": true}`` once connected to LibreOffice's pipe;
- for each request ``{"source": ..., "target": ..., "bookmarks": bool}`` it writes the PDF
  to ``target`` and answers ``{"ok": true}``, or ``{"ok": false, "error": "..."}``.

Documents are loaded with ``Hidden=True``: LibreOffice 7.4 aborts on .xlsx without it, and
DOCX converts about a third faster.
"""

# This file runs under the system's Python with python3-uno, never inside formgen.
# mypy: ignore-errors

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

CONNECT_TIMEOUT_S = 60.0
_FILTERS = {".xlsx": "calc_pdf_Export", ".xls": "calc_pdf_Export", ".ods": "calc_pdf_Export"}


def _prop(name, value):
    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


def _connect(pipe_name):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe_name};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _convert(desktop, source, target, bookmarks):
    url = uno.systemPathToFileUrl(str(Path(source).resolve()))
    document = desktop.loadComponentFromURL(
        url, "_blank", 0, (_prop("Hidden", True), _prop("ReadOnly", True))
    )
    if document is None:
        raise RuntimeError(f"LibreOffice could not open {source}")
    try:
        filter_data = uno.Any(
            "[]com.sun.star.beans.PropertyValue",
            (_prop("ExportBookmarks", bool(bookmarks)), _prop("ExportNotes", False)),
        )
        filter_name = _FILTERS.get(Path(source).suffix.lower(), "writer_pdf_Export")
        out_url = uno.systemPathToFileUrl(str(Path(target).resolve()))
        document.storeToURL(out_url, (_prop("FilterName", filter_name), _prop("FilterData", filter_data)))
    finally:
        document.close(True)


def _answer(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main():
    desktop = _connect(sys.argv[1])
    _answer({"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        try:
            _convert(desktop, request["source"], request["target"], request.get("bookmarks", False))
        except Exception as exc:  # every failure goes back to formgen, which decides
            _answer({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
            if "DisposedException" in type(exc).__name__ or "RuntimeException" in type(exc).__name__:
                return
        else:
            _answer({"ok": True})


if __name__ == "__main__":
    main()
