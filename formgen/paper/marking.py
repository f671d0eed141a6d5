"""Marked pages: a scanned page upright, its differences boxed in red, missing seals in orange.

A marked page is drawn and written the moment its page has been checked, so a long scan never
holds its pictures in memory until the report is written; which of them the report keeps is
decided once every page is placed (`check.verify_pages` removes those of pages that agree).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PIL import Image, ImageDraw

FOLDER = "marked"
"""Where marked pages go, inside the report's folder."""

Box = tuple[float, float, float, float]


def name(scan: str) -> str:
    """The marked page's path inside the report's folder: ``scan.pdf#3`` is ``marked/scan.pdf_3.png``."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in scan)
    return f"{FOLDER}/{safe}.png"


def draw(image: Image.Image, differences: Iterable[Box], seal_windows: Iterable[Box]) -> Image.Image:
    """`image` in colour with each box of `differences` in red and of `seal_windows` in orange."""
    marked = image.convert("RGB")
    pen = ImageDraw.Draw(marked)
    width = max(2, marked.width // 400)
    for x0, y0, x1, y1 in differences:
        pen.rectangle((x0 - 4, y0 - 4, x1 + 4, y1 + 4), outline=(220, 0, 0), width=width)
    for box in seal_windows:
        pen.rectangle(box, outline=(255, 140, 0), width=width)
    return marked


def write(
    folder: Path, scan: str, image: Image.Image, differences: Iterable[Box], seal_windows: Iterable[Box]
) -> str:
    """Draw the marked page of `scan` and write it into `folder`; return its name there."""
    relative = name(scan)
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    draw(image, differences, seal_windows).save(path, "PNG")
    return relative
