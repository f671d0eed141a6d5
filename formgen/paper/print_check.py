"""Looking at the print itself where OCR reads a scan differently from the submitted page.

OCR misreads clean print now and then, and sure of itself (an ``x`` read as ``z`` at 0.97, the
0 of 2023 read as 6): a difference in what OCR read is only a suspicion. The submitted page is
known as a picture too, so each suspicion is settled by holding the scan's ink against the
page's own print at the same place: the scan's region is mapped onto the page (the affine map
`compare` fitted), both are made black and white, aligned within a couple of points, and each
side's ink that lies farther than `TOLERANCE_PT` from the other's is counted. A changed
digit or name leaves strokes of ink the page does not have (the left loops of an 8 where the
page prints a 3) or lacks strokes it has; a misread leaves only specks and one-pixel fringes
along strokes' edges, which are not counted (`_solid`). Coloured ink
(a seal, a blue signature) is taken out of the scan first, as print is black.

Small print (附件5's table, 9 pixels a digit at 150 dpi) has strokes one pixel wide: a changed
digit there makes no stroke of unexplained ink. So characters read in place of as many others
of their kind (digits, or one Chinese character) are also judged alone (`excess`): the share of their print the scan gets wrong,
against the same share on their neighbours, printed and scanned alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from formgen.paper.glyphs import drawn, nearer, region, shift

TOLERANCE_PT = 0.5
"""Ink within this distance of the other side's ink is explained (blur, JPEG, a fitted map a
pixel off): 2 pixels at 150 dpi, 4 at 300."""
SHIFT = 1.0
"""How far, in characters' heights (half that up and down), the two are moved against each
other to find where they line up best: the map fitted on OCR's line boxes can be a character
off along a line, where those boxes end imprecisely."""
WINDOW = 0.35
"""The side of the square, as a share of the characters' height, in which unexplained ink is
counted: about a stroke's length."""
STROKES = 0.25
"""Unexplained ink of at least this many strokes (a square's side × a stroke's width) in one
square is a difference. Measured on the simulated scans (tests/paper): OCR's misreads on clean
pages leave none (x read as z, a 0 under a signature read as 6, a neighbour's edge read as 1,
川 read as JII on a speckled grey scan); 15,342.80 printed as 15,842.80 at 150 dpi leaves 0.38,
a changed name 0.88."""
EXCESS_DIGITS = 0.05
"""The share of a digit's print the scan must get wrong beyond its neighbours' share for the
digit to differ (`excess`). Measured on the simulated scans: 58,620.40 printed as 58,820.40 in
附件5's table (small print, 150 dpi) leaves 0.07; OCR's misreads on clean pages leave none."""
EXCESS_CJK = 0.15
"""… and a Chinese character's: 王晓雯 printed as 王晓雲 in a table leaves 0.32, 技 as 科 0.53;
OCR's misreads of clean print (锻 as 银, 旌 as 族, 予 as 子) leave at most 0.05."""
LIKENESS = 0.0
"""Characters OCR read in place of as many of their kind differ when the scan is nearer to
what OCR read than to what was submitted (`read_instead`: -1 the submitted characters, +1
the ones read). Measured on the simulated scans: one-stroke changes (术 → 木, 大 → 太,
王 → 玉, 日 → 目, 己 → 已, 未 → 末, 太 → 大) at 150 dpi (colour speckled, grey turned 3°,
plain) and 300 dpi leave 0.55 to 1.0; OCR reading a clean 己 as 已 leaves -0.58 to -0.95."""
STROKE_WIDTH = 0.08
"""A stroke's width as a share of the characters' height (仿宋 and 宋体 print)."""
COLOURED = 18
"""A pixel whose channels, averaged over 3×3 pixels, differ by more than this is coloured ink
(seal, pen), not print: black print stays within a few levels, a blue pen's stroke 0.5 mm wide
at 150 dpi after JPEG at quality 60 differs by 25 to 50."""


def print_only(scan: Image.Image) -> Image.Image:
    """`scan` in grey, with coloured ink (seals, a blue or red pen) marked as unknown: grey
    level 0 in an alpha band ("LA"), so no print is judged under it."""
    grey = scan.convert("L")
    seen = np.full((scan.height, scan.width), 255, dtype=np.uint8)
    if scan.mode == "RGB":
        # Colour is judged over 3×3 pixels: a scanner's speckle is no colour, while a pen's
        # thin stroke, its colour smeared by JPEG, still is.
        pixels = np.asarray(scan.filter(ImageFilter.BoxBlur(1)), dtype=np.int16)
        seen[(pixels.max(axis=2) - pixels.min(axis=2)) > COLOURED] = 0
    return Image.merge("LA", (grey, Image.fromarray(seen)))


