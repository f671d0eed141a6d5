"""Spreadsheet forms (summary tables) described as data, and their templates written from it.

A summary table is a title, header rows with merged cells exactly as the annex prints
them, one row per submitter, and note lines under the table. `SheetSpec` says all of
that; `build` writes the template: the header, print set-up (A4, fit to width, header
rows repeated on every page) and a hidden ``_formgen`` sheet that records the spec, so the
renderer needs nothing but the template and the data.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.worksheet import Worksheet

from formgen.data import cells
from formgen.document.docx_layout import FANGSONG, HEITI, XIAOBIAOSONG
from formgen.document.package import fixed_time, normalize_zip, write_atomic

META_SHEET = "_formgen"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Column:
    """One column of the table: its width in characters and the row field it shows.

    `path` is a field of the row model (dotted for nested fields); ``#`` is the row's 序号,
    ``-`` a column the office writes in by hand (printed empty, no field).
    """

    path: str
    width: float

    @property
    def serial(self) -> bool:
        """The row's 序号, numbered by formgen."""
        return self.path == "#"

    @property
    def holds_data(self) -> bool:
        """A field of the row model, neither the 序号 nor the office's column."""
        return self.path not in ("#", "-")


@dataclass(frozen=True)
class HeaderField:
    """A labelled input above the table, e.g. 推荐单位（盖章）：[ ].

    `value_cell` may be a range ("C3:D3"): the input is then one merged cell.
    """

    label: str
    path: str
    label_cell: str
    value_cell: str

    @property
    def anchor(self) -> str:
        """The top-left cell of the input."""
        return self.value_cell.split(":")[0]

    @property
    def row(self) -> int:
        """The sheet row of the input."""
        return int("".join(ch for ch in self.anchor if ch.isdigit()))


@dataclass(frozen=True)
class SheetSpec:
    """Everything a summary table prints, top to bottom."""

    label: str
    """The annex label printed at the top left (附件2)."""
    title: str
    header: list[list[str]]
    """Header rows; a merged cell repeats its text in every grid position it covers."""
    columns: list[Column]
    rows_path: str
    """The list field of the form's model whose items are the table's rows."""
    blank_rows: int
    """How many empty input rows a blank form has."""
    notes: list[str] = field(default_factory=list)
    fields: list[HeaderField] = field(default_factory=list)
    landscape: bool = True
    font_size: float = 11
    header_row: int | None = None
    """Where a published workbook's header begins (a notice package's table); formgen's own
    layouts leave it to follow label, title and the fields' rows."""

    @property
    def first_header_row(self) -> int:
        """The sheet row of the first header row (after label, title and the fields' rows)."""
        if self.header_row is not None:
            return self.header_row
        return max((f.row for f in self.fields), default=2) + 1

    @property
    def first_data_row(self) -> int:
        """The sheet row of the first data row."""
        return self.first_header_row + len(self.header)


def _merges(header: list[list[str]]) -> list[tuple[int, int, int, int]]:
    """Rectangles (row, col, last row, last col) of equal adjacent header texts, 0-based."""
    seen: set[tuple[int, int]] = set()
    found = []
    for r, line in enumerate(header):
        for c, text in enumerate(line):
            if (r, c) in seen or not text:
                continue
            last_c = c
            while last_c + 1 < len(line) and line[last_c + 1] == text:
                last_c += 1
            last_r = r
            while last_r + 1 < len(header) and all(
                header[last_r + 1][k] == text for k in range(c, last_c + 1)
            ):
                last_r += 1
            seen.update((rr, cc) for rr in range(r, last_r + 1) for cc in range(c, last_c + 1))
            found.append((r, c, last_r, last_c))
    return found


