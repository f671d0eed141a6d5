"""Reading a scanned page's code (`formgen.pdf.page_codes`) and how the page lies.

zxing-cpp finds a QR code at any turn, so the code also tells how the page was scanned: its
orientation (upside down is 180°) and, from the slope of its top edge, the skew to a fraction
of a degree. A code that does not decode (torn, stamped over, blurred) gives None, and the
page is placed by its text instead (`check`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import zxingcpp
from PIL import Image, ImageOps

from formgen.pdf import page_codes

_QR = zxingcpp.barcode_formats_from_str("QRCode")


@dataclass(frozen=True)
class Found:
    """A page code read from a picture, and the turn that puts the page upright."""

    code: page_codes.PageCode
    turn: float
    """Degrees to rotate the picture counter-clockwise (PIL's sense) to make the page upright."""
    centre: tuple[float, float]
    """The QR code's centre in the picture's pixels."""


def read(image: Image.Image) -> Found | None:
    """The formgen page code on `image`, or None when none decodes.

    Tried on the picture as it is, then with its contrast stretched (a grey or shadowed scan).
    """
    grey = image.convert("L")
    for attempt in (grey, ImageOps.autocontrast(grey, cutoff=1)):
        for barcode in zxingcpp.read_barcodes(attempt, formats=_QR):
            code = page_codes.parse(barcode.text)
            if code is None:
                continue
            position = barcode.position
            corners = [position.top_left, position.top_right, position.bottom_right, position.bottom_left]
            dx = position.top_right.x - position.top_left.x
            dy = position.top_right.y - position.top_left.y
            # The top edge's direction in picture coordinates (y down): 0° upright.
            slope = math.degrees(math.atan2(dy, dx))
            centre = (sum(p.x for p in corners) / 4, sum(p.y for p in corners) / 4)
            return Found(code, slope, centre)
    return None
