"""One Excel summary table drafted: its row model found, its template the published workbook.

The workbook stays as published (title, header rows, merges, widths, print set-up); only the
empty data rows are emptied of what a blank shows (序号 numbers, published drop-downs), since
formgen writes the rows, their numbers and their validation itself. The notice package's
loader adds the hidden sheet that says where the table is, from `Table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from formgen.data import cells, untrusted
from formgen.document.xlsx_layout import to_bytes
from formgen.drafting import naming, vocabulary, xlsx_places
from formgen.drafting.places import Adjust, Found, Place
from formgen.model.package_spec import OFFICE


@dataclass
class Table:
    """Where the table is and what its columns are: the package's ``table:`` entry."""

    header_row: int
    header_rows: int
    blank_rows: int
    columns: list[str | None]
    """Each sheet column from A: the path of its rows field column, None for 序号, ``-``
    (`OFFICE`) for a column the author marked as the office's."""
    office: dict[int, str] = field(default_factory=dict)
    """The header label of each office column, by sheet column (0-based)."""
    fields: dict[str, str] = field(default_factory=dict)
    """Value cell of each input above the table, by path."""


@dataclass
class DraftedXlsx:
    """The places of a summary table, with paths, the template and where the table is."""

    found: Found
    template: bytes
    table: Table


def draft(content: bytes, name: str, adjust: Adjust | None = None) -> DraftedXlsx:
    """Draft the summary table `content` (already `untrusted.inspect`-ed as an XLSX named `name`),
    corrected by `adjust`: the fields above its table, and its columns (the table's rows place,
    which stays last; a column it drops is the office's, printed empty)."""

    untrusted.SafePackage(content, name)
    try:
        workbook = cells.open_workbook(content)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise untrusted.RefusedFileError(
            name, f"无法读取此Excel文件（{exc}）", f"the workbook cannot be read ({exc})"
        ) from None
    sheet = workbook.worksheets[0]
    layout = xlsx_places.layout(sheet, name.rsplit(".", 1)[0])
    if layout is None:
        raise untrusted.RefusedFileError(
            name, "工作表中没有带表头的表格", "the sheet holds no table with a header row"
        )
    layout.lists = _lists(sheet, layout.data_top)
    found = xlsx_places.places(layout, name)
    found.label = layout.label
    naming.assign(found.places)
    drafted = {column.where: column.label for column in found.places[-1].columns}
    if adjust is not None:
        adjusted = adjust(name, found.places)
        found.places = [p for p in adjusted if p.type != "rows"] + [p for p in adjusted if p.type == "rows"]
    rows = found.places[-1]
    by_place = {column.where: column.path for column in rows.columns}
    columns: list[str | None] = []
    office: dict[int, str] = {}
    for c in range(len(layout.header[0])):
        header = [line[c] for line in layout.header if line[c]]
        serial = not header or (header[-1] in ("序号", "编号") and len(set(header)) == 1)
        path = by_place.get(xlsx_places.column_place(layout, c))
        if path is None and not serial:
            office[c] = vocabulary.tidy_label(header[-1])
        columns.append(None if serial else path or OFFICE)
    _relabel(sheet, layout, [c for c in rows.columns if drafted.get(c.where, c.label) != c.label])
    _clear_data(sheet, layout.data_top, layout.data_top + layout.blank_rows - 1)
    table = Table(
        header_row=layout.header_top,
        header_rows=len(layout.header),
        blank_rows=layout.blank_rows,
        columns=columns,
        office=office,
        fields={place.path: place.where for place in found.places[:-1]},
    )
    return DraftedXlsx(found, to_bytes(workbook, title=layout.title), table)


def _relabel(sheet: Any, layout: xlsx_places.SheetLayout, columns: list[Place]) -> None:
    """Print each of `columns`' corrected label in its header cell (the lowest header row, or the
    merge that covers it), so the table reads as the author corrected it."""
    row = layout.header_top + len(layout.header) - 1
    for column in columns:
        c = int(column.where.rsplit("第", 1)[1].rstrip("格"))
        top, left = row, c
        for merged in sheet.merged_cells.ranges:
            if merged.min_row <= row <= merged.max_row and merged.min_col <= c <= merged.max_col:
                top, left = merged.min_row, merged.min_col
        cells.put(sheet.cell(row=top, column=left), column.label)


def _lists(sheet: object, data_top: int) -> dict[int, list[str]]:
    """The drop-down lists the published sheet gives its data columns, then removed (formgen
    writes its own over the rows it writes)."""
    lists: dict[int, list[str]] = {}
    validations = sheet.data_validations  # type: ignore[attr-defined]
    kept = []
    for validation in list(validations.dataValidation):
        formula = validation.formula1 or ""
        ranges = list(validation.sqref.ranges)
        if not any(r.max_row >= data_top for r in ranges):
            kept.append(validation)
            continue
        if validation.type == "list" and formula.startswith('"'):
            options = [o.strip() for o in formula.strip('"').split(",") if o.strip()]
            for cell_range in ranges:
                for c in range(cell_range.min_col, cell_range.max_col + 1):
                    lists[c - 1] = options
    validations.dataValidation = kept
    return lists


def _clear_data(sheet: object, first: int, last: int) -> None:
    """Empty the blank data rows (a published 1, 2, 3 … in 序号): styles and merges kept."""
    from openpyxl.cell.cell import MergedCell

    for row in sheet.iter_rows(min_row=first, max_row=last):  # type: ignore[attr-defined]
        for cell in row:
            if not isinstance(cell, MergedCell):
                cells.put(cell, None)
