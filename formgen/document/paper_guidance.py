"""The paper's own guidance for each input, read from the form's DOCX template.

A report's 正文 gives its 填写要求 above each box (请表述企业注册成立情况……（500字以内）), and a
承诺 cell prints the pledge above the date it signs. A web form shows that text beside the
input it governs; it is read here from the template the paper is printed from, so it is the
paper's wording and nobody types it a second time.

- A paragraph block (``{{p path }}`` in the body): the headings and lines since the block
  before it.
- A tag in a table cell whose other text before it is prose (the pledge): that text.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BLOCK = re.compile(r"^\{\{p\s+([^\s}]+)\s*\}\}$")
_TAG = re.compile(r"\{\{[pr]?\s*([^\s{}%]+)\s*\}\}")
_PROSE = 20
"""Text before a tag in its cell counts as guidance from this many characters: a label
beside an input (其他：) is not guidance, a pledge is."""


def _text(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(f"{_W}t")).strip()


def guidance(docx: bytes) -> dict[str, list[str]]:
    """The paper's guidance lines of each data path of a form's template, by path."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    body = root.find(f"{_W}body")
    found: dict[str, list[str]] = {}
    if body is None:
        return found
    lines: list[str] = []
    for child in body:
        if child.tag == f"{_W}tbl":
            lines = []  # a table between two blocks: its labels are no block's guidance
            _cells(child, found)
            continue
        text = _text(child)
        block = _BLOCK.match(text)
        if block:
            found[block.group(1)] = lines
            lines = []
        elif text and "{{" not in text and "{%" not in text:
            lines.append(text)
    return found


def _cells(table: etree._Element, found: dict[str, list[str]]) -> None:
    for cell in table.iter(f"{_W}tc"):
        before: list[str] = []
        for paragraph in cell.iter(f"{_W}p"):
            text = _text(paragraph)
            tag = _TAG.search(text)
            if tag is None:
                if text:
                    before.append(text)
                continue
            if sum(len(line) for line in before) >= _PROSE:
                found.setdefault(tag.group(1), list(before))
            before = []
