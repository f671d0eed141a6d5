"""Holding a scanned page's OCR against the submitted page's own text.

The submitted page's text is known exactly, with every character's place (`page_reading`);
OCR is only evidence. So the scan is never compared with another OCR: each line OCR found is
put on the submitted page (an affine map fitted on lines whose text is found there once), the
known characters under it are what it should say, and only differences that OCR noise cannot
explain are reported:

- a number, a Latin letter or an identifier that reads differently on a line OCR is sure of
  (digits are what OCR reads best; 0/O, 1/l/I, 5/S are taken as equal);
- Chinese characters replaced by others on such a line, a single one too: OCR's noise on
  print is a single character now and then, so these are suspicions only, which the print
  check settles (`print_check`, the characters judged alone against their neighbours);
- a line OCR is sure of where the page has no text at all (added text).

Punctuation, spaces and symbols (☐ ☑ —) are left out on both sides: OCR's full- and
half-width forms differ, and they carry no data. Thresholds were tuned on clean scans of every
example packet at 150 and 300 dpi so that none raises an alarm (docs/verify.md).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np
from rapidfuzz.distance import Levenshtein

from formgen.paper.ocr import Line
from formgen.pdf.page_reading import PageText

SURE = 0.93
"""OCR's confidence in a line above which its digits and letters read differently are believed."""
SURE_CJK = 0.95
"""… and above which Chinese characters read differently, or characters added or dropped
inside a line, are suspected."""
ADDED_CJK = 4
"""The fewest Chinese characters a line OCR is sure of must hold, where the page has no text,
to count as added text."""
PICTURE_PAGE = 20
"""A submitted page with fewer characters of text than this is a picture (a scanned licence):
its scan is placed by its code, and its text, which the submission does not hold, is not compared."""
ANCHOR_CHARS = 5
"""Lines of at least this many characters found once on the page fit the map scan → page."""
_CODE_LABEL = re.compile(r"FG[0-9A-Z]{8}\d*$")
_CONFUSABLE = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "l": "1",
        "I": "1",
        "i": "1",
        "|": "1",
        "S": "5",
        "s": "5",
        "Z": "2",
        "z": "2",
        "B": "8",
    }
)


def normal(text: str) -> str:
    """The characters compared: letters and digits after NFKC (full width to half), no others."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalnum())


@dataclass(frozen=True)
class Char:
    """A known character of the submitted page and its box in points."""

    char: str
    box: tuple[float, float, float, float]


def known_chars(page: PageText) -> list[Char]:
    """The submitted page's compared characters, each with its share of its word's box."""
    chars: list[Char] = []
    for word in page.words:
        text = unicodedata.normalize("NFKC", word.text)
        if not text:
            continue
        step = (word.x1 - word.x0) / len(text)
        for n, char in enumerate(text):
            if char.isalnum():
                chars.append(Char(char, (word.x0 + n * step, word.y0, word.x0 + (n + 1) * step, word.y1)))
    return chars


@dataclass(frozen=True)
class Difference:
    """A difference between the scan and the submitted page."""

    submitted: str
    scanned: str
    box: tuple[float, float, float, float]
    """Where on the scanned picture, in its pixels."""
    score: float
    region: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    """Where on the submitted page, in points: the characters it concerns with a neighbour
    each side (`print_check` aligns the scan there)."""
    glyphs: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    """… and the characters it concerns alone (`print_check` judges their ink there)."""


@dataclass
class Comparison:
    """What comparing one scanned page with one submitted page found."""

    differences: list[Difference] = field(default_factory=list)
    covered: float = 0.0
    """The share of the submitted page's characters OCR found on the scan."""
    similarity: float = 0.0
    """The share of characters the two pages have in common (any order)."""
    to_page: np.ndarray | None = None
    """The affine map from the scan's pixels to the page's points (2×3), when fitted."""


