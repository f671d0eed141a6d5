"""Input places of a Word form: its tables cell by cell, its paragraphs line by line.

Tables first find their repeated empty rows under a header row (a rows field, one column per
header, two header levels joined); every other cell is a label, an input beside or under its
label, a cell of □ options, or a cell with gaps in its lines. Paragraphs outside tables are
read by `paragraph_places`. The office's areas and hand signatures are left out, with reasons.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from formgen.drafting import text_choices, vocabulary
from formgen.drafting.paragraph_places import BOXES, Line, boxes, gaps
from formgen.drafting.places import Found, Header, LeftOut, Place, RowsEdit, Span
from formgen.drafting.wordgrid import Grid, GridCell, W, grid, paragraph_text

_TALL_ROW = 1200
"""A row at least this tall (twips, about 2 cm) is for prose."""


def find(body: Any) -> Found:
    """Every input place in `body` (a ``w:body``), in reading order."""
    found = Found()
    section = ""
    table_count = 0
    paragraph_count = 0
    office = ""
    heading = ""
    guidance = False
    for child in _blocks(body):
        if child.tag == W + "p":
            paragraph_count += 1
            text = paragraph_text(child)
            if not text.strip() and heading and _fillable(child):
                _keep(found, _prose(child, heading, f"段落{paragraph_count}", section), office)
                heading = ""
                continue
            if _item_heading(text):
                heading, guidance = text, False
            elif heading and not guidance and text.strip():
                guidance = True  # a line of guidance under the item: the prose goes below it
            elif _prose_label(text):
                heading, guidance = text, False
            else:
                heading = ""
            annex = _ANNEX.match(text)
            if annex and not found.label:
                found.label = f"附件{annex.group(1)}"
            elif not found.title and _is_heading(text):
                found.title = vocabulary.clean_label(text)[:40]
            where = f"段落{paragraph_count}"
            reason = vocabulary.office_reason(text) if "填写" in text or "意见" in text else None
            if reason and len(text.strip()) <= 30:
                office = reason
            if _is_heading(text):
                section = vocabulary.clean_label(text)
                office = vocabulary.office_reason(text) or ""
            line = Line(child, where, section)
            choice = boxes([line], "", where, section) if any(b in text for b in BOXES) else None
            if choice:
                _keep(found, choice, office)
                heading = ""
            else:
                places, left = gaps(line)
                for place in places:
                    _keep(found, place, office)
                found.left_out.extend(left)
                heading = "" if places or left else heading
        elif child.tag == W + "tbl":
            heading = ""
            table_count += 1
            _table(found, grid(child), f"表{table_count}", section)
    return found


_ANNEX = re.compile(r"^\s*附\s*件\s*(\d+)\s*[：:]?\s*$")
_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．](?!\d))\s*\S"
)


_DOCUMENT_NAMES = ("表", "书", "函", "单", "指南", "清单", "目录")


def _item_heading(text: str) -> bool:
    """A numbered item that heads prose: short, and not the name of a document in a list."""
    words = text.strip().rstrip("。；;.：:")
    return bool(_ITEM.match(text)) and len(words) <= 40 and not words.endswith(_DOCUMENT_NAMES)


def _fillable(paragraph: Any) -> bool:
    """An empty paragraph that is only a paragraph: no picture, no section break, no field."""
    return not any(
        element.tag in (W + "drawing", W + "pict", W + "object", W + "sectPr", W + "fldChar", W + "br")
        for element in paragraph.iter()
    )


def _prose(
    paragraph: Any,
    heading: str,
    where: str,
    context: str,
    *,
    pattern: str = "条目下空行",
    confidence: float = 0.65,
    limit_text: str = "",
) -> Place:
    """Prose in the empty line `paragraph` below `heading` (a numbered item, a label ending
    in a colon): the heading's words are its label, a limit in them or `limit_text` its limit."""
    words = _ITEM.sub(lambda m: m.group(0)[-1], heading, count=1).strip().rstrip("：:；;。.")
    return Place(
        label=vocabulary.clean_label(words)[:30],
        type="long_text",
        where=where,
        pattern=pattern,
        confidence=confidence,
        context=context,
        max_chars=vocabulary.char_limit(limit_text or heading),
        spans=[Span(paragraph, 0, 0, block=True)],
    )


