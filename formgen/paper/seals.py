"""Looking for a red seal where a submitted page asks for one.

A page asks for a seal where its text says （盖章） or 公章 (申报单位（公章）：, 单位公章：);
a place for the recommending body's seal (推荐单位（公章）) is left out, as that body stamps
the paper after the applicant has scanned it. Around each place (a window from just left of
the label to 70 mm right of it, 25 mm above and below, where seals are pressed) the scan is
searched for seal ink: pixels clearly red (red channel high, green and blue well below it).
A greyscale scan cannot show red: its seals are reported as not checked, never as missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from formgen.paper.compare import map_box
from formgen.pdf.page_reading import PageText

MARKS = ("盖章", "公章")
NOT_THE_APPLICANTS = ("推荐",)
_MM = 72 / 25.4
WINDOW_MM = (10.0, 25.0, 70.0, 25.0)
"""How far around a place a seal is looked for: left, up, right (from the label's end), down."""
INK_MM2 = 30.0
"""Red ink covering at least this many square millimetres in the window is a seal: a 40 mm
seal's ring and star cover several hundred; a red pen's tick a few."""


@dataclass(frozen=True)
class Place:
    """Where a page asks for a seal: the label and its box in points."""

    label: str
    box: tuple[float, float, float, float]


def places(page: PageText) -> list[Place]:
    """The places on `page` where the applicant's seal is asked for."""
    found = []
    for word in page.words:
        if any(mark in word.text for mark in MARKS) and not any(n in word.text for n in NOT_THE_APPLICANTS):
            found.append(Place(word.text, (word.x0, word.y0, word.x1, word.y1)))
    return found


def red_mask(image: Image.Image) -> np.ndarray:
    """Where `image` holds seal ink: clearly red pixels (an RGB picture; none in a grey one)."""
    if image.mode != "RGB":
        return np.zeros((image.height, image.width), dtype=bool)
    pixels = np.asarray(image, dtype=np.int16)
    red, green, blue = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return (red > 110) & (red - green > 50) & (red - blue > 40)


def without_ink(image: Image.Image) -> Image.Image:
    """`image` with seal ink turned to paper, so OCR reads the print beneath a seal (black
    print over red stays dark)."""
    mask = red_mask(image)
    if not mask.any():
        return image
    pixels = np.array(image)
    pixels[mask] = 255
    return Image.fromarray(pixels)


def window(place: Place, to_scan: np.ndarray) -> tuple[float, float, float, float]:
    """The box on the scan (pixels) where a seal for `place` is looked for; `to_scan` maps
    page points to scan pixels (2×3)."""
    left, up, right, down = (v * _MM for v in WINDOW_MM)
    x0, y0, x1, y1 = place.box
    return map_box(to_scan, (x0 - left, y0 - up, x1 + right, y1 + down))


def sealed(box: tuple[float, float, float, float], mask: np.ndarray, dpi: float) -> bool:
    """Whether seal ink covers enough of `box` on a scan whose red `mask` is given."""
    height, width = mask.shape
    a, b = max(int(box[0]), 0), max(int(box[1]), 0)
    c, d = min(int(box[2]), width), min(int(box[3]), height)
    if c <= a or d <= b:
        return False
    ink = int(mask[b:d, a:c].sum())
    return ink * (25.4 / dpi) ** 2 >= INK_MM2
