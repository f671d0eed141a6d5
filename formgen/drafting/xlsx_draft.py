"""One Excel summary table drafted: its row model found and its template written.

The template is the published workbook: header rows and everything above them as printed,
the empty data rows and the notes below them cleared (the renderer writes rows, then the
notes after the last), and formgen's hidden sheet recording where the table is.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass

from formgen.data import untrusted
from formgen.document.xlsx_layout import META_SHEET, Column, HeaderField, SheetSpec, hide, to_bytes
from formgen.drafting import naming, xlsx_places
from formgen.drafting.places import Found


@dataclass
class DraftedXlsx:
    """The places of a summary table, with paths, and the template recording them."""

    found: Found
    template: bytes


def draft(content: bytes, name: str) -> DraftedXlsx:
    """Draft the summary table `content` (already `untrusted.inspect`-ed as an XLSX named `name`)."""
    from openpyxl import load_workbook  # only spreadsheets need openpyxl
    from openpyxl.utils import get_column_letter

    untrusted.SafePackage(content, name)
    try:
        workbook = load_workbook(io.BytesIO(content))
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise untrusted.RefusedFileError(
            name, f"无法读取此Excel文件（{exc}）", f"the workbook cannot be read ({exc})"
        ) from None
    sheet = workbook.worksheets[0]
    found_layout = xlsx_places.layout(sheet, name.rsplit(".", 1)[0])
    if found_layout is None:
        raise untrusted.RefusedFileError(
            name, "工作表中没有带表头的表格", "the sheet holds no table with a header row"
        )
    found_layout.lists = _lists(sheet, found_layout.data_top)
    found = xlsx_places.places(found_layout, name)
    naming.assign(found.places)
    rows = found.places[-1]
    width = len(found_layout.header[0])
    columns: list[Column] = []
    paths = iter(column.path for column in rows.columns)
    for c in range(width):
        header = [line[c] for line in found_layout.header if line[c]]
        serial = bool(header) and header[-1] in ("序号", "编号") and len(set(header)) == 1
        letter = get_column_letter(c + 1)
        columns.append(
            Column("#" if serial or not header else next(paths), sheet.column_dimensions[letter].width or 12)
        )
    _clear_below(sheet, found_layout.data_top)
    spec = SheetSpec(
        label=found_layout.label,
        title=found_layout.title,
        header=found_layout.header,
        columns=columns,
        rows_path=rows.path,
        blank_rows=found_layout.blank_rows,
        notes=found_layout.notes,
        fields=[
            HeaderField(place.label, place.path, label_cell, value_cell)
            for place, (_, label_cell, value_cell) in zip(
                found.places[:-1], _kept_above(found_layout, found), strict=True
            )
        ],
        header_row=found_layout.header_top,
    )
    meta = workbook.create_sheet(META_SHEET)
    hide(meta)
    meta["A1"] = "spec"
    meta["B1"] = json.dumps(asdict(spec), ensure_ascii=False)
    return DraftedXlsx(found, to_bytes(workbook, title=spec.title))


def _kept_above(found_layout: xlsx_places.SheetLayout, found: Found) -> list[tuple[str, str, str]]:
    kept = {place.where for place in found.places[:-1]}
    return [item for item in found_layout.above if item[2] in kept]


def _lists(sheet: object, data_top: int) -> dict[int, list[str]]:
    """The drop-down lists the published sheet gives its data columns, then removed (the
    renderer writes its own)."""
    lists: dict[int, list[str]] = {}
    validations = sheet.data_validations  # type: ignore[attr-defined]
    for validation in list(validations.dataValidation):
        formula = validation.formula1 or ""
        if validation.type == "list" and formula.startswith('"'):
            options = [o.strip() for o in formula.strip('"').split(",") if o.strip()]
            for cell_range in validation.sqref.ranges:
                if cell_range.max_row >= data_top:
                    for c in range(cell_range.min_col, cell_range.max_col + 1):
                        lists[c - 1] = options
    validations.dataValidation = []
    return lists


def _clear_below(sheet: object, data_top: int) -> None:
    """Empty the data rows and the notes: values and merges, styles kept."""
    for merged in list(sheet.merged_cells.ranges):  # type: ignore[attr-defined]
        if merged.min_row >= data_top:
            sheet.unmerge_cells(str(merged))  # type: ignore[attr-defined]
    for row in sheet.iter_rows(min_row=data_top):  # type: ignore[attr-defined]
        for cell in row:
            cell.value = None
