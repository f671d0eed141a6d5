"""Reading a scanned page's printed text: RapidOCR (PP-OCRv4), offline, models inside its wheel.

Chosen by measurement over Tesseract 5 with Debian's chi_sim on formgen's own pages
(``bench/bench_ocr.py``; figures in docs/verify.md): it reads printed 仿宋 and table text far
more accurately at 150 dpi, turned or JPEG-compressed, which is what keeps false alarms out.

The engine loads once per process (about 1 s, 100 MB) and is shared; its text-direction
classifier is left off, because a page is turned upright as a whole before it is read
(`upright`). Lines come back with their box in the picture's pixels and the engine's
confidence, which the comparison weighs.
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from PIL import Image

DETECTION_SIDE = 1280
"""The longest side the text detector sees: an A4 page at 110 dpi, where 3号 text is still
24 pixels tall. Lines found are read from the full picture, so recognition loses nothing;
detection on a 300 dpi scan costs a sixth of what it would at full size."""


@dataclass(frozen=True)
class Line:
    """One line of text found on a picture: its box (x0, y0, x1, y1) in pixels, text, confidence,
    and the slope of its top edge in degrees (positive: rising to the right, as on a page
    turned counter-clockwise)."""

    box: tuple[float, float, float, float]
    text: str
    score: float
    angle: float = 0.0


@functools.cache
def _engine() -> object:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(
        use_cls=False,
        max_side_len=DETECTION_SIDE,
        det_limit_type="max",
        det_limit_side_len=DETECTION_SIDE,
    )


_lock = threading.Lock()
_memo: OrderedDict[str, tuple[Line, ...]] = OrderedDict()
_MEMO_SIZE = 256


def read(image: Image.Image) -> tuple[Line, ...]:
    """The text lines of `image`, top to bottom.

    The same picture read twice (a page checked again, the portal showing a verification
    after intake did it) is read once: results are kept for the last 256 pictures, by the
    hash of their pixels.
    """
    rgb = image.convert("RGB")
    key = hashlib.sha256(rgb.tobytes()).hexdigest() + f"{rgb.size}"
    with _lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    engine = _engine()
    found, _ = engine(np.asarray(rgb))  # type: ignore[operator]
    lines = []
    for points, text, score in found or []:
        xs = [float(p[0]) for p in points]
        ys = [float(p[1]) for p in points]
        slope = math.degrees(math.atan2(ys[0] - ys[1], xs[1] - xs[0])) if xs[1] != xs[0] else 0.0
        lines.append(Line((min(xs), min(ys), max(xs), max(ys)), str(text), float(score), slope))
    lines.sort(key=lambda line: (round(line.box[1] / 8), line.box[0]))
    result = tuple(lines)
    with _lock:
        _memo[key] = result
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return result