def _blocks(body: Any) -> list[Any]:
    """The paragraphs and tables of the body in order, controls unwrapped."""
    blocks = []
    for child in body:
        if child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            blocks.extend(_blocks(content) if content is not None else [])
        elif child.tag in (W + "p", W + "tbl"):
            blocks.append(child)
    return blocks


def _is_heading(text: str) -> bool:
    stripped = text.strip()
    return 0 < len(stripped) <= 30 and not any(c in stripped for c in BOXES + "_：:") and "  " not in stripped


def _keep(found: Found, place: Place, office: str) -> None:
    reason = office or vocabulary.office_reason(place.label)
    if reason:
        found.left_out.append(LeftOut(place.label, place.where, reason))
    else:
        found.places.append(place)


# -- tables --------------------------------------------------------------------------------


def _table(found: Found, table: Grid, name: str, section: str) -> None:
    taken: set[int] = set()
    office = ""
    for rows_place in _rows_fields(table, name, section):
        found.places.append(rows_place)
        assert rows_place.rows is not None
        for tr in [rows_place.rows.template, *rows_place.rows.extra]:
            taken.add(id(tr))
    for r in range(len(table.rows)):
        if id(table.rows[r]) in taken:
            continue
        for cell in table.row_cells(r):
            where = f"{name} 第{cell.row + 1}行 第{cell.col + 1}格"
            text = cell.text
            if cell.col == 0 and vocabulary.office_reason(text) and cell.colspan < table.width:
                office = vocabulary.office_reason(text) or ""
            elif cell.col == 0 and text.strip() and not vocabulary.office_reason(text):
                office = ""
            context = _row_header(table, cell) or section
            if any(b in text for b in BOXES):
                label = _label_left(table, cell) or _label_above(table, cell)
                lines = [Line(p, where, context) for p in _paragraphs(cell.tc)]
                choice = boxes(lines, label, where, context)
                if choice:
                    _keep(found, choice, office)
                continue
            unit = vocabulary.unit_only(text)
            if not text.strip() or unit or vocabulary.frame_only(text):
                _empty_cell(found, table, cell, where, context, unit, office)
                continue
            _cell_lines(found, table, cell, where, context, office)


def _paragraphs(tc: Any) -> list[Any]:
    return [p for p in tc.iter(W + "p") if next(p.iterancestors(W + "tc"), None) is tc]


def _empty_cell(
    found: Found, table: Grid, cell: GridCell, where: str, context: str, unit: str | None, office: str
) -> None:
    left = _label_left(table, cell)
    above = _label_above(table, cell)
    label = left or above
    if left and text_choices.groups(_raw(table, cell, left=True)):
        return  # 性别（男/女）: the label's own words are the choice (`text_choices`), ticked there
    column = _column_header(table, cell)
    row_label = left or _row_label(table, cell)
    group = ""
    if column and row_label and _matrix_row(table, cell):
        # A matrix: the cell is the row's 指标 in the column's 年度; it nests under the row, as
        # a hand-made model groups it, and the group's title says which 指标.
        label, group = column, row_label
    elif column and row_label:
        label = f"{row_label}（{column}）"  # one cell of its row (合计 under 数量): no group
    elif above and not left:
        label_cell = table.at(cell.row - 1, cell.col)
        parent = _label_above(table, label_cell) if label_cell is not None and cell.row > 1 else ""
        wider = table.at(cell.row - 2, cell.col) if cell.row > 1 else None
        if not parent and wider is not None and wider.colspan > cell.colspan:
            parent = _label_of(wider)
        context = parent or context  # 2021年 under 营业收入（万元）
    if not label:
        if cell.text.strip() or _filled_row(table, cell):
            found.left_out.append(
                LeftOut(cell.text.strip() or "（空白）", where, "没有标签 / no label beside or above")
            )
        return
    text = cell.text
    date = bool(vocabulary.DATE_BLANK.search(text))
    if vocabulary.signature_only(label) and not date:
        found.left_out.append(LeftOut(label, where, "签字盖章处，手写 / signed or stamped by hand"))
        return
    kind = "date" if date else vocabulary.field_type(label, unit)
    if column and row_label and not date:
        kind = vocabulary.matrix_type(row_label, column, unit)
    if kind == "text" and context and vocabulary.field_type(context) in vocabulary.NUMBERS:
        kind = vocabulary.field_type(context)  # 2021年 under 营业收入（万元）
    if kind == "text" and _tall(cell):
        kind = "long_text"
    paragraph = _paragraphs(cell.tc)[0]
    block = kind == "long_text" and not text.strip()
    if kind == "long_text" and not block:
        kind = "text"  # prose needs a paragraph of its own
    pattern = "单位单元格" if unit else ("左侧标签" if left else "上方标签")
    place = Place(
        label=label,
        type=kind,
        where=where,
        pattern=pattern,
        confidence=0.9 if left else 0.75,
        context=group or (context if context != label else ""),
        group=group,
        unit=unit or vocabulary.unit_in_label(label),
        max_chars=vocabulary.char_limit(_raw(table, cell, left=bool(left))),
        spans=[Span(paragraph, 0, len(paragraph_text(paragraph)) if date or not unit else 0, block=block)],
    )
    _keep(found, place, office)


