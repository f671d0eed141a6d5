"""A submitter's scan rebuilt from what it shows, never passed through as it came.

Whatever enters a packet (a portal upload, an attachment of ``formgen packet``, a scan in
``formgen collect``) goes through `rebuild_scan` first:

- its kind is decided by a real parse, not a marker: a PDF must open in pypdf (strictly) and
  is rewritten to its pages' content only (`page_content`); a picture must decode in Pillow;
- a picture is decoded frame by frame, each measured against the pixel limit before it is
  decoded (`formgen.data.untrusted.image_frames`), shrunk to at most A4 at `PRINT_DPI`, and
  encoded again: a JPEG as JPEG with its own quantisation tables (no visible second loss)
  when it keeps its size, anything else losslessly (PNG, or a deflated TIFF of its pages).

So what the packet holds is formgen's own encoding of the pixels and drawing, and a file
that cannot be rebuilt is refused with a reason before anything is written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, TiffImagePlugin

from formgen.data import untrusted
from formgen.data.untrusted import LIMITS, Limits, RefusedFileError
from formgen.pdf.page_content import page_content_pdf
from formgen.pdf.scans import printable

PRINT_DPI = 300
A4_PIXELS = (round(210 / 25.4 * PRINT_DPI), round(297 / 25.4 * PRINT_DPI))
"""The largest picture kept, short side by long side (2480 × 3508): A4 at `PRINT_DPI`."""


@dataclass(frozen=True)
class Rebuilt:
    """A scan as formgen wrote it again: its kind ("pdf", "jpg", "png", "tiff") and bytes."""

    kind: str
    content: bytes


def rebuild_scan(content: bytes, name: str, *, limits: Limits = LIMITS) -> Rebuilt:
    """The scan `content` (named `name`) rebuilt; `RefusedFileError` saying why if it cannot be."""
    kind = untrusted.inspect(content, name, limits=limits)
    if kind not in untrusted.SCANS:
        raise RefusedFileError(
            name, "只接受PDF、JPG、PNG或TIFF文件", "only PDF, JPG, PNG or TIFF files are accepted"
        )
    if kind == "pdf":
        return Rebuilt(kind, page_content_pdf(content, name, limits=limits))
    return Rebuilt(kind, _picture(content, name, kind, limits))


def _picture(content: bytes, name: str, kind: str, limits: Limits) -> bytes:
    """The picture's pages shrunk to print size and encoded again, one page in memory at a time."""
    out = io.BytesIO()
    if kind == "tiff":
        with TiffImagePlugin.AppendingTiffWriter(out, new=True) as pages:
            for frame in untrusted.image_frames(content, name, limits):
                page, dpi = _print_size(frame)
                page.save(pages, "TIFF", compression="tiff_deflate", **_dpi_option(dpi))
                pages.newFrame()
        return out.getvalue()
    frame = next(untrusted.image_frames(content, name, limits))
    page, dpi = _print_size(frame)
    if kind == "jpg" and page is frame and frame.mode in ("L", "RGB", "CMYK"):
        frame.save(out, "JPEG", quality="keep", subsampling="keep", **_dpi_option(dpi))
    elif kind == "jpg":
        page.save(out, "JPEG", quality=90, **_dpi_option(dpi))
    else:
        page.convert("RGB" if page.mode == "CMYK" else page.mode).save(out, "PNG", **_dpi_option(dpi))
    return out.getvalue()


def _print_size(frame: Image.Image) -> tuple[Image.Image, tuple[float, float]]:
    """`frame` at most A4 at `PRINT_DPI` (it is itself when it fits), and its resolution then."""
    scale = min(1.0, max(A4_PIXELS) / max(frame.size), min(A4_PIXELS) / min(frame.size))
    source = _dpi(frame)
    if scale >= 1.0:
        return frame, source
    width = frame.width
    size = (max(1, round(frame.width * scale)), max(1, round(frame.height * scale)))
    # Palette and 1-bit pictures are widened first: Pillow resamples those by nearest pixel.
    if frame.mode in ("P", "PA"):
        frame = frame.convert("RGBA" if frame.mode == "PA" or "transparency" in frame.info else "RGB")
    elif frame.mode == "1":
        frame = frame.convert("L")
    if frame.mode in ("RGBA", "LA"):
        frame = _flattened(frame, max(1, int(1 / scale)))
    if frame.width > size[0]:
        frame = frame.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    page = printable(frame)
    shrunk = page.width / width
    return page, (source[0] * shrunk, source[1] * shrunk)


def _flattened(frame: Image.Image, factor: int) -> Image.Image:
    """A picture with alpha, flattened onto white and box-reduced by `factor`, a band at a time.

    Pillow resamples (and reduces) a picture with alpha premultiplied, in a whole copy of it:
    160 MB more for 40 million pixels. Bands of a multiple of `factor` rows reduce exactly as
    the whole would, and each band's copies are a few MB.
    """
    band = factor * 256
    flat = Image.new("RGB", (-(-frame.width // factor), -(-frame.height // factor)), "white")
    for top in range(0, frame.height, band):
        strip = printable(frame.crop((0, top, frame.width, min(frame.height, top + band))))
        flat.paste(strip.reduce(factor) if factor > 1 else strip, (0, top // factor))
    return flat


def _dpi(frame: Image.Image) -> tuple[float, float]:
    found = frame.info.get("dpi")
    if isinstance(found, tuple) and len(found) == 2:
        return (float(found[0] or 0), float(found[1] or 0))
    return (0.0, 0.0)


def _dpi_option(dpi: tuple[float, float]) -> dict[str, tuple[float, float]]:
    """Pillow's dpi option, when the source said its resolution (else the reader assumes one)."""
    return {"dpi": dpi} if dpi[0] >= 1 and dpi[1] >= 1 else {}