def similarity(page: PageText, lines: tuple[Line, ...]) -> float:
    """The characters the scan and the page share, as a share of the larger: 1.0 the same text,
    near 0 another page. Order-free, so it needs no map and places a page whose code is lost."""
    known = Counter(normal(page.text))
    read = Counter(normal("".join(line.text for line in page_lines(lines))))
    larger = max(sum(known.values()), sum(read.values()))
    if larger == 0:
        return 1.0
    return sum((known & read).values()) / larger


def _fit(
    page: list[Char], text: str, lines: tuple[Line, ...], width: float, height: float, scale: float
) -> np.ndarray:
    """The affine map scan pixels → page points, fitted on the corners of lines whose text is
    found on the page exactly once; the scan's scale alone when too few are."""
    sources: list[tuple[float, float]] = []
    targets: list[tuple[float, float]] = []
    for line in lines:
        read = normal(line.text)
        if len(read) < ANCHOR_CHARS or text.count(read) != 1:
            continue
        start = text.index(read)
        boxes = [page[n].box for n in range(start, start + len(read))]
        if max(b[1] for b in boxes) - min(b[1] for b in boxes) > 2:  # it spans two lines of the page
            continue
        x0, y0, x1, y1 = line.box
        k0, k1 = boxes[0], boxes[-1]
        sources += [(x0, (y0 + y1) / 2), (x1, (y0 + y1) / 2)]
        targets += [(k0[0], (k0[1] + k0[3]) / 2), (k1[2], (k1[1] + k1[3]) / 2)]
    fallback = np.array([[scale, 0.0, 0.0], [0.0, scale, 0.0]])
    if len(sources) < 4:  # two lines: an affine map needs three points
        return fallback
    a = np.array([[x, y, 1.0] for x, y in sources])
    b = np.array(targets)
    for _ in range(2):  # fit, drop the anchors far off it (a repeated heading), fit again
        solution, *_ = np.linalg.lstsq(a, b, rcond=None)
        residual = np.linalg.norm(a @ solution - b, axis=1)
        keep = residual <= max(3 * float(np.median(residual)), 3.0)
        if keep.all() or keep.sum() < 4:
            break
        a, b = a[keep], b[keep]
    return np.asarray(solution.T)