def _matrix_row(table: Grid, cell: GridCell) -> bool:
    """Whether `cell`'s row has two or more empty cells under column labels (a 指标 by 年度)."""
    empty = [
        c
        for c in table.row_cells(cell.row)
        if (not c.text.strip() or vocabulary.unit_only(c.text)) and _column_header(table, c)
    ]
    return len(empty) >= 2


def _raw(table: Grid, cell: GridCell, *, left: bool) -> str:
    """The label cell's text as printed, notes in brackets included (不超过300字)."""
    neighbour = table.at(cell.row, cell.col - 1) if left else table.at(cell.row - 1, cell.col)
    return neighbour.text if neighbour is not None else ""


def _row_label(table: Grid, cell: GridCell) -> str:
    """The first label left of `cell` across empty cells (a matrix row's 指标), else ""."""
    col = cell.col - 1
    while col >= 0:
        left = table.at(cell.row, col)
        if left is None:
            return ""
        if left.text.strip() and not vocabulary.not_applicable(left.text):
            return _label_of(left)
        col = left.col - 1
    return ""


def _column_header(table: Grid, cell: GridCell) -> str:
    """The label heading `cell`'s column over empty cells, when it is in a header row of three
    or more labels (a matrix of 指标 by 年度), else ""."""
    r = cell.row - 1
    while r >= 0:
        above = table.at(r, cell.col)
        if above is None or above.col != cell.col or above.colspan != cell.colspan:
            return ""
        if not above.text.strip():
            r = above.row - 1
            continue
        label = _label_of(above)
        return label if label and _header_row(table, above.row) else ""
    return ""


def _header_row(table: Grid, r: int) -> bool:
    """Whether row `r` holds labels only, three or more, as a header row over a matrix does."""
    cells = _covering(table, r)
    labels = [c for c in cells if _label_of(c)]
    return len(labels) >= 3 and len(labels) == len([c for c in cells if c.text.strip()])


def _filled_row(table: Grid, cell: GridCell) -> bool:
    return any(c.text.strip() for c in table.row_cells(cell.row) if c is not cell)


def _cell_lines(found: Found, table: Grid, cell: GridCell, where: str, context: str, office: str) -> None:
    """A cell with words: gaps in its lines, or a label on top of empty lines for prose."""
    paragraphs = _paragraphs(cell.tc)
    fallback = _label_left(table, cell)
    any_found = False
    for index, paragraph in enumerate(paragraphs, start=1):
        line_where = f"{where} 段{index}" if len(paragraphs) > 1 else where
        places, left = gaps(Line(paragraph, line_where, context, fallback))
        for place in places:
            _keep(found, place, office)
            any_found = True
        found.left_out.extend(left)
    if any_found:
        return
    texts = [paragraph_text(p) for p in paragraphs]
    filled = [i for i, t in enumerate(texts) if t.strip()]
    if filled and filled[-1] < len(texts) - 1 and _prose_label(texts[filled[0]]):
        label = vocabulary.clean_label(texts[filled[0]])
        reason = office or vocabulary.office_reason(label)
        if reason:
            found.left_out.append(LeftOut(label, where, reason))
            return
        found.places.append(
            _prose(
                paragraphs[filled[-1] + 1],
                texts[filled[0]],
                where,
                context,
                pattern="标签下空行",
                confidence=0.7,
                limit_text=" ".join(texts),
            )
        )


def _prose_label(text: str) -> bool:
    stripped = text.strip()
    return (
        stripped.endswith((":", "："))
        or vocabulary.char_limit(stripped) is not None
        or (len(stripped) <= 30 and vocabulary.field_type(stripped) == "long_text")
    )


