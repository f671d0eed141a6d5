"""Documents made for a packet PDF: its documents without their own page numbers (Word and
spreadsheets), the sheet of page numbers stamped on the packet, and a bureau's contents page.

A packet numbers its pages continuously, so each document goes to LibreOffice with its footer
numbers emptied (the footers stay, so the type area does not move), and with outline levels
on its heading styles, which LibreOffice exports as PDF bookmarks. The numbers themselves are
pages made by LibreOffice from the same GB/T 9704 footer as every document ("— N —", 4号
宋体, outer side), so the font mapped to 宋体 is embedded exactly as in a single document.
"""

from __future__ import annotations

import functools
import io
import re
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx.oxml.ns import qn
from lxml import etree

from formgen.document import docx_layout

HEADING_LEVELS = {"SectionTitle": 0, "FormHeading1": 0, "FormHeading2": 1, "FormHeading3": 2}
"""formgen's heading styles and the bookmark level each gets (0 is the top level)."""

_FIELD = re.compile(rb"<w:fldSimple\b[^>]*>.*?</w:fldSimple>|<w:fldSimple\b[^>]*/>", re.DOTALL)
_TEXT = re.compile(rb"(<w:t(?:\s[^>]*)?>)[^<]*(</w:t>)")
_INSTR = re.compile(rb"(<w:instrText(?:\s[^>]*)?>)[^<]*(</w:instrText>)")
_FIRST_SECTION = re.compile(rb"<w:sectPr\b.*?</w:sectPr>", re.DOTALL)


@dataclass(frozen=True)
class PacketDocx:
    """A document prepared for a packet."""

    data: bytes
    has_cover: bool
    """Its first page is a cover, which carries no page number."""


def for_packet(data: bytes) -> PacketDocx:
    """Return the DOCX `data` with its footers' page numbers emptied and its headings outlined."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    has_cover = False
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            info.compress_type = zipfile.ZIP_STORED
            if re.fullmatch(r"word/footer\d*\.xml", info.filename):
                content = _INSTR.sub(rb"\1\2", _TEXT.sub(rb"\1\2", _FIELD.sub(b"", content)))
            elif info.filename == "word/styles.xml":
                content = _outline_styles(content)
            elif info.filename == "word/document.xml":
                first = _FIRST_SECTION.search(content)
                has_cover = (
                    first is not None
                    and re.search(rb"<w:titlePg(?:\s*/>|\s+w:val=\"(?:1|true)\")", first.group()) is not None
                )
            target.writestr(info, content)
    # Stored, not compressed: only LibreOffice reads this copy, at once (compressing it again
    # cost a batch more than a tenth of its Python time).
    return PacketDocx(out.getvalue(), has_cover)


_SHEET_FOOTER = re.compile(rb"(<(odd|even|first)Footer>)[^<]*(</\2Footer>)")


def xlsx_for_packet(data: bytes) -> bytes:
    """Return the XLSX `data` with its sheets' footer page numbers emptied."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            info.compress_type = zipfile.ZIP_STORED
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", info.filename):
                content = _SHEET_FOOTER.sub(rb"\1\3", content)
            target.writestr(info, content)
    return out.getvalue()


@functools.lru_cache(maxsize=32)
def _outline_styles(styles_xml: bytes) -> bytes:
    """The styles with outline levels on the headings, and without the latent-style table.

    The latent styles tell Word how to offer the built-in styles a document does not define
    (a third of styles.xml); LibreOffice keeps them for a later save, never for the layout, and
    this copy is only ever printed: without them it reads a document some 10 ms faster, a
    twentieth of a conversion. Cached: every packet of a form has the same styles.
    """
    root = etree.fromstring(styles_xml)
    for latent in root.findall(qn("w:latentStyles")):
        root.remove(latent)
    for style in root.iter(qn("w:style")):
        level = HEADING_LEVELS.get(style.get(qn("w:styleId"), ""))
        if level is None:
            continue
        ppr = style.find(qn("w:pPr"))
        if ppr is None:
            ppr = etree.SubElement(style, qn("w:pPr"))
        for old in ppr.findall(qn("w:outlineLvl")):
            ppr.remove(old)
        outline = etree.SubElement(ppr, qn("w:outlineLvl"))
        outline.set(qn("w:val"), str(level))
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return result


def _save(document: Any, title: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="formgen-sheet-") as work:
        path = Path(work) / "sheet.docx"
        docx_layout.save(document, path, title=title)
        return path.read_bytes()


def number_sheet(count: int) -> bytes:
    """A DOCX of `count` empty pages whose page N shows only its GB/T 9704 number "— N —"."""
    document = docx_layout.new_document()
    for _ in range(count - 1):
        docx_layout.page_break(document)
    document.add_paragraph()  # the last page needs a paragraph of its own
    return _save(document, "页码")


@dataclass(frozen=True)
class Entry:
    """One line of a contents page: what it is, and its first and last page."""

    label: str
    first: int
    last: int

    @property
    def pages(self) -> str:
        """The page range as printed: "3" or "3—8"."""
        return str(self.first) if self.first == self.last else f"{self.first}—{self.last}"


def contents_sheet(title: str, submitter: str, entries: Sequence[Entry]) -> bytes:
    """A bureau packet's contents page: each document (a submitter's report) and its pages."""
    document = docx_layout.new_document()
    for section in document.sections:
        for footer in (section.footer, section.even_page_footer):
            for paragraph in footer.paragraphs:
                for child in list(paragraph._p):
                    if child.tag != qn("w:pPr"):
                        paragraph._p.remove(child)
    docx_layout.para(document, "目　　录", "FormTitle")
    docx_layout.para(document, f"{submitter}　{title}", "CoverFoot")
    table = docx_layout.table(document, [16, 110, 30])
    docx_layout.row(
        table,
        docx_layout.Cell("序号", style="TableLabel"),
        docx_layout.Cell("材料", style="TableLabel"),
        docx_layout.Cell("页码", style="TableLabel"),
        header=True,
        min_height_mm=10,
    )
    for n, entry in enumerate(entries, start=1):
        docx_layout.row(
            table,
            docx_layout.Cell(str(n), style="TableLabel"),
            docx_layout.Cell(entry.label),
            docx_layout.Cell(entry.pages, style="TableLabel"),
            min_height_mm=10,
        )
    return _save(document, "目录")
