"""Read PDFs as a reader and a printer see them: words and their places, rules, fonts, bookmarks."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from pypdf.generic import Destination

from formgen.pdf import page_reading
from formgen.pdf.page_reading import PageText, Word

Page = PageText
"""A page as pdftotext reads it: its size and its words with their boxes."""
_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")


@dataclass(frozen=True)
class PageNumber:
    number: int
    x0: float
    x1: float
    height: float


def pages(pdf: Path) -> list[Page]:
    """Every page with its words and their boxes (points from the top left), by pdftotext:
    as `formgen verify` reads a submitted packet."""
    return page_reading.page_texts(pdf)


def page_number(page: Page) -> PageNumber | None:
    """The "— N —" printed in the bottom band of `page`, if any."""
    bottom = [w for w in page.words if w.y0 > page.height - 110 and re.fullmatch(r"[—\d]+", w.text)]
    lines: dict[int, list[Word]] = {}
    for word in bottom:
        lines.setdefault(round(word.y0), []).append(word)
    for words in lines.values():
        words.sort(key=lambda w: w.x0)
        match = _NUMBER.match(" ".join(w.text for w in words))
        if match:
            return PageNumber(int(match.group(1)), words[0].x0, words[-1].x1, words[0].y1 - words[0].y0)
    return None


@dataclass(frozen=True)
class Mark:
    title: str
    page: int
    """1-based."""
    children: list[Mark]


def bookmarks(pdf: Path) -> list[Mark]:
    """The outline of `pdf` as a tree of titles and 1-based target pages."""
    reader = PdfReader(pdf)

    def walk(items: list[object]) -> list[Mark]:
        marks: list[Mark] = []
        for item in items:
            if isinstance(item, list):
                marks[-1].children.extend(walk(item))
            elif isinstance(item, Destination):
                number = reader.get_destination_page_number(item)
                assert number is not None, f"bookmark {item.title} has no target page"
                marks.append(Mark(str(item.title), number + 1, []))
        return marks

    return walk(list(reader.outline))


def page_image(pdf: Path, page: int, dpi: int) -> Image.Image:
    """Page `page` (1-based) of `pdf` as poppler renders it: greyscale, `dpi` pixels an inch."""
    with tempfile.TemporaryDirectory(prefix="formgen-page-") as work:
        root = Path(work) / "page"
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(dpi),
                "-gray",
                "-png",
                "-singlefile",
                "-f",
                str(page),
                "-l",
                str(page),
                pdf,
                root,
            ],
            check=True,
            capture_output=True,
        )
        with Image.open(root.with_suffix(".png")) as image:
            return image.convert("L")


@dataclass(frozen=True)
class Rule:
    """A horizontal line drawn on a page, in points from the top left."""

    y: float
    x0: float
    x1: float


def horizontal_rules(pdf: Path, page: int, *, min_length_pt: float) -> list[Rule]:
    """The horizontal lines at least `min_length_pt` long on a page, top to bottom, as printed.

    Found in the rendered page (4 pixels a point): a rule is a band of rows each holding an
    unbroken dark stretch that long; glyphs never make one. Its `y` is the band's middle.
    """
    scale = 4
    image = page_image(pdf, page, dpi=72 * scale)
    width, height = image.size
    data = image.tobytes()
    stretch = re.compile(rb"[\x00-\x7f]{%d,}" % round(min_length_pt * scale))
    bands: list[list[tuple[int, int, int]]] = []
    for y in range(height):
        found = stretch.search(data, y * width, (y + 1) * width)
        if found is None:
            continue
        row = (y, found.start() - y * width, found.end() - y * width)
        if bands and bands[-1][-1][0] == y - 1:
            bands[-1].append(row)
        else:
            bands.append([row])
    return [
        Rule((band[0][0] + band[-1][0] + 1) / 2 / scale, band[0][1] / scale, band[0][2] / scale)
        for band in bands
    ]


def text_fonts(pdf: Path, page: int) -> list[tuple[str, str]]:
    """Each piece of text drawn on a page (1-based) with the font drawing it, subset tag removed."""
    drawn: list[tuple[str, str]] = []

    def visit(text: str, _cm: object, _tm: object, font: dict[str, object] | None, _size: object) -> None:
        if text.strip() and font is not None:
            drawn.append((str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1], text))

    PdfReader(pdf).pages[page - 1].extract_text(visitor_text=visit)
    return drawn
