"""Documents made once per session for several test files, and the ways a reader reads them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from tests import reading

WAYS = ("blank", "filled", "blank_pdf", "filled_pdf")
"""Every way a form is read: the blank and the filled DOCX, and the PDF of each."""


@dataclass(frozen=True)
class Made:
    """One form made blank and filled from its example, each also as PDF."""

    blank: Path
    filled: Path
    blank_pdf: Path
    filled_pdf: Path

    def text(self, way: str) -> str:
        """The text a reader sees, read `way` (one of `WAYS`)."""
        path: Path = getattr(self, way)
        return reading.pdf_text(path) if path.suffix == ".pdf" else reading.docx_text(path)


def paragraph(path: Path, starts: str) -> Paragraph:
    """The first body paragraph of the DOCX at `path` whose text starts with `starts`."""
    for found in Document(str(path)).paragraphs:
        if found.text.startswith(starts):
            return found
    raise AssertionError(f"no paragraph starts with {starts!r}")


def style_of(path: Path, starts: str) -> str:
    """The style name of the paragraph `paragraph(path, starts)`."""
    style = paragraph(path, starts).style
    assert style is not None
    return str(style.name)


def lead_font(path: Path, starts: str) -> str | None:
    """The East Asian font named on that paragraph's first run itself, None if it takes the style's."""
    rpr = paragraph(path, starts).runs[0]._r.rPr
    fonts = None if rpr is None else rpr.rFonts
    return None if fonts is None else fonts.get(qn("w:eastAsia"))
