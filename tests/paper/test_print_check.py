"""The print check on its own: a line printed one way, "scanned" another, held against it.

The submitted page is a picture of ``15,342.80`` at 150 dpi; the scan is the same line made
noisy (blur, speckle, JPEG), moved a little, crossed by a blue pen, or printed as ``15,842.80``.
Only the changed digit is a difference, and it is found where it is.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from formgen.paper import glyphs, print_check

DPI = 150
STEP = 72 / DPI
IDENTITY = np.array([[1 / STEP, 0.0, 0.0], [0.0, 1 / STEP, 0.0]])
"""Page points to scan pixels: the scan lies exactly on the page."""
TEXT_AT = (60, 40)
"""Where the line is printed, in pixels."""


def _printed(text: str) -> Image.Image:
    page = Image.new("L", (420, 120), 255)
    ImageDraw.Draw(page).text(TEXT_AT, text, fill=0, font=ImageFont.load_default(size=30))
    return page


def _scanned(page: Image.Image, *, shift: tuple[int, int] = (0, 0), pen: bool = False) -> Image.Image:
    scan = Image.new("RGB", page.size, (250, 250, 248))
    scan.paste(page.convert("RGB"), shift)
    if pen:
        ImageDraw.Draw(scan).line([(40, 70), (380, 50)], fill=(20, 30, 110), width=3)
    scan = scan.filter(ImageFilter.GaussianBlur(0.6))
    pixels = np.asarray(scan, dtype=np.float32)
    noisy = pixels + np.random.default_rng(1).normal(0, 6, pixels.shape)
    out = io.BytesIO()
    Image.fromarray(noisy.clip(0, 255).astype(np.uint8)).save(out, "JPEG", quality=60)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


def _digit_box(text: str, index: int) -> tuple[float, float, float, float]:
    """The box (points) of character `index` of `text` as printed."""
    font = ImageFont.load_default(size=30)
    x0 = TEXT_AT[0] + font.getlength(text[:index])
    x1 = TEXT_AT[0] + font.getlength(text[: index + 1])
    _, top, _, bottom = font.getbbox(text)
    return (x0 * STEP, (TEXT_AT[1] + top) * STEP, x1 * STEP, (TEXT_AT[1] + bottom) * STEP)


@pytest.mark.parametrize(("shift", "pen"), [((0, 0), False), ((3, -2), False), ((0, 0), True)])
def test_the_same_print_scanned_badly_does_not_differ(shift: tuple[int, int], pen: bool) -> None:
    page = _printed("15,342.80")
    scan = print_check.print_only(_scanned(page, shift=shift, pen=pen))
    box = _digit_box("15,342.80", 3)
    assert print_check.differs(page, scan, IDENTITY, box, DPI) is None


def test_a_changed_digit_differs_where_it_is() -> None:
    page = _printed("15,342.80")
    scan = print_check.print_only(_scanned(_printed("15,842.80"), shift=(2, 1)))
    box = _digit_box("15,342.80", 3)
    found = print_check.differs(page, scan, IDENTITY, box, DPI)
    assert found is not None
    x0, _, x1, _ = found
    assert x0 < box[2] + 2 and x1 > box[0] - 2, "the difference is at the changed digit"
    assert print_check.differs(page, scan, IDENTITY, _digit_box("15,342.80", 7), DPI) is None


def test_only_characters_read_in_place_of_as_many_of_their_kind_are_judged_alone() -> None:
    assert print_check.excess_needed("3", "8") == print_check.EXCESS_DIGITS
    assert print_check.excess_needed("技", "科") == print_check.EXCESS_CJK
    assert print_check.excess_needed("王晓雯", "李红梅") is None, "a run is judged by its strokes"
    assert print_check.excess_needed("x", "z") is None
    assert print_check.excess_needed("", "44") is None
    assert print_check.excess_needed("3", "38") is None


def _printed_cjk(text: str) -> Image.Image:
    """`text` printed in 仿宋 (FandolFang, as packets print it), 12 pt at 150 dpi."""
    page = Image.new("L", (420, 120), 255)
    font = glyphs._font("FandolFang", round(12 * DPI / 72))
    assert font is not None, "FandolFang is installed by setup"
    ImageDraw.Draw(page).text(TEXT_AT, text, fill=0, font=font)
    return page


def _cjk_box(text: str, index: int) -> tuple[float, float, float, float]:
    """The box (points) of character `index` of `text` as `_printed_cjk` prints it, as tall as
    pdftotext's box (the face's ascent to descent)."""
    size = round(12 * DPI / 72)
    x0 = TEXT_AT[0] + index * size
    return (x0 * STEP, (TEXT_AT[1] - 0.1 * size) * STEP, (x0 + size) * STEP, (TEXT_AT[1] + 1.2 * size) * STEP)


@pytest.mark.parametrize(
    ("submitted", "forged"), [("技术", "技木"), ("天府大道", "天府太道"), ("日新", "目新")]
)
def test_a_one_stroke_change_is_found_and_a_misread_is_not(submitted: str, forged: str) -> None:
    """One stroke more or less (术 → 木, a dot taken away; 大 → 太, a dot added) moves too little
    ink to count as a share of the character; held against both characters drawn, the scan is
    plainly the one OCR read. The genuine print, read the same wrong way, is plainly not."""
    at = next(n for n, (a, b) in enumerate(zip(submitted, forged, strict=True)) if a != b)
    page = _printed_cjk(submitted)
    glyph = _cjk_box(submitted, at)
    line = (_cjk_box(submitted, 0)[0], glyph[1], _cjk_box(submitted, len(submitted) - 1)[2], glyph[3])
    characters = (submitted[at], forged[at])
    changed = print_check.print_only(_scanned(_printed_cjk(forged), shift=(2, 1)))
    genuine = print_check.print_only(_scanned(page, shift=(2, 1)))
    assert print_check.differs(page, changed, IDENTITY, line, DPI, glyph, characters) == glyph
    assert print_check.differs(page, genuine, IDENTITY, line, DPI, glyph, characters) is None
    held = print_check._held(page, changed, IDENTITY, line, DPI)
    assert held is not None
    assert (print_check.read_instead(held, glyph, *characters) or 0.0) > 0.5, "plainly the forged character"
