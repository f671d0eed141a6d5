"""Page codes: a QR code and a short readable code at the foot of every packet page.

The code names the submission (the first hex digits of a hash of the packet as it is without
codes, so the same data gives the same code and the same bytes) and the page's place in its
copy ("n/N"), so a scanned paper copy can be matched page by page to what was submitted
(`formgen verify`).

It sits in the foot margin, centred, below the page number's line: GB/T 9704's type area ends
35 mm above the bottom edge and the number "— N —" stands on the outer side about 20–26 mm
above it, so a block 6–18 mm above the bottom edge, in the middle of the page, is clear of
both on odd and even pages, of a scan's box (30 mm kept at the foot) and of a turned
landscape page (shrunk and kept to the top).

The readable code is drawn as a 1-bit picture, not as text: a reader extracting the page's
text (search, copy, the golden-text tests, `verify` itself) gets the page's own words only.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import zlib
from dataclasses import dataclass

import segno
from PIL import Image, ImageDraw, ImageFont

PREFIX = "FG"
DIGITS = 8
"""Hex digits of the submission's hash in its code: 4 billion codes, one QR version 1."""

_MM = 72 / 25.4
QR_MM = 12.0
"""The QR code's side: 21 modules of 0.57 mm, 3.4 pixels each in a 150 dpi scan."""
BOTTOM_MM = 6.0
"""The QR code's lower edge above the page's bottom edge."""
TEXT_PT = 6.5
"""The readable code's height, 6.5 pt, about the size of a footnote."""
_TEXT_DPI = 600
_CODE = re.compile(rf"{PREFIX}:([0-9A-F]{{{DIGITS}}}):(\d+)/(\d+)")


@dataclass(frozen=True, order=True)
class PageCode:
    """The code of one page: its submission, its place `page` among `pages` in a copy."""

    submission: str
    page: int
    pages: int

    @property
    def text(self) -> str:
        """What the QR code holds: ``FG:1A2B3C4D:5/12`` (QR alphanumerics, one version-1 code)."""
        return f"{PREFIX}:{self.submission}:{self.page}/{self.pages}"

    @property
    def label(self) -> str:
        """What a person reads beside it: ``FG 1A2B-3C4D 5/12``."""
        half = DIGITS // 2
        return f"{PREFIX} {self.submission[:half]}-{self.submission[half:]}  {self.page}/{self.pages}"


def parse(text: str) -> PageCode | None:
    """The page code in a QR code's `text`, or None when it holds no formgen code."""
    found = _CODE.fullmatch(text.strip())
    if found is None:
        return None
    page, pages = int(found.group(2)), int(found.group(3))
    if not 1 <= page <= pages:
        return None
    return PageCode(found.group(1), page, pages)


def submission_code(packet: bytes) -> str:
    """The submission part of a code: the first hex digits of the SHA-256 of the packet's bytes."""
    return hashlib.sha256(packet).hexdigest()[:DIGITS].upper()


@dataclass(frozen=True)
class Drawing:
    """A page code as PDF drawing operations in page space, and the 1-bit picture they use."""

    operations: bytes
    picture: bytes
    """The readable code, deflated, 1 bit a pixel, 1 a dark pixel (an image mask)."""
    width: int
    height: int


def drawing(code: PageCode, page_width: float) -> Drawing:
    """Draw `code` centred at the foot of a page `page_width` points wide."""
    matrix = _qr_matrix(code.text)
    mask, width, height = _label_mask(code.label)
    side = QR_MM * _MM
    module = side / len(matrix)
    text_h = TEXT_PT
    text_w = text_h * width / height
    gap = 2 * _MM
    total = side + gap + text_w
    left = (page_width - total) / 2
    bottom = BOTTOM_MM * _MM
    ops = [b"q 0 g"]
    for row, cells in enumerate(matrix):
        y = bottom + side - (row + 1) * module
        column = 0
        while column < len(cells):
            if not cells[column]:
                column += 1
                continue
            run = column
            while run < len(cells) and cells[run]:
                run += 1
            # A run's rectangle overlaps the next row a hair, so no white seam shows at any zoom.
            ops.append(
                b"%.3f %.3f %.3f %.3f re"
                % (left + column * module, y - 0.01, (run - column) * module, module + 0.02)
            )
            column = run
    ops.append(b"f")
    text_y = bottom + (side - text_h) / 2
    ops.append(
        b"%.3f 0 0 %.3f %.3f %.3f cm /FormgenCodeLabel Do" % (text_w, text_h, left + side + gap, text_y)
    )
    ops.append(b"Q")
    return Drawing(b"\n".join(ops), mask, width, height)


def _qr_matrix(text: str) -> list[list[bool]]:
    """The QR code's modules without the quiet zone (the margin around it is white paper)."""
    qr = segno.make_qr(text, error="m", boost_error=True)
    return [[bool(cell) for cell in row] for row in qr.matrix]


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's own sans face (shipped inside Pillow): the same shapes on every machine."""
    return ImageFont.load_default(size=size)


def _label_mask(label: str) -> tuple[bytes, int, int]:
    """The readable code as a deflated 1-bit image mask, tightly cropped, at 600 dpi."""
    size = round(TEXT_PT / 72 * _TEXT_DPI)
    font = _font(size)
    left, top, right, bottom = font.getbbox(label)
    image = Image.new("1", (int(right - left) + 2, int(bottom - top) + 2), 0)
    ImageDraw.Draw(image).text((1 - left, 1 - top), label, fill=1, font=font)
    # PDF image masks paint where a sample is 0 by default; /Decode [1 0] paints the 1s.
    packed = io.BytesIO()
    packed.write(image.tobytes())
    return zlib.compress(packed.getvalue(), 9), image.width, image.height
