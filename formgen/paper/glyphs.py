"""Which of two characters a scanned glyph is: the submitted one, or the one OCR read.

A one-stroke change (术 → 木, a dot taken away; 大 → 太, a dot added; 日 → 目) moves a few
per cent of a character's ink, no more than blur, JPEG and a map a pixel off move on clean
print, so a share of wrong ink (`print_check.excess`) cannot tell it from OCR's misreads.
But when OCR reads a character as another, both are known: the submitted character is on the
submitted page, and the other can be drawn in the same face, size and place. The scan is then
held against both drawings, and the question becomes which of the two it is nearer, measured
on the ink where the two differ (`nearer`): +1 the one OCR read, -1 the submitted one.
That ink is exactly the changed stroke, however small, so the answer does not fade with it.

The face and size are found by drawing the submitted character in each face the packets
print with (the faces `formgen/pdf/fontconfig/fonts.conf` maps the 公文 names to) and keeping
the drawing that lies best on the submitted page's own rendering. A character no face draws
closely enough (`FITS`) is not judged here.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from formgen.pdf import faces

FACES = ("FandolFang", "Noto Serif CJK SC", "Noto Sans CJK SC", "FandolKai", "Noto Serif CJK SC:bold")
"""The faces a packet's Chinese print comes in (仿宋, 宋体, 黑体, 楷体, bold headings)."""
FITS = 0.6
"""The least correlation of a drawn character with the page's rendering of it for the face and
size to be taken as the page's own."""
BLUR = 0.45
"""Both drawings and the scan are blurred alike, by this share of a stroke's width: the scan's
print is blurred by the printer, the scanner and JPEG, the drawings not."""
STROKE_WIDTH = 0.08
"""A stroke's width as a share of the characters' height."""


@functools.cache
def _font(name: str, size: int) -> ImageFont.FreeTypeFont | None:
    found = faces.face_file(name)
    if found is None:
        return None
    try:
        return ImageFont.truetype(found[0], size, index=found[1])
    except OSError:
        return None


def _draw(
    font: ImageFont.FreeTypeFont, char: str, shape: tuple[int, int], at: tuple[float, float]
) -> np.ndarray:
    """`char` drawn in `font` as ink (0 paper to 1 black) on a canvas of `shape`, at `at`."""
    canvas = Image.new("L", (shape[1], shape[0]), 0)
    ImageDraw.Draw(canvas).text(at, char, fill=255, font=font)
    return np.asarray(canvas, dtype=np.float32) / 255