def write_header(sheet: Worksheet, spec: SheetSpec) -> None:
    """Write label, title, header fields and header rows onto `sheet`."""
    width = len(spec.columns)
    cells.put(sheet["A1"], spec.label)
    sheet["A1"].font = Font(name=HEITI, size=14)
    cells.put(sheet["A2"], spec.title)
    sheet["A2"].font = Font(name=XIAOBIAOSONG, size=18)
    sheet["A2"].alignment = CENTER
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.row_dimensions[2].height = 36
    for item in spec.fields:
        cells.put(sheet[item.label_cell], item.label)
        sheet[item.label_cell].font = Font(name=FANGSONG, size=spec.font_size + 1)
        sheet[item.label_cell].alignment = Alignment(horizontal="right", vertical="center")
        if ":" in item.value_cell:
            sheet.merge_cells(item.value_cell)
    top = spec.first_header_row
    for r, line in enumerate(spec.header):
        if len(line) != width:
            raise ValueError(f"header row {r + 1} has {len(line)} cells, the table {width} columns")
        for c, text in enumerate(line):
            cell = cells.put(sheet.cell(row=top + r, column=c + 1), text or None)
            cell.font = Font(name=HEITI, size=spec.font_size)
            cell.alignment = CENTER
            cell.border = BORDER
    for r, c, last_r, last_c in _merges(spec.header):
        if (r, c) != (last_r, last_c):
            sheet.merge_cells(
                start_row=top + r, start_column=c + 1, end_row=top + last_r, end_column=last_c + 1
            )
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width


def _print_setup(sheet: Worksheet, spec: SheetSpec) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if spec.landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    first, last = spec.first_header_row, spec.first_data_row - 1
    sheet.print_title_rows = f"{first}:{last}"
    sheet.oddFooter.center.text = "— &P —"
    sheet.oddFooter.center.font = "宋体"
    sheet.oddFooter.center.size = 12


def build(spec: SheetSpec, path: Path) -> None:
    """Write the template of `spec` to `path`, byte for byte reproducible."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = spec.label or "Sheet1"
    write_header(sheet, spec)
    _print_setup(sheet, spec)
    meta = workbook.create_sheet(META_SHEET)
    hide(meta)
    record_spec(meta, spec)
    save(workbook, path, title=spec.title)


def record_spec(meta: Worksheet, spec: SheetSpec) -> None:
    """Write `spec` into the hidden sheet, as `load_spec` reads it back."""
    data = asdict(spec)
    if data["header_row"] is None:
        del data["header_row"]  # formgen's own templates stay as they were written
    cells.put_row(meta, 1, ["spec", json.dumps(data, ensure_ascii=False)])


def hide(sheet: Worksheet) -> None:
    """Hide a helper sheet so that only a program shows it again (Excel's "very hidden").

    With the workbook's structure locked (see `to_bytes`), a person filling the table cannot
    unhide, rename, delete or reorder sheets; no password is needed to fill the cells.
    """
    sheet.sheet_state = "veryHidden"


def load_spec(meta: Worksheet) -> SheetSpec:
    """Read back the spec a template recorded in its hidden sheet."""
    raw: dict[str, Any] = json.loads(str(meta["B1"].value))
    return SheetSpec(
        **{
            **raw,
            "columns": [Column(**c) for c in raw["columns"]],
            "fields": [HeaderField(**f) for f in raw["fields"]],
        }
    )


def save(workbook: Workbook, path: Path, *, title: str) -> None:
    """Save `workbook` to `path` with fixed metadata."""
    write_atomic(path, to_bytes(workbook, title=title))


def to_bytes(workbook: Workbook, *, title: str) -> bytes:
    """Return the workbook's bytes with fixed metadata and ZIP times."""
    props = workbook.properties
    props.title = title
    props.creator = "formgen"
    props.lastModifiedBy = "formgen"
    props.created = props.modified = fixed_time()
    workbook.security = WorkbookProtection(lockStructure=True)
    return normalize_zip(cells.save(workbook), rewrite={STYLES_PART: _fonts_in_schema_order})


STYLES_PART = "xl/styles.xml"
# The order the Open XML SDK's schema (and Excel itself) gives a font's children; openpyxl
# writes the name first, which strict validators reject.
_FONT_ORDER = tuple(
    "b i strike condense extend outline shadow u vertAlign sz color name family charset scheme".split()
)


def _fonts_in_schema_order(styles: bytes) -> bytes:
    """Return the styles part with every font's children in schema order."""
    root = etree.fromstring(styles)
    namespace = root.nsmap[None]
    rank = {f"{{{namespace}}}{name}": i for i, name in enumerate(_FONT_ORDER)}
    for font in root.iter(f"{{{namespace}}}font"):
        children = sorted(font, key=lambda child: rank.get(child.tag, len(rank)))
        for child in children:
            font.remove(child)
        font.extend(children)
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return result
