"""Read generated documents as a reader sees them, and the seed notices they reproduce."""

from __future__ import annotations

import os
import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
NS = {"w": W, "w14": W14}
BOXES = "□☐☑"

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("FORMGEN_SEEDS", ROOT / "tests" / "seeds"))
"""The seed notices' text, committed with the tests (``FORMGEN_SEEDS`` points elsewhere)."""


def seed_text(name: str) -> str:
    """The text of a seed notice, e.g. ``000``'s file."""
    found = sorted(SEEDS.glob(f"{name}_*.txt"))
    assert len(found) == 1, f"one seed file {name}_*.txt in {SEEDS}, found {[p.name for p in found]}"
    (path,) = found
    return path.read_text(encoding="utf-8")


def seed_section(name: str, start: str, end: str | None) -> list[str]:
    """Lines of a seed from the line reading `start` up to the line reading `end`."""
    lines = seed_text(name).splitlines()
    begin = next(i for i, line in enumerate(lines) if line.strip() == start)
    stop = len(lines) if end is None else next(i for i, line in enumerate(lines) if line.strip() == end)
    return lines[begin:stop]


def fragments(lines: list[str]) -> list[str]:
    """The label fragments of seed lines: text between white space and boxes, in order."""
    found: list[str] = []
    for line in lines:
        found += [f for f in re.split(rf"[\s{BOXES}]+", line) if f]
    return found


def squeeze(text: str) -> str:
    """Text with white space and boxes removed, for order-of-labels comparison."""
    return re.sub(rf"[\s{BOXES}]+", "", text)


def missing_in_order(labels: list[str], text: str) -> list[str]:
    """Labels not found in `text` in the given order (each searched after the previous one)."""
    flat = squeeze(text)
    position = 0
    missing = []
    for label in labels:
        found = flat.find(label, position)
        if found < 0:
            missing.append(label)
        else:
            position = found + len(label)
    return missing


def missing_anywhere(labels: list[str], text: str) -> list[str]:
    """Labels not found anywhere in `text` (for PDFs whose content order is not reading order)."""
    flat = squeeze(text)
    return [label for label in labels if label not in flat]


def document_xml(path: Path) -> etree._Element:
    """The parsed word/document.xml of a DOCX."""
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("word/document.xml"))


def docx_text(path: Path) -> str:
    """All text of a DOCX body in reading order, paragraphs on lines, table cells included."""
    root = document_xml(path)
    lines = []
    for paragraph in root.iter(f"{{{W}}}p"):
        parts = []
        for node in paragraph.iter(f"{{{W}}}t", f"{{{W}}}tab", f"{{{W}}}br"):
            if node.tag == f"{{{W}}}t":
                parts.append(node.text or "")
            else:
                parts.append(" " if node.tag.endswith("tab") else "\n")
        lines.append("".join(parts))
    return "\n".join(lines)


_PAGE_NUMBER = re.compile(r"^— \d+ —$", re.MULTILINE)


def pdf_text(path: Path, *, page_numbers: bool = False) -> str:
    """Text of a PDF in content order, as poppler extracts it (tables cell by cell).

    Page-number lines are dropped unless asked for: they are not part of the running text,
    and a paragraph crossing a page would otherwise read as interrupted.
    """
    text = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text if page_numbers else _PAGE_NUMBER.sub("", text)


def pdftotext_page(pdf: Path, page: int, mode: str) -> str:
    """One page of a PDF through ``pdftotext`` in `mode` (``-layout``, ``-bbox``, ``-raw``)."""
    return subprocess.run(
        ["pdftotext", mode, "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def pdf_pages_text(path: Path) -> list[str]:
    """Text of each page of a PDF, page numbers included."""
    return pdf_text(path, page_numbers=True).split("\f")[:-1]


@dataclass(frozen=True)
class Control:
    """A content control of a blank form."""

    tag: str
    kind: str
    checked: bool | None


def controls(path: Path) -> list[Control]:
    """Every content control of a DOCX, in document order."""
    found = []
    for sdt in document_xml(path).iter(f"{{{W}}}sdt"):
        pr = sdt.find("w:sdtPr", NS)
        tag_el = pr.find("w:tag", NS)
        tag = tag_el.get(f"{{{W}}}val") if tag_el is not None else ""
        checked: bool | None = None
        if pr.find("w14:checkbox", NS) is not None:
            kind = "checkbox"
            checked = pr.find("w14:checkbox/w14:checked", NS).get(f"{{{W14}}}val") == "1"
        elif pr.find("w:date", NS) is not None:
            kind = "date"
        elif pr.find("w:text", NS) is not None:
            kind = "text"
        else:
            kind = "richText"
        found.append(Control(tag or "", kind, checked))
    return found


def table_grid(table: etree._Element) -> list[list[int]]:
    """Map each grid position of a table to the id of the cell that covers it (merges resolved).

    A horizontally spanned cell covers several columns; a vertically merged continuation
    takes the id of the cell above it.
    """
    grid: list[list[int]] = []
    next_id = 0
    for tr in table.findall("w:tr", NS):
        row: list[int] = []
        for tc in tr.findall("w:tc", NS):
            span_el = tc.find("w:tcPr/w:gridSpan", NS)
            span = int(span_el.get(f"{{{W}}}val")) if span_el is not None else 1
            vmerge = tc.find("w:tcPr/w:vMerge", NS)
            continues = vmerge is not None and vmerge.get(f"{{{W}}}val", "continue") == "continue"
            column = len(row)
            cell_id = grid[-1][column] if continues and grid else next_id
            if not continues:
                next_id += 1
            row += [cell_id] * span
        grid.append(row)
    return grid


def cell_texts(table: etree._Element) -> dict[int, str]:
    """The text of each cell id of `table_grid`."""
    texts: dict[int, str] = {}
    ids = table_grid(table)
    for r, tr in enumerate(table.findall("w:tr", NS)):
        column = 0
        for tc in tr.findall("w:tc", NS):
            span_el = tc.find("w:tcPr/w:gridSpan", NS)
            span = int(span_el.get(f"{{{W}}}val")) if span_el is not None else 1
            text = "".join(t.text or "" for t in tc.iter(f"{{{W}}}t"))
            texts[ids[r][column]] = texts.get(ids[r][column], "") + text
            column += span
    return texts


def xlsx_text(path: Path) -> str:
    """The text of a workbook's first sheet, row by row, merged cells once (as a reader sees it)."""
    from openpyxl import load_workbook

    sheet = load_workbook(path).worksheets[0]
    lines = []
    for row in sheet.iter_rows(values_only=True):
        cells = [str(v) for v in row if v is not None]
        if cells:
            lines.append(" ".join(cells))
    return "\n".join(lines)