def _correlate(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cross-correlation of `a` with `b` over every shift of `b`, by FFT, padded so nothing wraps."""
    shape = (2 * a.shape[0], 2 * a.shape[1])
    return np.fft.irfft2(np.fft.rfft2(a, shape) * np.conj(np.fft.rfft2(b, shape)), shape)


def shift(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """`image` moved by (`dx`, `dy`) pixels, paper coming in at the edges."""
    moved = np.zeros_like(image)
    height, width = image.shape
    moved[max(dy, 0) : height + min(dy, 0), max(dx, 0) : width + min(dx, 0)] = image[
        max(-dy, 0) : height + min(-dy, 0), max(-dx, 0) : width + min(-dx, 0)
    ]
    return moved


def _blurred(ink: np.ndarray, radius: float) -> np.ndarray:
    image = Image.fromarray(np.clip(ink * 255, 0, 255).astype(np.uint8))
    return np.asarray(image.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32) / 255


@dataclass(frozen=True)
class Drawn:
    """The submitted character and the one OCR read, drawn where the page prints the first."""

    submitted: np.ndarray
    read: np.ndarray
    fit: float
    """How well the drawing of the submitted character lies on the page's (correlation)."""


def drawn(page: np.ndarray, submitted: str, read: str, height_px: float) -> Drawn | None:
    """Both characters drawn on a canvas like `page` (the page's rendering round the submitted
    character, as ink), in the face and size that lay the submitted one best on it; None when
    none lies well enough (`FITS`) or no face is installed."""
    best: tuple[float, str, int, tuple[int, int], np.ndarray] | None = None
    # Thin strokes a pixel apart share no ink: the fit is judged on both blurred a little.
    radius = max(0.7, BLUR * STROKE_WIDTH * height_px)
    soft = _blurred(page, radius)
    norm_page = float(np.sqrt((soft * soft).sum()))
    if norm_page == 0:
        return None
    for name in FACES:
        # pdftotext's box is the face's ascent to descent: its size is about 0.76 of that.
        for size in range(max(6, math.floor(height_px * 0.66)), math.ceil(height_px * 0.86) + 1):
            font = _font(name, size)
            if font is None or not font.getmask(submitted).getbbox():
                continue
            mine = _draw(
                font, submitted, page.shape, (page.shape[1] / 2 - size / 2, page.shape[0] / 2 - size / 2)
            )
            drawn_soft = _blurred(mine, radius)
            norm = float(np.sqrt((drawn_soft * drawn_soft).sum()))
            if norm == 0:
                continue
            correlation = _correlate(soft, drawn_soft)
            y, x = np.unravel_index(int(np.argmax(correlation)), correlation.shape)
            score = float(correlation[y, x]) / (norm * norm_page)
            dy = y if y < page.shape[0] else y - correlation.shape[0]
            dx = x if x < page.shape[1] else x - correlation.shape[1]
            if best is None or score > best[0]:
                best = (score, name, size, (int(dx), int(dy)), mine)
    if best is None or best[0] < FITS:
        return None
    score, name, size, (dx, dy), mine = best
    font = _font(name, size)
    assert font is not None
    other = _draw(font, read, page.shape, (page.shape[1] / 2 - size / 2, page.shape[0] / 2 - size / 2))
    return Drawn(shift(mine, dx, dy), shift(other, dx, dy), score)


def nearer(
    scan: np.ndarray, page: np.ndarray, drawing: Drawn, height_px: float, reach: int, hidden: np.ndarray
) -> float | None:
    """Which the scan's ink (`scan`, 0 paper to 1 black, laid roughly on `page`, the page's own
    print there) is nearer: the page, or the page with the character OCR read drawn in place
    of the submitted one: +1 the character OCR read, -1 the submitted one, 0 as near to both.
    The scan is moved (in quarter pixels, up to `reach` and a half) to lie best on either,
    its ink level fitted to each (a scan prints darker or lighter); then
    only the ink where the two drawings differ is weighed, so the rest of the character, and
    how well it lies, does not drown a changed dot. Where coloured ink (`hidden`) covers most
    of that, the scan cannot say (None)."""
    radius = max(0.5, BLUR * STROKE_WIDTH * height_px)
    # The submitted character is the page's own print; the other is that print with the
    # submitted character's drawing taken out and the other's put in.
    mine = _blurred(page, radius)
    other = _blurred(np.clip(page - drawing.submitted + drawing.read, 0.0, 1.0), radius)
    apart = np.abs(mine - other)
    if float(apart.max()) == 0:
        return 0.0
    where = apart > 0.25 * float(apart.max())
    if (where & hidden).sum() > 0.5 * where.sum():
        return None
    seen = _blurred(scan, radius)
    best: tuple[float, np.ndarray] | None = None
    steps = np.arange(-reach - 0.5, reach + 0.75, 0.25)
    for dy in steps:
        for dx in steps:
            moved = _moved(seen, float(dx), float(dy))
            error = min(_error(moved, mine), _error(moved, other))
            if best is None or error < best[0]:
                best = (error, moved)
    assert best is not None
    moved = best[1]
    where &= ~hidden
    wrong = [float(((_gained(moved, drawn_) - drawn_)[where] ** 2).sum()) for drawn_ in (mine, other)]
    return max(-1.0, min(1.0, (wrong[0] - wrong[1]) / float(((mine - other)[where] ** 2).sum())))


def _moved(image: np.ndarray, dx: float, dy: float) -> np.ndarray:
    """`image` moved by (`dx`, `dy`) pixels, fractions too (bilinear), paper at the edges."""
    x, y = math.floor(dx), math.floor(dy)
    fx, fy = dx - x, dy - y
    return (
        (1 - fx) * (1 - fy) * shift(image, x, y)
        + fx * (1 - fy) * shift(image, x + 1, y)
        + (1 - fx) * fy * shift(image, x, y + 1)
        + fx * fy * shift(image, x + 1, y + 1)
    )


def _gained(scan: np.ndarray, drawing: np.ndarray) -> np.ndarray:
    """`scan` with its ink level fitted to `drawing`'s (least squares)."""
    weight = float((scan * scan).sum())
    return scan * (float((scan * drawing).sum()) / weight if weight else 1.0)


def _error(scan: np.ndarray, drawing: np.ndarray) -> float:
    """The squared difference of `scan` from `drawing`, the scan's ink level fitted."""
    return float(((_gained(scan, drawing) - drawing) ** 2).sum())


def region(box: tuple[float, float, float, float], step: float) -> tuple[int, int, int, int]:
    """The pixels (left, top, right, bottom) round a character's box (points) that are judged:
    the box grown by a fifth of its height each side."""
    x0, y0, x1, y1 = box
    margin = (y1 - y0) * 0.2
    return (
        math.floor((x0 - margin) / step),
        math.floor((y0 - margin) / step),
        math.ceil((x1 + margin) / step),
        math.ceil((y1 + margin) / step),
    )