def _ink(pixels: np.ndarray) -> np.ndarray:
    """Black and white by the region's own paper and ink levels (a shadowed edge is darker paper)."""
    return _levels(pixels) > 0.45


def _levels(pixels: np.ndarray) -> np.ndarray:
    """Ink from 0 (the region's paper) to 1 (its darkest print); no ink where the region has
    no print (its darkest is near its paper)."""
    paper = float(np.percentile(pixels, 90))
    dark = float(np.percentile(pixels, 0.5))
    if paper - dark < 50:
        return np.zeros(pixels.shape, dtype=np.float32)
    return np.asarray(
        np.clip((paper - pixels.astype(np.float32)) / (paper - dark), 0.0, 1.0), dtype=np.float32
    )


def _dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    grown = mask.copy()
    height, width = mask.shape
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            if dx * dx + dy * dy > radius * radius or (dx == 0 and dy == 0):
                continue
            grown[max(dy, 0) : height + min(dy, 0), max(dx, 0) : width + min(dx, 0)] |= mask[
                max(-dy, 0) : height + min(-dy, 0), max(-dx, 0) : width + min(-dx, 0)
            ]
    return grown


def _offset(printed: np.ndarray, scanned: np.ndarray, reach_x: int, reach_y: int) -> tuple[int, int]:
    """The shift of `scanned` (within `reach_x`, `reach_y` pixels) that lays most of its ink on
    `printed`'s: cross-correlation by FFT, padded so nothing wraps round."""
    height, width = printed.shape
    shape = (2 * height, 2 * width)
    product = np.fft.rfft2(printed.astype(np.float32), shape) * np.conj(
        np.fft.rfft2(scanned.astype(np.float32), shape)
    )
    correlation = np.fft.irfft2(product, shape)
    best, found = -1.0, (0, 0)
    for dy in range(-min(reach_y, height - 1), min(reach_y, height - 1) + 1):
        row = correlation[dy % shape[0]]
        for dx in range(-min(reach_x, width - 1), min(reach_x, width - 1) + 1):
            if row[dx % shape[1]] > best:
                best, found = float(row[dx % shape[1]]), (dx, dy)
    return found


def _solid(mask: np.ndarray) -> np.ndarray:
    """`mask` without its thin parts: a pixel stays when at least 4 of its 8 neighbours are
    set. A stroke one side has and the other lacks is two pixels wide or more, even at 150
    dpi; the fringe left along a stroke's edge by JPEG, blur and speckle is one pixel wide."""
    neighbours = sum(
        shift(mask, dx, dy).astype(np.uint8) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dx or dy
    )
    return mask & (neighbours >= 4)


def _densest(mask: np.ndarray, side: int) -> tuple[int, int, int]:
    """The most set pixels in any `side`×`side` square of `mask`, and that square's corner."""
    height, width = mask.shape
    side = max(1, min(side, height, width))
    total = np.zeros((height + 1, width + 1), dtype=np.int32)
    total[1:, 1:] = mask.astype(np.int32).cumsum(axis=0).cumsum(axis=1)
    counts = total[side:, side:] - total[:-side, side:] - total[side:, :-side] + total[:-side, :-side]
    y, x = np.unravel_index(int(np.argmax(counts)), counts.shape)
    return int(counts[y, x]), int(x), int(y)


def differs(
    reference: Image.Image,
    scan: Image.Image,
    to_scan: np.ndarray,
    box: tuple[float, float, float, float],
    dpi: float,
    glyphs: tuple[float, float, float, float] | None = None,
    characters: tuple[str, str] | None = None,
) -> tuple[float, float, float, float] | None:
    """Where in `box` (page points) the scan's print differs from the page's, or None.

    `reference` is the submitted page rendered in grey at `dpi`; `scan` the scanned page
    upright, with coloured ink taken out (`print_only`); `to_scan` maps page points to its
    pixels (2×3). The answer is the box (page points) of the densest unexplained ink. With
    `glyphs`, the box of the characters in question alone, and `characters`, what was
    submitted there and what OCR read: characters read in place of as many of their kind are
    first held against both (`read_instead`), which settles them whenever each can be drawn;
    else, where `excess_needed` gives an excess for them, they are judged against their
    neighbours in `box` (`excess`): in small print a changed digit or character leaves too
    little ink to make a stroke, yet more than its neighbours leave.
    """
    held = _held(reference, scan, to_scan, box, dpi)
    if held is None:
        return None
    if glyphs is not None and characters is not None:
        instead = read_instead(held, glyphs, *characters)
        if instead is not None:
            return glyphs if instead > LIKENESS else None
    strokes, where = _strokes(held, box)
    needed = excess_needed(*characters) if characters is not None else None
    if glyphs is None or needed is None:
        return where if strokes >= STROKES else None
    # Characters judged alone must have more wrong ink than their neighbours even when it
    # makes strokes: a signature over a line leaves strokes on every character under it.
    alone = excess(held, box, glyphs)
    if alone >= needed:
        return glyphs
    return where if strokes >= STROKES and alone > 0 else None


