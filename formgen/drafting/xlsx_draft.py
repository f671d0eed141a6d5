"""One Excel summary table drafted: its row model found, its template the published workbook.

The workbook stays as published (title, header rows, merges, widths, print set-up); only the
empty data rows are emptied of what a blank shows (序号 numbers, published drop-downs), since
formgen writes the rows, their numbers and their validation itself. The notice package's
loader adds the hidden sheet that says where the table is, from `Table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from formgen.data import cells, untrusted
from formgen.document.xlsx_layout import to_bytes
from formgen.drafting import naming, xlsx_places
from formgen.drafting.places import Found


@dataclass
class Table:
    """Where the table is and what its columns are: the package's ``table:`` entry."""

    header_row: int
    header_rows: int
    blank_rows: int
    columns: list[str | None]
    """Each sheet column from A: the path of its rows field column, None for 序号."""
    fields: dict[str, str] = field(default_factory=dict)
    """Value cell of each input above the table, by path."""


@dataclass
class DraftedXlsx:
    """The places of a summary table, with paths, the template and where the table is."""

    found: Found
    template: bytes
    table: Table


def draft(content: bytes, name: str) -> DraftedXlsx:
    """Draft the summary table `content` (already `untrusted.inspect`-ed as an XLSX named `name`)."""

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
    rows = found.places[-1]
    paths = iter(column.path for column in rows.columns)
    columns: list[str | None] = []
    for c in range(len(layout.header[0])):
        header = [line[c] for line in layout.header if line[c]]
        serial = not header or (header[-1] in ("序号", "编号") and len(set(header)) == 1)
        columns.append(None if serial else next(paths))
    _clear_data(sheet, layout.data_top, layout.data_top + layout.blank_rows - 1)
    table = Table(
        header_row=layout.header_top,
        header_rows=len(layout.header),
        blank_rows=layout.blank_rows,
        columns=columns,
        fields={place.path: place.where for place in found.places[:-1]},
    )
    return DraftedXlsx(found, to_bytes(workbook, title=layout.title), table)


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
