"""A Word table as the reader sees it: a grid of cells, merged ones counted once.

WordprocessingML keeps a horizontal merge as one ``w:tc`` with ``w:gridSpan`` and a vertical
one as a column of ``w:tc`` marked ``w:vMerge`` (``restart`` on the first, bare after). The
detector asks "what is left of this cell, what is above it", so each merged area becomes one
`GridCell` with its first row and column and its spans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(eq=False)
class GridCell:
    """One merged area of a table: its first ``w:tc``, where it starts and how far it spans."""

    tc: Any
    row: int
    col: int
    colspan: int
    rowspan: int = 1
    text: str = ""
    rows: list[Any] = field(default_factory=list)
    """The ``w:tr`` elements the cell covers, top first."""


@dataclass
class Grid:
    """The cells of one ``w:tbl``, by position; `at(row, col)` finds the area covering a slot."""

    table: Any
    rows: list[Any]
    cells: list[GridCell]
    slots: dict[tuple[int, int], GridCell]

    def at(self, row: int, col: int) -> GridCell | None:
        """The cell covering grid slot (`row`, `col`), or None beyond the table."""
        return self.slots.get((row, col))

    def row_cells(self, row: int) -> list[GridCell]:
        """The cells that start in `row`, left to right."""
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)

    @property
    def width(self) -> int:
        """The number of grid columns."""
        return max((c.col + c.colspan for c in self.cells), default=0)


def cell_text(tc: Any) -> str:
    """The text of a cell (or any element): paragraphs on lines, tabs kept, nested tables out."""
    lines = []
    for paragraph in tc.iter(W + "p"):
        if _nested(paragraph, tc):
            continue
        lines.append(paragraph_text(paragraph))
    return "\n".join(lines)


def paragraph_text(paragraph: Any) -> str:
    """The text of one ``w:p``, tabs as tab characters, breaks as newlines; the characters are
    those `textedit.pieces` counts, so offsets into it address the runs."""
    parts = []
    for node in paragraph.iter(W + "t", W + "tab", W + "br"):
        if next(node.iterancestors(W + "p"), None) is not paragraph:
            continue  # a text box's own paragraph, read where it stands
        if node.tag == W + "t":
            parts.append(node.text or "")
        elif node.tag == W + "tab":
            if node.getparent() is not None and node.getparent().tag == W + "r":
                parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _nested(paragraph: Any, tc: Any) -> bool:
    parent = paragraph.getparent()
    while parent is not None and parent is not tc:
        if parent.tag == W + "tc":
            return True
        parent = parent.getparent()
    return False


def grid(table: Any) -> Grid:
    """The grid of `table` (a ``w:tbl``); rows that hold a nested table keep it as text."""
    rows = [tr for tr in table if tr.tag == W + "tr"]
    cells: list[GridCell] = []
    slots: dict[tuple[int, int], GridCell] = {}
    for r, tr in enumerate(rows):
        col = _grid_before(tr)
        for tc in tr:
            if tc.tag == W + "sdt":  # a cell wrapped in a control: take the cell inside
                inner = tc.find(f"{W}sdtContent/{W}tc")
                if inner is None:
                    continue
                tc = inner
            if tc.tag != W + "tc":
                continue
            props = tc.find(W + "tcPr")
            span = _int(props, "gridSpan", 1)
            merge = props.find(W + "vMerge") if props is not None else None
            above = slots.get((r - 1, col))
            if merge is not None and merge.get(W + "val") in (None, "continue") and above is not None:
                above.rowspan = r - above.row + 1
                above.rows.append(tr)
                for c in range(col, col + span):
                    slots[(r, c)] = above
            else:
                cell = GridCell(tc, r, col, span, text=cell_text(tc), rows=[tr])
                cells.append(cell)
                for c in range(col, col + span):
                    slots[(r, c)] = cell
            col += span
    return Grid(table, rows, cells, slots)


def _grid_before(tr: Any) -> int:
    props = tr.find(W + "trPr")
    return _int(props, "gridBefore", 0)


def _int(props: Any, name: str, default: int) -> int:
    if props is None:
        return default
    element = props.find(W + name)
    if element is None:
        return default
    try:
        return max(int(element.get(W + "val") or default), 1 if default else 0)
    except ValueError:
        return default