def _tall(cell: GridCell) -> bool:
    height = 0
    for tr in cell.rows:
        element = tr.find(f"{W}trPr/{W}trHeight")
        with contextlib.suppress(ValueError):
            height += int(element.get(W + "val")) if element is not None else 0
    return height >= _TALL_ROW or len(_paragraphs(cell.tc)) >= 4


def _label_of(cell: GridCell | None) -> str:
    if cell is None:
        return ""
    text = cell.text
    if not vocabulary.is_label(text) or vocabulary.unit_only(text) or any(b in text for b in BOXES):
        return ""
    if vocabulary.DATE_BLANK.search(text) or "__" in text:
        return ""
    return vocabulary.clean_label(text)


def _label_left(table: Grid, cell: GridCell) -> str:
    return _label_of(table.at(cell.row, cell.col - 1)) if cell.col > 0 else ""


def _label_above(table: Grid, cell: GridCell) -> str:
    above = table.at(cell.row - 1, cell.col) if cell.row > 0 else None
    if above is None or above.col != cell.col or above.colspan != cell.colspan:
        return ""
    return _label_of(above)


def _row_header(table: Grid, cell: GridCell) -> str:
    """The merged label heading several rows at the left (联系人 over 姓名, 电话), if any."""
    first = table.at(cell.row, 0)
    if first is None or first is cell or first.rowspan < 2 or first.col + first.colspan > cell.col - 1:
        return ""
    return _label_of(first)


# -- rows fields ---------------------------------------------------------------------------


def _rows_fields(table: Grid, name: str, section: str) -> list[Place]:
    """Each header row with two or more empty rows of the same cells under it."""
    places = []
    r = 0
    while r < len(table.rows) - 2:
        header = _covering(table, r)
        shape = [(c.col, c.colspan) for c in header]
        empties = []
        k = r + 1
        while k < len(table.rows):
            cells = table.row_cells(k)
            if [(c.col, c.colspan) for c in cells] != shape or any(
                c.text.strip() and not vocabulary.frame_only(c.text) and not c.text.strip().isdigit()
                for c in cells
            ):
                break
            empties.append(k)
            k += 1
        labels = [_label_of(c) for c in header]
        if len(empties) >= 2 and len(header) >= 2 and all(labels):
            places.append(_rows_place(table, r, empties, labels, name, section))
            r = k
        else:
            r += 1
    return places


def _rows_place(table: Grid, r: int, empties: list[int], labels: list[str], name: str, section: str) -> Place:
    header = _covering(table, r)
    columns: list[Place] = []
    cells: list[tuple[Any, str | None]] = []
    headers: dict[str, Header] = {}
    template = table.row_cells(empties[0])
    for cell, label, slot in zip(header, labels, template, strict=True):
        parent = table.at(r - 1, cell.col) if r > 0 else None
        group = _label_of(parent) if parent is not None and parent.colspan > cell.colspan else ""
        if label in ("序号", "编号") and not group:
            cells.append((slot.tc, None))
            continue
        where = f"{name} 第{r + 1}行 第{cell.col + 1}格"
        cells.append((slot.tc, where))
        columns.append(vocabulary.column(group, label, where))
        headers[where] = Header(cell.tc, group, columns[-1].label)
    title_row = table.at(r - 1, 0) if r > 0 else None
    title = ""
    if title_row is not None and title_row.colspan == table.width:
        title = vocabulary.clean_label(title_row.text)
    first = table.at(empties[0], 0)
    label = title or section or "明细"
    return Place(
        label=label[:30],
        type="rows",
        where=f"{name} 第{empties[0] + 1}行",
        pattern="重复空行",
        confidence=0.85 if title or section else 0.6,
        context=section if title else "",
        columns=columns,
        blank_rows=len(empties),
        rows=RowsEdit(
            template=first.rows[0] if first is not None else table.rows[empties[0]],
            extra=[table.rows[k] for k in empties[1:]],
            cells=cells,
            headers=headers,
        ),
    )


def _covering(table: Grid, r: int) -> list[GridCell]:
    """The cells covering row `r`, left to right, merged ones from above included."""
    cells: list[GridCell] = []
    for col in range(table.width):
        cell = table.at(r, col)
        if cell is not None and (not cells or cells[-1] is not cell):
            cells.append(cell)
    return cells
