"""The drafted template: the published document with a template tag at each input place.

Nothing else changes: the tags go into the paragraphs where the applicant writes (a run
of its own, formatted as the text it replaces), repeated empty rows keep one row between
``{%tr for %}`` and ``{%tr endfor %}``, and every other part of the package is copied byte
for byte. The engine's renderer then turns the tags into content controls for the blank.
"""

from __future__ import annotations

import copy
import io
import zipfile
from typing import Any

from lxml import etree

from formgen.drafting.places import Header, Place, RowsEdit, Span
from formgen.drafting.textedit import replace
from formgen.drafting.wordgrid import W, paragraph_text

DOCUMENT_PART = "word/document.xml"


def tag_for(place: Place, span: Span, prefix: str = "") -> str:
    """The template tag a place's span gets (`prefix` ``item.`` inside a rows loop)."""
    path = prefix + place.path
    if span.option is not None:
        return f"{{{{r {path}['{span.option}'] }}}}"
    if span.block:
        return f"{{{{p {path} }}}}"
    return f"{{{{r {path} }}}}"


def insert_tags(places: list[Place]) -> None:
    """Put every place's tags into the document tree the places point into."""
    edits: dict[Any, list[tuple[Span, str]]] = {}
    for place in places:
        for span in place.spans:
            edits.setdefault(span.paragraph, []).append((span, tag_for(place, span)))
        if place.other_span is not None:
            other = place.other_span
            edits.setdefault(other.paragraph, []).append((other, f"{{{{r {place.other_text_path} }}}}"))
        if place.rows is not None:
            _rows(place, place.rows)
    for paragraph, spans in edits.items():
        for span, tag in sorted(spans, key=lambda item: item[0].start, reverse=True):
            replace(paragraph, span.start, span.end, tag, block=span.block)


def _rows(place: Place, edit: RowsEdit) -> None:
    for tr in edit.extra:
        if tr.getparent() is not None:
            tr.getparent().remove(tr)
    columns = {column.where: column for column in place.columns}
    for tc, where in edit.cells:
        paragraph = tc.find(W + "p")
        if paragraph is None:
            paragraph = etree.SubElement(tc, W + "p")
        # 序号: the row's number, counted by the loop, as the published 1, 2, 3 … were; plain
        # text in the cell's run (a value tag's run is formgen's, with its control). A column
        # given to the office has no field: its cell is left empty for the office to write in.
        if where is None:
            tag = "{{ loop.index }}"
        else:
            column = columns.get(where)
            tag = "" if column is None else f"{{{{r item.{column.path} }}}}"
        replace(paragraph, 0, len("".join(t.text or "" for t in paragraph.iter(W + "t"))), tag)
    for where, header in edit.headers.items():
        column = columns.get(where)
        if column is not None and column.label != header.label:
            _relabel(header, column.label)
    edit.template.addprevious(_loop_row(edit.template, f"{{%tr for item in {place.path} %}}"))
    edit.template.addnext(_loop_row(edit.template, "{%tr endfor %}"))


def _relabel(header: Header, label: str) -> None:
    """Print a column's corrected `label` in its header cell, so the paper reads as the review
    says: the drafted words are replaced in place (a note beside them, the runs' font and size
    and the paragraph's alignment stay); a cell whose text does not hold them as one piece gets
    the label alone, in its first line's format. Under a two-level header the group above is
    printed already, so a label that starts with it shows the rest."""
    group = header.group
    shown = label[len(group) :] if group and label.startswith(group) and label != group else label
    drafted = header.label[len(group) :] if group and header.label.startswith(group) else header.label
    lines = [p for p in header.tc.iter(W + "p") if paragraph_text(p).strip()]
    if not lines:
        return
    for paragraph in lines:
        at = paragraph_text(paragraph).find(drafted)
        if at >= 0:
            replace(paragraph, at, at + len(drafted), shown)
            return
    first, *rest = lines
    replace(first, 0, len(paragraph_text(first)), shown)
    for paragraph in rest:
        paragraph.getparent().remove(paragraph)


def _loop_row(template: Any, tag: str) -> Any:
    """A copy of `template` holding only `tag`: docxtpl drops the row and keeps the loop."""
    row = copy.deepcopy(template)
    for text in list(row.iter(W + "t")):
        text.text = ""
    first = row.find(f"{W}tc/{W}p")
    if first is None:
        first = row.find(f".//{W}p")
    replace(first, 0, 0, tag)
    return row


def write(source: bytes, root: Any) -> bytes:
    """The package `source` with its main document part replaced by `root`, all else as it was."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as original,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in original.infolist():
            data = (
                etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                if info.filename == DOCUMENT_PART
                else original.read(info.filename)
            )
            target.writestr(info, data)
    return out.getvalue()
