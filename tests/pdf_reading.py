"""Read packet PDFs as a reader and a printer see them: words and their places, bookmarks."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import Destination

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.DOTALL)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: list[Word]

    @property
    def text(self) -> str:
        return "".join(w.text for w in self.words)


@dataclass(frozen=True)
class PageNumber:
    number: int
    x0: float
    x1: float
    height: float


def pages(pdf: Path) -> list[Page]:
    """Every page with its words and their boxes (points from the top left), by pdftotext."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True)
    found = []
    for width, height, body in _PAGE.findall(html.stdout):
        words = [Word(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in _WORD.findall(body)]
        found.append(Page(float(width), float(height), words))
    return found


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