def map_box(matrix: np.ndarray, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The box holding `box` mapped by the affine `matrix` (2×3): scan to page or back."""
    corners = np.array(
        [[box[0], box[1], 1.0], [box[2], box[1], 1.0], [box[0], box[3], 1.0], [box[2], box[3], 1.0]]
    )
    mapped = corners @ matrix.T
    return (
        float(mapped[:, 0].min()),
        float(mapped[:, 1].min()),
        float(mapped[:, 0].max()),
        float(mapped[:, 1].max()),
    )


def _has_data(text: str) -> bool:
    return any(c.isdigit() or (c.isascii() and c.isalpha()) for c in text)


def _cjk(text: str) -> int:
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff")


def page_lines(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    """OCR's lines without the page code's own readable label (``FG 1A2B-3C4D 5/12``), even
    when OCR joins something before it (the page number's dash read as ``1``) or leaves the
    page number out (a sideways page turned back, where the label runs down the margin): the
    code is checked through its QR code, not as text."""
    return tuple(line for line in lines if not _CODE_LABEL.search(normal(line.text)))


def compare(page: PageText, lines: tuple[Line, ...], image_size: tuple[int, int]) -> Comparison:
    """Compare OCR's `lines` of an upright scanned picture of `image_size` pixels with `page`."""
    chars = known_chars(page)
    text = "".join(c.char for c in chars)
    lines = page_lines(lines)
    result = Comparison(similarity=similarity(page, lines))
    matrix = _fit(chars, text, lines, page.width, page.height, page.width / image_size[0])
    result.to_page = matrix
    if len(chars) < PICTURE_PAGE:
        result.covered = 1.0
        return result
    used = [False] * len(chars)
    centres = (
        np.array([((c.box[0] + c.box[2]) / 2, (c.box[1] + c.box[3]) / 2) for c in chars])
        if chars
        else np.zeros((0, 2))
    )
    for line in lines:
        read = normal(line.text)
        if not read:
            continue
        x0, y0, x1, y1 = map_box(matrix, line.box)
        tall = y1 - y0
        # A line's box is drawn round its ink; its characters' centres lie well inside it.
        inside = (
            (
                (centres[:, 0] >= x0 - tall * 0.3)
                & (centres[:, 0] <= x1 + tall * 0.3)
                & (centres[:, 1] >= y0 + tall * 0.15)
                & (centres[:, 1] <= y1 - tall * 0.15)
            )
            if len(chars)
            else np.zeros(0, dtype=bool)
        )
        picked = [n for n in np.flatnonzero(inside)]
        picked.sort(key=lambda n: (round(centres[n][1] / 4), centres[n][0]))
        for n in picked:
            used[n] = True
        expected = "".join(chars[n].char for n in picked)
        line_box = map_box(matrix, line.box)
        for difference, start, end in _line_differences(expected, read, line):
            # The characters concerned, with a neighbour each side (an insertion lies between two).
            near = _around([chars[n].box for n in picked[max(start - 1, 0) : end + 1]], line_box)
            own = _around([chars[n].box for n in picked[start:end]], near)
            result.differences.append(replace(difference, region=near, glyphs=own))
    result.covered = sum(used) / len(used) if used else 1.0
    return result


def _around(
    boxes: list[tuple[float, float, float, float]], otherwise: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """The box holding `boxes`, or `otherwise` when there are none."""
    if not boxes:
        return otherwise
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _line_differences(expected: str, read: str, line: Line) -> list[tuple[Difference, int, int]]:
    """The differences between what a line should say and what OCR read, noise left out;
    each with the span of `expected` it concerns."""
    if not expected:
        if line.score >= SURE and ((_has_data(read) and len(read) >= 2) or _cjk(read) >= ADDED_CJK):
            return [(Difference("", read, line.box, line.score), 0, 0)]
        return []
    found: list[tuple[Difference, int, int]] = []
    for op in Levenshtein.opcodes(expected, read):
        if op.tag == "equal":
            continue
        known, seen = expected[op.src_start : op.src_end], read[op.dest_start : op.dest_end]
        if _matters(known, seen, line.score, at_end=op.src_start == 0 or op.src_end == len(expected)):
            found.append((Difference(known, seen, line.box, line.score), op.src_start, op.src_end))
    return found


def _matters(known: str, seen: str, score: float, *, at_end: bool) -> bool:
    """Whether OCR reading `seen` where the page has `known` is a real difference."""
    if known.translate(_CONFUSABLE) == seen.translate(_CONFUSABLE):
        return False
    if not known or not seen:
        # OCR drops or adds characters at a line's ends (a box cut short, a neighbouring
        # cell's edge); inside a line only a run of data is believed.
        # Strokes read as letters (川 as 川II) are noise too.
        if at_end or not (known or seen).strip("Il|"):
            return False
        return score >= SURE_CJK and len(known or seen) >= 2 and _has_data(known or seen)
    if _has_data(known) or _has_data(seen):
        digits = any(c.isdigit() for c in known + seen)
        if not digits and (_cjk(known) > 0) != (_cjk(seen) > 0):
            return False  # a character's strokes read as Latin letters (川 as JII), or back
        return score >= SURE
    return score >= SURE_CJK and min(_cjk(known), _cjk(seen)) >= 1


def skew(lines: tuple[Line, ...]) -> float:
    """The page's skew in degrees from the slope of its long lines (0 when too few)."""
    slopes = [line.angle for line in lines if line.box[2] - line.box[0] > 8 * (line.box[3] - line.box[1])]
    return statistics.median(slopes) if len(slopes) >= 3 else 0.0
