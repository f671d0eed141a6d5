"""A list of applications as a file a bureau opens in Excel or WPS: CSV or XLSX.

Every value is written as what it is: a number as a number, text as text. Applicants type
the text, so none of it may become a formula: in XLSX every value goes through
`formgen.data.cells` (a text cell is a string cell whatever it starts with); in CSV, where a spreadsheet guesses, text that opens with = + - @ or a tab is
prefixed with an apostrophe (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

from formgen.data import cells

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """The table as CSV in UTF-8 with a byte-order mark (so Excel reads the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_csv_value(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """The table as one XLSX sheet, every text cell a string cell (never a formula)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = "申请列表"
    for values in (header, *rows):
        cells.append(sheet, values)
    return cells.save(workbook)