def excess_needed(submitted: str, scanned: str) -> float | None:
    """The `excess` at which characters read in place of as many others differ: `EXCESS_DIGITS`
    for digits, `EXCESS_CJK` for one Chinese character; None for anything else, a run of
    Chinese characters too (a changed name), judged by its strokes alone."""
    if not submitted or len(submitted) != len(scanned):
        return None
    if (submitted + scanned).isdigit():
        return EXCESS_DIGITS
    if len(submitted) == 1 and "\u4e00" <= submitted <= "\u9fff" and "\u4e00" <= scanned <= "\u9fff":
        return EXCESS_CJK
    return None


def unexplained(
    reference: Image.Image,
    scan: Image.Image,
    to_scan: np.ndarray,
    box: tuple[float, float, float, float],
    dpi: float,
) -> tuple[float, tuple[float, float, float, float] | None]:
    """The most ink, in strokes, that one side has and the other lacks in any stroke-sized
    square around `box`, and that square (page points); `differs` says what counts."""
    held = _held(reference, scan, to_scan, box, dpi)
    return (0.0, None) if held is None else _strokes(held, box)


@dataclass(frozen=True)
class _Held:
    """The page's print and the scan's ink round a box, aligned: each side's ink farther than
    `TOLERANCE_PT` from the other's, in pixels from (`left`, `top`) of the page at `step`
    points a pixel."""

    printed: np.ndarray
    missing: np.ndarray
    left: int
    top: int
    step: float
    page: np.ndarray
    """The page's print as ink, 0 paper to 1 black."""
    seen: np.ndarray
    """The scan's print as ink, aligned on the page's; 0 where coloured ink hides it."""
    hidden: np.ndarray
    """Where coloured ink hides the scan's print, aligned likewise."""

    def pixels(self, box: tuple[float, float, float, float], margin: float) -> np.ndarray:
        """A mask of the pixels of `box` (page points) grown by `margin` points each side."""
        mask = np.zeros_like(self.missing)
        x0, y0, x1, y1 = box
        mask[
            max(round((y0 - margin) / self.step) - self.top, 0) : max(
                round((y1 + margin) / self.step) - self.top, 0
            ),
            max(round((x0 - margin) / self.step) - self.left, 0) : max(
                round((x1 + margin) / self.step) - self.left, 0
            ),
        ] = True
        return mask

    def share(self, mask: np.ndarray) -> float | None:
        """The unexplained ink in `mask` as a share of the page's print there (None: no print)."""
        ink = int((self.printed & mask).sum())
        return float((self.missing & mask).sum()) / ink if ink else None


def _held(
    reference: Image.Image,
    scan: Image.Image,
    to_scan: np.ndarray,
    box: tuple[float, float, float, float],
    dpi: float,
) -> _Held | None:
    """The scan's ink held against the page's print round `box` (see `_Held`), or None when
    the box lies off the page."""
    step = 72 / dpi
    x0, y0, x1, y1 = box
    tall = max(y1 - y0, 4.0)
    left, top = math.floor((x0 - tall) / step), math.floor((y0 - tall * 0.4) / step)
    right, bottom = math.ceil((x1 + tall) / step), math.ceil((y1 + tall * 0.4) / step)
    left, top = max(left, 0), max(top, 0)
    right, bottom = min(right, reference.width), min(bottom, reference.height)
    if right - left < 4 or bottom - top < 4:
        return None
    size = (right - left, bottom - top)
    page = np.asarray(reference.crop((left, top, right, bottom)).convert("L"))
    # Output pixel (u, v) is page point ((left + u) step, (top + v) step); where is it on the scan?
    a = to_scan
    coefficients = (
        a[0, 0] * step,
        a[0, 1] * step,
        a[0, 0] * left * step + a[0, 1] * top * step + a[0, 2],
        a[1, 0] * step,
        a[1, 1] * step,
        a[1, 0] * left * step + a[1, 1] * top * step + a[1, 2],
    )
    warped = np.asarray(
        scan.transform(
            size,
            Image.Transform.AFFINE,
            coefficients,
            resample=Image.Resampling.NEAREST,
            fillcolor=(255, 255),
        )
    )
    printed = page < 160
    unknown = warped[..., 1] < 128
    levels = np.where(unknown, 0.0, _levels(np.where(unknown, 255, warped[..., 0])))
    scanned = levels > 0.45
    height_px = tall / step
    dx, dy = _offset(printed, scanned, round(height_px * SHIFT), round(height_px * SHIFT / 2))
    scanned = shift(scanned, dx, dy)
    tolerance = max(1, round(TOLERANCE_PT / step))
    missing = (scanned & ~_dilate(printed, tolerance)) | (printed & ~_dilate(scanned, tolerance))
    hidden = _dilate(shift(unknown, dx, dy), 2 * tolerance)
    missing &= ~hidden
    return _Held(
        printed,
        missing,
        left,
        top,
        step,
        (255 - page.astype(np.float32)) / 255,
        shift(levels.astype(np.float32), dx, dy),
        hidden,
    )


