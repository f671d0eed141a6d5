"""A PDF's pages as a reader sees them: their words and where they stand, and their pictures.

`formgen verify` holds a scanned paper copy against the submitted packet: it needs the
submitted pages' own text with each word's box (poppler's ``pdftotext -bbox``), and the pages
of a scanned PDF as pictures (poppler's ``pdftoppm``). Both run poppler in a process of its
own with a time limit, so a hostile PDF can stall or crash only that process; a scanned PDF's
page count and page sizes are checked against `untrusted.Limits` before it is rendered.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from formgen.data import untrusted
from formgen.pdf.convert import in_background

TIMEOUT = 120.0
"""Seconds poppler may take over one file: a 40-page scan renders in a few."""
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.DOTALL)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_PAGES = re.compile(r"^Pages:\s+(\d+)", re.MULTILINE)
_SIZE = re.compile(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", re.MULTILINE)


@dataclass(frozen=True)
class Word:
    """A word of a page and its box, in points from the page's top left."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class PageText:
    """One page's size in points and its words in reading order."""

    width: float
    height: float
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        """The page's text without spaces: what is compared with a scan's."""
        return "".join(word.text for word in self.words)

    @property
    def sideways(self) -> bool:
        """Whether most of its text runs up the page: a landscape page turned top-to-the-left
        onto portrait paper, as a packet binds a wide table (`packet_pdf`)."""
        up = sum(len(w.text) for w in self.words if len(w.text) >= 2 and w.y1 - w.y0 > 1.5 * (w.x1 - w.x0))
        across = sum(
            len(w.text) for w in self.words if len(w.text) >= 2 and w.x1 - w.x0 > 1.5 * (w.y1 - w.y0)
        )
        return up > across

    def turned(self) -> PageText:
        """The page turned a quarter clockwise, so that a sideways page reads across: its
        words' boxes in the turned page's points (a point (x, y) goes to (height - y, x))."""
        words = tuple(Word(self.height - w.y1, w.x0, self.height - w.y0, w.x1, w.text) for w in self.words)
        return PageText(self.height, self.width, words)


class UnreadablePdfError(untrusted.RefusedFileError):
    """Poppler could not read a PDF (damaged, hostile, or too slow)."""


def _poppler(command: list[str], name: str) -> str:
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT, check=False, preexec_fn=in_background
        )
    except subprocess.TimeoutExpired:
        raise UnreadablePdfError(
            name, f"读取超时（{TIMEOUT:g}秒）", f"reading timed out ({TIMEOUT:g} s)"
        ) from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["?"])[-1][:200]
        raise UnreadablePdfError(name, f"PDF无法读取（{reason}）", f"the PDF cannot be read ({reason})")
    return done.stdout


def page_texts(pdf: Path) -> list[PageText]:
    """Every page of `pdf` with its words and their boxes."""
    found = _poppler(["pdftotext", "-bbox", str(pdf), "-"], pdf.name)
    pages = []
    for width, height, body in _PAGE.findall(found):
        words = tuple(
            Word(float(a), float(b), float(c), float(d), html.unescape(t))
            for a, b, c, d, t in _WORD.findall(body)
        )
        pages.append(PageText(float(width), float(height), words))
    return pages


def render(
    pdf: Path, dpi: int, *, first: int = 1, last: int | None = None, gray: bool = False
) -> list[Image.Image]:
    """Pages `first`..`last` of `pdf` as pictures at `dpi` (colour, or greyscale with `gray`)."""
    with tempfile.TemporaryDirectory(prefix="formgen-pages-") as work:
        root = Path(work) / "page"
        command = ["pdftoppm", "-r", str(dpi), "-f", str(first)]
        if last is not None:
            command += ["-l", str(last)]
        command += ["-gray" if gray else "-png", *(["-png"] if gray else []), str(pdf), str(root)]
        _poppler(command, pdf.name)
        images = []
        for path in sorted(Path(work).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            with Image.open(path) as image:
                images.append(image.copy())
        return images


def scanned_page_count(
    content: bytes, name: str, dpi: int, *, limits: untrusted.Limits = untrusted.LIMITS
) -> int:
    """The number of pages of an untrusted scanned PDF, once its pages are checked.

    Refused when it has more pages than `limits.frames` or a page that would exceed
    `limits.pixels` at `dpi`: nothing of it is rendered before this says it may be.
    """
    with tempfile.TemporaryDirectory(prefix="formgen-scan-") as work:
        pdf = Path(work) / "scan.pdf"
        pdf.write_bytes(content)
        return _checked_count(pdf, name, dpi, limits)


def _checked_count(pdf: Path, name: str, dpi: int, limits: untrusted.Limits) -> int:
    info = _poppler(["pdfinfo", "-f", "1", "-l", str(limits.frames + 1), str(pdf)], name)
    count = int(m.group(1)) if (m := _PAGES.search(info)) else 0
    if count == 0:
        raise UnreadablePdfError(name, "PDF没有页面", "the PDF has no pages")
    if count > limits.frames:
        raise untrusted.RefusedFileError(
            name,
            f"页数过多（{count}页，上限{limits.frames}页）",
            f"too many pages ({count}, at most {limits.frames})",
        )
    for index, (width, height) in enumerate(_SIZE.findall(info), start=1):
        pixels = float(width) * float(height) * (dpi / 72) ** 2
        if pixels > limits.pixels:
            raise untrusted.RefusedFileError(
                name,
                f"第{index}页过大",
                f"page {index} is too large ({float(width):.0f}×{float(height):.0f} pt)",
            )
    return count


def scanned_pages(
    content: bytes, name: str, dpi: int, *, limits: untrusted.Limits = untrusted.LIMITS
) -> Iterator[Image.Image]:
    """The pages of an untrusted scanned PDF as colour pictures at `dpi`, one at a time.

    Its page count and page sizes are checked (`scanned_page_count`) before any page is
    rendered; then each page is rendered only when it is asked for, so a 40-page scan never
    lies decoded in memory all at once.
    """
    with tempfile.TemporaryDirectory(prefix="formgen-scan-") as work:
        pdf = Path(work) / "scan.pdf"
        pdf.write_bytes(content)
        count = _checked_count(pdf, name, dpi, limits)
        for number in range(1, count + 1):
            yield from render(pdf, dpi, first=number, last=number)


def png(image: Image.Image) -> bytes:
    """`image` as PNG bytes (the marked pages of a report)."""
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()
