"""Simulated scans of printed packets: what a bureau's scanner makes of a stamped paper copy.

Pages are rendered by poppler (pdftoppm) from the packet PDF, then stamped with a red seal
at each place the page asks for one, signed, turned, blurred, speckled, darkened at the
binding edge, made grey, JPEG-compressed — each step a function, so a test says which.
"""

from __future__ import annotations

import io
import math
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter

from tests.pdf_reading import Page

MM = 72 / 25.4
SEAL_MM = 40.0


def render(pdf: Path, dpi: int) -> list[Image.Image]:
    """Every page of `pdf` at `dpi`, in colour, as poppler draws it."""
    with tempfile.TemporaryDirectory(prefix="formgen-scan-test-") as work:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", pdf, f"{work}/p"], check=True, capture_output=True
        )
        found = sorted(Path(work).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[1]))
        images = []
        for path in found:
            with Image.open(path) as image:
                images.append(image.convert("RGB"))
        return images


def seal_places(page: Page) -> list[tuple[float, float]]:
    """Where an applicant presses its seal on `page`: right of each （公章）/（盖章） label, in points."""
    return [
        (word.x1 + 18 * MM, (word.y0 + word.y1) / 2)
        for word in page.words
        if ("盖章" in word.text or "公章" in word.text) and "推荐" not in word.text
    ]


def _seal(diameter: int) -> Image.Image:
    """A round red seal: ring, five-pointed star, and an arc of characters' strokes."""
    seal = Image.new("RGBA", (diameter, diameter), (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    red = (215, 30, 35, 200)
    width = max(2, diameter // 28)
    draw.ellipse((width, width, diameter - width, diameter - width), outline=red, width=width)
    centre = diameter / 2
    outer, inner = diameter * 0.16, diameter * 0.065
    star = [
        (
            centre + (outer if k % 2 == 0 else inner) * math.sin(k * math.pi / 5),
            centre - (outer if k % 2 == 0 else inner) * math.cos(k * math.pi / 5),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=red)
    for k in range(14):  # the unit's name around the ring, as strokes
        angle = math.pi * (0.8 + 1.4 * k / 13)
        x = centre + diameter * 0.36 * math.cos(angle)
        y = centre + diameter * 0.36 * math.sin(angle)
        draw.rectangle(
            (x - width * 1.5, y - width * 1.5, x + width * 1.5, y + width * 1.5),
            outline=red,
            width=width // 2 + 1,
        )
    return seal


def stamp(image: Image.Image, places: list[tuple[float, float]], dpi: int) -> Image.Image:
    """`image` with a red seal pressed at each of `places` (points on the page)."""
    scale = dpi / 72
    diameter = round(SEAL_MM * MM * scale)
    seal = _seal(diameter)
    stamped = image.convert("RGBA")
    for x, y in places:
        stamped.alpha_composite(seal, (round(x * scale - diameter / 2), round(y * scale - diameter / 2)))
    return stamped.convert("RGB")


def sign(image: Image.Image, x: float, y: float, dpi: int) -> Image.Image:
    """`image` with a pen signature (dark blue strokes) over the text at (`x`, `y`) points."""
    signed = image.copy()
    draw = ImageDraw.Draw(signed)
    scale = dpi / 72
    points = [
        (x * scale + t * scale * 1.6, y * scale + 7 * scale * math.sin(t / 3.1) * math.cos(t / 7.0))
        for t in range(0, 60)
    ]
    draw.line(points, fill=(20, 30, 110), width=max(2, round(scale * 1.1)))
    return signed


def damage_code(image: Image.Image) -> Image.Image:
    """`image` with its page code torn out: the QR code and its label painted over."""
    found = zxingcpp.read_barcodes(image)
    assert found, "the page has a code to damage"
    position = found[0].position
    xs = [p.x for p in (position.top_left, position.top_right, position.bottom_left, position.bottom_right)]
    ys = [p.y for p in (position.top_left, position.top_right, position.bottom_left, position.bottom_right)]
    damaged = image.copy()
    side = max(xs) - min(xs)
    ImageDraw.Draw(damaged).rectangle(
        (min(xs) + side * 0.2, min(ys) - 2, max(xs) + side * 3, max(ys) + 2), fill=(250, 250, 248)
    )
    return damaged


def paste_code(image: Image.Image, source: Image.Image, dpi: int) -> Image.Image:
    """`image` with the foot band (where the page code is) of `source`: a forged page that
    carries the genuine page's code."""
    band = round(20 * MM * dpi / 72)
    forged = image.copy()
    forged.paste(
        source.crop((0, source.height - band, source.width, source.height)), (0, image.height - band)
    )
    return forged


@dataclass(frozen=True)
class Scanner:
    """How a scanner and its operator treat a page."""

    angle: float = 0.0
    """Degrees the page lies turned on the glass (counter-clockwise)."""
    grey: bool = False
    noise: float = 0.0
    """Standard deviation of the speckle, in grey levels."""
    blur: float = 0.0
    jpeg: int | None = None
    shadow: bool = False
    """A dark binding edge at the left."""
    upside_down: bool = False

    def scan(self, image: Image.Image, seed: int = 0) -> Image.Image:
        """The scanned picture of the printed page `image`."""
        page = image.convert("L") if self.grey else image.convert("RGB")
        if self.shadow:
            pixels = np.asarray(page, dtype=np.float32)
            width = pixels.shape[1]
            edge = int(width * 0.09)
            ramp = np.ones(width, dtype=np.float32)
            ramp[:edge] = np.linspace(0.35, 1.0, edge)
            pixels = pixels * (ramp[None, :, None] if pixels.ndim == 3 else ramp[None, :])
            page = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
        turn = self.angle + (180.0 if self.upside_down else 0.0)
        if turn:
            fill = 255 if page.mode == "L" else (255, 255, 255)
            page = page.rotate(turn, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)
        if self.blur:
            page = page.filter(ImageFilter.GaussianBlur(self.blur))
        if self.noise:
            pixels = np.asarray(page, dtype=np.float32)
            speckle = np.random.default_rng(seed).normal(0, self.noise, pixels.shape)
            page = Image.fromarray((pixels + speckle).clip(0, 255).astype(np.uint8))
        if self.jpeg is not None:
            out = io.BytesIO()
            page.save(out, "JPEG", quality=self.jpeg)
            page = Image.open(io.BytesIO(out.getvalue()))
            page.load()
        return page


def save_pdf(images: list[Image.Image], target: Path, dpi: int) -> Path:
    """`images` as one scanned PDF (pages as pictures), as a scanner's PDF mode writes it."""
    first, *rest = [image.convert("RGB") for image in images]
    first.save(target, "PDF", resolution=dpi, save_all=True, append_images=rest)
    return target
