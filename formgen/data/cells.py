"""Values into and out of spreadsheet cells, typed: a value from data is never a formula.

openpyxl decides a cell's type from the value it is given: a string starting with ``=``
becomes a formula (``<f>``), one spelling an error code (``#N/A``) an error. An applicant's
unit name ``=HYPERLINK("http://…","点击查看")`` written that way is evaluated by Excel or
LibreOffice: it prints as something else, and a PDF made of the table links out. So every
value formgen writes goes through `put`, which stores text as a string cell, numbers as
numbers and dates as dates; a formula formgen means (a total) goes through `formula`.
`save` is the one way formgen saves a workbook, and it refuses a formula cell that `formula`
did not write, so a writer that sets ``cell.value`` itself fails its first test with an
``=`` in the data instead of shipping it (``tests/data/test_cells.py`` also checks that
no module but this one saves a workbook).

Reading is the other half: `open_workbook` loads a file with its formulas as their text,
never the values a spreadsheet program (or whoever wrote the file) cached for them, so a
formula in an applicant's file is read as what was typed and checked as such.

It sits in the data stage because the spreadsheet readers (`tabular`) do; the writers above
(`formgen.document.xlsx_render`, the intake report) import it from here.
"""

from __future__ import annotations

import datetime as dt
import io
import weakref
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

_OWN_FORMULAS: weakref.WeakKeyDictionary[Workbook, set[tuple[str, str]]] = weakref.WeakKeyDictionary()
"""Per workbook, the (sheet, cell) of each formula formgen wrote itself with `formula`."""


class FormulaFromDataError(ValueError):
    """A workbook about to be saved holds a formula formgen did not write: a value went round `put`."""


def put(cell: Cell, value: Any) -> Cell:
    """Write `value` into `cell` as a typed value: text as a string, never a formula or an error.

    None empties the cell; booleans, integers, floats and Decimals are numbers; dates and
    date-times are dates; anything else is written as its text.
    """
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date | dt.datetime | dt.time):
        cell.value = value
        return cell
    text = value if isinstance(value, str) else str(value)
    cell.value = text
    # openpyxl has just typed a text starting with "=" as a formula ("f") and "#N/A" as an
    # error ("e"); the value itself is the text, so marking it a string stores it as typed.
    cell.data_type = "s"
    return cell


def put_row(sheet: Worksheet, row: int, values: Iterable[Any], *, first_column: int = 1) -> list[Cell]:
    """Write `values` into `row` of `sheet` from `first_column` on, each through `put`."""
    return [
        put(sheet.cell(row=row, column=column), value)
        for column, value in enumerate(values, start=first_column)
    ]


def append(sheet: Worksheet, values: Iterable[Any]) -> list[Cell]:
    """Write `values` into the row below the last one, as `Worksheet.append` does, each through `put`."""
    values = list(values)
    sheet.append([None] * len(values))  # the row is the sheet's next one, as for any append
    return put_row(sheet, sheet.max_row, values)


def formula(cell: Cell, text: str) -> Cell:
    """Write formgen's own formula `text` (``=SUM(D5:D9)``) into `cell`; never data."""
    if not text.startswith("="):
        raise ValueError(f"a formula starts with '=': {text!r}")
    cell.value = text
    cell.data_type = "f"
    workbook = cell.parent.parent
    _OWN_FORMULAS.setdefault(workbook, set()).add((cell.parent.title, cell.coordinate))
    return cell


def save(workbook: Workbook) -> bytes:
    """The workbook's bytes, once no cell holds a formula that `formula` did not write."""
    own = _OWN_FORMULAS.get(workbook, set())
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" and (sheet.title, cell.coordinate) not in own:
                    raise FormulaFromDataError(
                        f"{sheet.title}!{cell.coordinate} would be saved as a formula: "
                        "a value from data must be written with cells.put"
                    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def open_workbook(content: bytes, *, read_only: bool = False) -> Workbook:
    """Load a workbook someone sent with each formula as its text (see `value`), never a cached result.

    Check `content` with `formgen.data.untrusted` first: openpyxl inflates what it is given.
    """
    return load_workbook(io.BytesIO(content), read_only=read_only, data_only=False)


def value(raw: Any) -> Any:
    """A value read from a cell of `open_workbook` as data: a formula as its text (``=A1+1``).

    openpyxl gives a plain formula as its text already, an array formula or a data table as
    an object; the text is what the person typed, and a rule of the form then judges it.
    """
    if isinstance(raw, ArrayFormula):
        return raw.text
    if isinstance(raw, DataTableFormula):
        return "=TABLE()"
    return raw
