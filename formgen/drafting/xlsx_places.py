"""A published summary table (汇总表) read as a row model: header rows, typed columns, fields above.

Such a sheet prints 附件N and a title, perhaps labelled inputs above the table (填报单位：,
填报日期：), one or two header rows (a merged parent over its columns), then empty rows,
perhaps numbered, and notes (填表说明) below. The header rows are kept as printed; the empty
rows become the table's rows, one column per header, typed from the header's words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from formgen.drafting import vocabulary
from formgen.drafting.places import Found, LeftOut, Place


@dataclass
class SheetLayout:
    """Where the parts of a summary sheet are (1-based sheet rows)."""

    label: str
    title: str
    header_top: int
    header: list[list[str]]
    data_top: int
    blank_rows: int
    notes: list[str] = field(default_factory=list)
    notes_top: int = 0
    above: list[tuple[str, str, str]] = field(default_factory=list)
    """Labelled inputs above the table: label, label cell, value cell."""
    lists: dict[int, list[str]] = field(default_factory=dict)
    """Drop-down lists the published sheet already gives, by column (0-based)."""


def _grid(sheet: Any) -> list[list[str]]:
    """The sheet's text, merged cells repeating their text over the area they cover."""
    rows = [
        ["" if v is None else str(v).strip() for v in row]
        for row in sheet.iter_rows(min_row=1, max_row=min(sheet.max_row, 2000), values_only=True)
    ]
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    for merged in sheet.merged_cells.ranges:
        text = rows[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(rows) else ""
        for r in range(merged.min_row, min(merged.max_row, len(rows)) + 1):
            for c in range(merged.min_col, min(merged.max_col, width) + 1):
                rows[r - 1][c - 1] = text
    return rows


def layout(sheet: Any, name: str) -> SheetLayout | None:
    """The parts of `sheet`, or None when it holds no table with a header row."""
    rows = _grid(sheet)
    width = max((len(r) for r in rows), default=0)
    header_top = 0
    for index, row in enumerate(rows):
        distinct = {t for t in row if t}
        if len(distinct) >= 3 and sum(1 for t in row if t) >= max(3, width // 2):
            header_top = index + 1
            break
    if not header_top:
        return None
    used = max(c for c in range(width) if rows[header_top - 1][c]) + 1
    header_end = header_top
    while header_end < len(rows) and _header_like(rows[header_end][:used], rows[header_end - 1][:used]):
        header_end += 1
    header = [r[:used] for r in rows[header_top - 1 : header_end]]
    data_top = header_end + 1
    blank = 0
    numbered = 0
    index = header_end
    while index < len(rows) and _empty_row(rows[index][:used]):
        blank += 1
        if any(t.isdigit() for t in rows[index][:used]):
            numbered = blank  # a numbered row (1, 2, 3 in 序号): the blank rows end with the last
        index += 1
    blank = numbered or blank
    notes = [t for r in rows[index:] for t in dict.fromkeys(r) if t]
    label = next((t for t in rows[0] if t), "") if header_top > 1 else ""
    title = ""
    above: list[tuple[str, str, str]] = []
    for r in range(1, header_top):
        texts = [t for t in dict.fromkeys(rows[r - 1]) if t]
        if r == 1 and label.startswith("附件"):
            texts = texts[1:]
        if not texts:
            continue
        if not title and len(texts) == 1 and not texts[0].endswith(("：", ":")):
            title = texts[0]
            continue
        above.extend(_labelled(rows[r - 1], r))
    return SheetLayout(
        label=label if label.startswith("附件") else "",
        title=title or name,
        header_top=header_top,
        header=header,
        data_top=data_top,
        blank_rows=max(blank, 1),
        notes=notes,
        notes_top=index + 1 if notes else 0,
        above=above,
    )


def _header_like(row: list[str], previous: list[str]) -> bool:
    """A second header row: texts under a parent spread over several columns."""
    if not any(row) or all(t.isdigit() for t in row if t):
        return False
    spread = any(
        previous[c] and c + 1 < len(previous) and previous[c + 1] == previous[c] for c in range(len(row))
    )
    return spread and all(t for t in row)


def _empty_row(row: list[str]) -> bool:
    return all(not t or t.isdigit() or vocabulary.frame_only(t) for t in row)


def _labelled(row: list[str], r: int) -> list[tuple[str, str, str]]:
    from openpyxl.utils import get_column_letter

    found = []
    for c, text in enumerate(row):
        if text.endswith(("：", ":")) and (c == 0 or row[c - 1] != text):
            value = c + 1
            while value < len(row) and row[value] == text:
                value += 1
            if value < len(row):
                found.append((text, f"{get_column_letter(c + 1)}{r}", f"{get_column_letter(value + 1)}{r}"))
    return found


def column_place(sheet_layout: SheetLayout, column: int) -> str:
    """Where sheet column `column` (0-based) of the table is, as its place says: its header cell."""
    return f"第{sheet_layout.header_top}行 第{column + 1}格"


def places(sheet_layout: SheetLayout, name: str) -> Found:
    """The table as one rows place (typed columns) and the inputs above it."""
    found = Found(title=sheet_layout.title)
    for label, label_cell, value_cell in sheet_layout.above:
        clean = vocabulary.clean_label(label)
        reason = vocabulary.office_reason(clean)
        if reason:
            found.left_out.append(LeftOut(clean, label_cell, reason))
            continue
        found.places.append(Place(clean, vocabulary.field_type(clean), value_cell, "表上方标签", 0.8))
    columns: list[Place] = []
    header = sheet_layout.header
    for c in range(len(header[0])):
        texts = list(dict.fromkeys(line[c] for line in header if line[c]))
        if not texts:
            continue
        label = vocabulary.tidy_label(texts[-1])
        parent = vocabulary.tidy_label(texts[0]) if len(texts) > 1 else ""
        if label in ("序号", "编号") and not parent:
            continue
        columns.append(
            vocabulary.column(
                parent,
                label,
                column_place(sheet_layout, c),
                options=sheet_layout.lists.get(c),
                yes_no=True,
            )
        )
    found.places.append(
        Place(
            label=sheet_layout.title[:30] or name,
            type="rows",
            where=f"第{sheet_layout.data_top}行起",
            pattern="表格数据行",
            confidence=0.9,
            columns=columns,
            blank_rows=sheet_layout.blank_rows,
        )
    )
    return found
