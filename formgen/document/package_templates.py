"""A notice package's templates: the tags of a Word template, and an Excel table made ready to render.

A package's Word template is the published document with docxtpl tags at its inputs. Jinja
is a language, and the template comes from outside, so only the few tags formgen's own
templates use are allowed (`TAG_FORMS`); anything else refuses the template before docxtpl
ever sees it. The Excel table is the published workbook, to which `prepare_table` adds the
hidden ``_formgen`` sheet that the built-in renderer and reader take their spec from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from formgen.data import cells
from formgen.data.untrusted import SafePackage
from formgen.document.controls import W
from formgen.document.xlsx_layout import (
    META_SHEET,
    Column,
    HeaderField,
    SheetSpec,
    hide,
    record_spec,
    to_bytes,
)

_PATH = r"[^\W\d]\w*(?:\.[^\W\d]\w*)*"
"""A data path: identifiers of any script (单位名称, contact.mobile), as `package_spec` takes them."""
_VALUE = re.compile(rf"^\{{\{{\s*([rp])\s+({_PATH})\s*\}}\}}$")
_OPTION = re.compile(rf"^\{{\{{\s*r\s+({_PATH})\[\s*'([^'\\{{}}]*)'\s*\]\s*\}}\}}$")
_FOR = re.compile(rf"^\{{%\s*tr\s+for\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\s+({_PATH})\s*%\}}$")
_ENDFOR = re.compile(r"^\{%\s*tr\s+endfor\s*%\}$")
_ANY_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{\{|\{%|\{#", re.DOTALL)

TAG_FORMS = (
    "{{r path }}",
    "{{p path }}",
    "{{r path['选项'] }}",
    "{%tr for item in path %}",
    "{%tr endfor %}",
)

_PARTS = ("word/document.xml",)


@dataclass(frozen=True)
class Tag:
    """One input place of a Word template: the field it names and where it stands."""

    path: str
    """The data path (``equipment.name`` for a column of the rows `equipment`)."""
    option: str | None
    """The option whose □ this is, for a choice."""
    paragraph: int
    """The paragraph's number in the document, counted from 1 (tables' cells included)."""
    text: str
    paragraphs: bool = False
    """``{{p … }}``: the value is written as paragraphs."""
    rows: bool = False
    """``{%tr for … %}``: the table row repeats for each item of a `rows` field."""


@dataclass(frozen=True)
class BadTag:
    """A tag outside the allowed grammar, or an unbalanced loop."""

    paragraph: int
    text: str
    reason_zh: str
    reason_en: str


def word_tags(content: bytes, name: str) -> tuple[list[Tag], list[BadTag]]:
    """The tags of a Word template, in document order, and those it may not hold."""
    package = SafePackage(content, name)
    tags: list[Tag] = []
    bad: list[BadTag] = []
    loops: list[tuple[str, str]] = []
    for number, text in _paragraphs(package):
        for match in _ANY_TAG.finditer(text):
            tag = match.group(0)
            if found := _VALUE.match(tag):
                tags.append(
                    _resolve(found.group(2), None, number, tag, loops, paragraphs=found.group(1) == "p")
                )
            elif found := _OPTION.match(tag):
                tags.append(_resolve(found.group(1), found.group(2), number, tag, loops))
            elif found := _FOR.match(tag):
                variable, path = found.group(1), found.group(2)
                resolved = _resolve(path, None, number, tag, loops)
                loops.append((variable, resolved.path))
                tags.append(Tag(resolved.path, None, number, tag, rows=True))
            elif _ENDFOR.match(tag):
                if not loops:
                    bad.append(BadTag(number, tag, "endfor 前无 for", "an endfor without its for"))
                else:
                    loops.pop()
            else:
                bad.append(
                    BadTag(
                        number,
                        tag,
                        "模板只允许这些标签：" + "、".join(TAG_FORMS),
                        "a template may hold only these tags: " + ", ".join(TAG_FORMS),
                    )
                )
    for variable, path in loops:
        bad.append(BadTag(0, f"for {variable} in {path}", "for 没有 endfor", "a for without its endfor"))
    return tags, bad


def _resolve(
    path: str,
    option: str | None,
    number: int,
    text: str,
    loops: list[tuple[str, str]],
    *,
    paragraphs: bool = False,
) -> Tag:
    """A tag's path with a loop variable replaced by its rows field (``item.name`` → ``equipment.name``)."""
    head, _, rest = path.partition(".")
    for variable, rows in reversed(loops):
        if head == variable:
            path = f"{rows}.{rest}" if rest else rows
            break
    return Tag(path, option, number, text, paragraphs=paragraphs)


def _paragraphs(package: SafePackage) -> Iterator[tuple[int, str]]:
    """Each paragraph's text, numbered in document order."""
    number = 0
    for part in _PARTS:
        root = package.xml(part)
        for paragraph in root.iter(f"{W}p"):
            number += 1
            yield number, "".join(t.text or "" for t in paragraph.iter(f"{W}t"))


@dataclass(frozen=True)
class TableLayout:
    """Where a published table's inputs are, as a package's form says."""

    label: str
    title: str
    rows_path: str
    header_row: int
    header_rows: int
    blank_rows: int
    columns: list[str]
    """The data path of each column, left to right from column A (``#`` for 序号)."""
    widths: list[float]
    fields: list[tuple[str, str, str]]
    """Inputs above the table: (label, data path, value cell)."""


def prepare_table(content: bytes, layout: TableLayout) -> bytes:
    """The published workbook with formgen's hidden spec sheet added, ready for `xlsx_render`.

    The header rows are read from the sheet as published, so the spec records what is there.
    """
    workbook = cells.open_workbook(content)
    sheet = workbook.worksheets[0]
    header = [
        [_text(sheet.cell(row=row, column=column).value) for column in range(1, len(layout.columns) + 1)]
        for row in range(layout.header_row, layout.header_row + layout.header_rows)
    ]
    widths = layout.widths or [
        float(sheet.column_dimensions[get_column_letter(index)].width or 10)
        for index in range(1, len(layout.columns) + 1)
    ]
    spec = SheetSpec(
        label=sheet.title,
        title=layout.title,
        header=header,
        columns=[Column(path, width) for path, width in zip(layout.columns, widths, strict=False)],
        rows_path=layout.rows_path,
        blank_rows=layout.blank_rows,
        fields=[HeaderField(label, path, cell.split(":")[0], cell) for label, path, cell in layout.fields],
        header_row=layout.header_row,
    )
    if META_SHEET in workbook.sheetnames:
        del workbook[META_SHEET]
    meta = workbook.create_sheet(META_SHEET)
    hide(meta)
    record_spec(meta, spec)
    return to_bytes(workbook, title=layout.title)


def table_headers(content: bytes, header_row: int, header_rows: int, width: int) -> list[str]:
    """Each column's header as printed: its header rows' texts joined, repeats of a merge once."""
    workbook = cells.open_workbook(content)
    sheet = workbook.worksheets[0]
    merged = {}
    for span in sheet.merged_cells.ranges:
        value = sheet.cell(row=span.min_row, column=span.min_col).value
        for row in range(span.min_row, span.max_row + 1):
            for column in range(span.min_col, span.max_col + 1):
                merged[(row, column)] = value
    found = []
    for column in range(1, width + 1):
        parts: list[str] = []
        for row in range(header_row, header_row + header_rows):
            text = _text(merged.get((row, column), sheet.cell(row=row, column=column).value))
            if text and text not in parts:
                parts.append(text)
        found.append("".join(parts))
    return found


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