def _strokes(
    held: _Held, box: tuple[float, float, float, float]
) -> tuple[float, tuple[float, float, float, float]]:
    """The most unexplained ink, in strokes, in a stroke-sized square on the characters of
    `box`, and that square (page points)."""
    tall = max(box[3] - box[1], 4.0)
    # Only the characters in question are judged: the margin round them is there to align by.
    missing = _solid(held.missing & held.pixels(box, tall * 0.25))
    height_px = tall / held.step
    side = max(3, round(WINDOW * height_px))
    count, x, y = _densest(missing, side)
    strokes = count / (side * max(1.0, STROKE_WIDTH * height_px))
    left, top, step = held.left, held.top, held.step
    return strokes, ((left + x) * step, (top + y) * step, (left + x + side) * step, (top + y + side) * step)


def excess(
    held: _Held, box: tuple[float, float, float, float], glyphs: tuple[float, float, float, float]
) -> float:
    """How much more of its print the scan gets wrong at `glyphs` than at their neighbours in
    `box`: unexplained ink, thin or not, as a share of the page's print there. Blur, JPEG and
    a map a pixel off leave the same share on the neighbours as on the characters, printed in
    the same size; a changed character leaves more on itself alone."""
    margin = 0.1 * (glyphs[3] - glyphs[1])
    own = held.pixels(glyphs, margin)
    neighbours = [
        held.pixels((box[0], glyphs[1], glyphs[0] - 2 * margin, glyphs[3]), margin),
        held.pixels((glyphs[2] + 2 * margin, glyphs[1], box[2], glyphs[3]), margin),
    ]
    beside = [share for share in map(held.share, neighbours) if share is not None]
    mine = held.share(own)
    if mine is None or not beside:
        return 0.0  # nothing printed to judge by
    return mine - max(beside)


def likeness(
    held: _Held, glyph: tuple[float, float, float, float], submitted: str, read: str
) -> float | None:
    """Whether the scan's character at `glyph` (page points) is the `submitted` one or the one
    OCR `read`: +1 the one read, -1 the submitted one (`glyphs.nearer`); None when it cannot
    be judged (off the region, or no face draws the submitted character as the page prints it)."""
    left, top, right, bottom = region(glyph, held.step)
    left, top = max(left - held.left, 0), max(top - held.top, 0)
    right, bottom = min(right - held.left, held.page.shape[1]), min(bottom - held.top, held.page.shape[0])
    if right - left < 4 or bottom - top < 4:
        return None
    page = held.page[top:bottom, left:right]
    height_px = (glyph[3] - glyph[1]) / held.step
    drawing = drawn(page, submitted, read, height_px)
    if drawing is None:
        return None
    reach = max(1, round(TOLERANCE_PT / held.step))
    return nearer(
        held.seen[top:bottom, left:right],
        page,
        drawing,
        height_px,
        reach,
        held.hidden[top:bottom, left:right],
    )


def read_instead(
    held: _Held, glyphs: tuple[float, float, float, float], submitted: str, read: str
) -> float | None:
    """How much more the scan looks like what OCR `read` than like the `submitted` characters
    at `glyphs` (page points, the characters side by side): the highest `likeness` of the
    characters that differ; None when the two are not as many characters of one kind each
    (`judged_alone`), or when one of them cannot be judged."""
    if not judged_alone(submitted, read):
        return None
    width = (glyphs[2] - glyphs[0]) / len(submitted)
    found: list[float] = []
    for n, (mine, other) in enumerate(zip(submitted, read, strict=True)):
        if mine == other:
            continue
        box = (glyphs[0] + n * width, glyphs[1], glyphs[0] + (n + 1) * width, glyphs[3])
        value = likeness(held, box, mine, other)
        if value is None:
            return None
        found.append(value)
    return max(found)


def judged_alone(submitted: str, read: str) -> bool:
    """Whether OCR read as many characters as were submitted, each one a Chinese character or
    a digit in place of one of its kind: then each can be drawn and held against the scan."""
    if not submitted or len(submitted) != len(read):
        return False
    return all(_kind(a) is not None and _kind(a) == _kind(b) for a, b in zip(submitted, read, strict=True))


def _kind(char: str) -> str | None:
    if char.isdigit() and char.isascii():
        return "digit"
    return "cjk" if "\u4e00" <= char <= "\u9fff" else None
