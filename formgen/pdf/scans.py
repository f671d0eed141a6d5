"""A submitter's scans as PDF pages, each at its own size, without losing a pixel.

A scan arrives here rebuilt (`rebuild.rebuild_scan`: decoded under the pixel limits, at most
A4 at 300 dpi, encoded again by formgen); its frames are measured again before decoding.

A scan is evidence (a licence, a certificate), so its pixels go into the packet as they are:

- a JPEG's own bytes become the image (``/DCTDecode``): no second lossy round;
- an 8-bit grey or colour PNG without transparency keeps its compressed data, read with the
  PNG predictors a PDF reader knows (``/FlateDecode`` with ``/Predictor 15``), as img2pdf
  does it: nothing is decoded or compressed again;
- anything else (transparency, palettes, 16 bits, TIFF pages) is decoded, flattened onto
  white where it is transparent, and stored losslessly (``/FlateDecode``).

The page is the image's size at its resolution (pixels at its dpi, `SCAN_DPI_UNKNOWN` when
the file does not say); `packet_pdf` then fits it on A4.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from formgen.data import untrusted

SCAN_DPI_UNKNOWN = 150
"""The resolution assumed for a scan whose file does not say."""
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_COLOURS = {0: 1, 2: 3}
"""PNG colour types kept as they are (grey, RGB) and their components per pixel."""
_SPACES = {1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}


@dataclass(frozen=True)
class _Picture:
    """One page's image: its XObject's stream data and entries, its size and resolution."""

    data: bytes
    entries: dict[str, object]
    width: int
    height: int
    dpi: tuple[float, float]


def image_pdf(path: Path) -> bytes:
    """The frames of the image at `path` as a PDF, one page each, at their natural size."""
    data = path.read_bytes()
    writer = PdfWriter()
    for picture in _pictures(data):
        width_pt = picture.width * 72 / picture.dpi[0]
        height_pt = picture.height * 72 / picture.dpi[1]
        page = writer.add_blank_page(width_pt, height_pt)
        image = StreamObject()  # its data is already encoded, under the filter its entries name
        image.set_data(picture.data)
        image.update({NameObject(k): _pdf_value(v) for k, v in picture.entries.items()})
        image.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Image"),
                NameObject("/Width"): NumberObject(picture.width),
                NameObject("/Height"): NumberObject(picture.height),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/XObject"): DictionaryObject({NameObject("/Scan"): writer._add_object(image)})}
        )
        contents = DecodedStreamObject()
        contents.set_data(b"q %.4f 0 0 %.4f 0 0 cm /Scan Do Q" % (width_pt, height_pt))
        page[NameObject("/Contents")] = writer._add_object(contents)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_value(value: object) -> object:
    if isinstance(value, str):
        return NameObject(value)
    if isinstance(value, int):
        return NumberObject(value)
    if isinstance(value, dict):
        return DictionaryObject({NameObject(k): _pdf_value(v) for k, v in value.items()})
    if isinstance(value, list):
        return ArrayObject(_pdf_value(v) for v in value)
    raise TypeError(value)


def _pictures(data: bytes) -> list[_Picture]:
    with Image.open(io.BytesIO(data)) as image:
        dpi = _dpi(image)
        frames = getattr(image, "n_frames", 1)
        if image.format == "JPEG" and image.mode in ("L", "RGB") and frames == 1:
            space = _SPACES[len(image.mode)]
            entries: dict[str, object] = {
                "/Filter": "/DCTDecode",
                "/ColorSpace": space,
                "/BitsPerComponent": 8,
            }
            return [_Picture(data, entries, image.width, image.height, dpi)]
        if image.format == "PNG":
            kept = _png_as_is(data, dpi)
            if kept is not None:
                return [kept]
    return [
        _decoded(frame, _dpi(frame) if frames > 1 else dpi)
        for frame in untrusted.image_frames(data, "scan", untrusted.LIMITS)
    ]


def _dpi(image: Image.Image) -> tuple[float, float]:
    found = image.info.get("dpi")
    if not found:
        return (SCAN_DPI_UNKNOWN, SCAN_DPI_UNKNOWN)
    x, y = (float(found[0] or 0), float(found[1] or 0)) if isinstance(found, tuple) else (found, found)
    x = x if x >= 1 else (y if y >= 1 else SCAN_DPI_UNKNOWN)
    return (x, y if y >= 1 else x)


def _png_as_is(data: bytes, dpi: tuple[float, float]) -> _Picture | None:
    """The PNG's compressed pixels for the PDF as they are; None when it needs decoding."""
    if not data.startswith(_PNG_SIGNATURE):
        return None
    chunks: list[bytes] = []
    offset = len(_PNG_SIGNATURE)
    width = height = colours = 0
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in _PNG_COLOURS or interlace:
                return None
            colours = _PNG_COLOURS[colour]
        elif kind == b"tRNS":  # a transparent colour: flattened by decoding
            return None
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"IEND":
            break
    if not colours or not chunks:
        return None
    entries: dict[str, object] = {
        "/Filter": "/FlateDecode",
        "/DecodeParms": {"/Predictor": 15, "/Colors": colours, "/BitsPerComponent": 8, "/Columns": width},
        "/ColorSpace": _SPACES[colours],
        "/BitsPerComponent": 8,
    }
    return _Picture(b"".join(chunks), entries, width, height, dpi)


def _decoded(frame: Image.Image, dpi: tuple[float, float]) -> _Picture:
    """A frame decoded, made printable, and stored losslessly."""
    frame = printable(frame)
    bits = 1 if frame.mode == "1" else 8
    space = _SPACES[1 if frame.mode in ("1", "L") else len(frame.mode)]
    entries: dict[str, object] = {"/Filter": "/FlateDecode", "/ColorSpace": space, "/BitsPerComponent": bits}
    return _Picture(zlib.compress(frame.tobytes()), entries, frame.width, frame.height, dpi)


def printable(frame: Image.Image) -> Image.Image:
    """`frame` in a mode a PDF and a printer take (1, L, RGB, CMYK): transparency flattened onto
    white, a palette expanded, 16 and 32 bits brought to 8."""
    if frame.mode in ("1", "L", "RGB", "CMYK"):
        return frame
    if frame.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        wide = frame.convert("I") if frame.mode != "F" else frame
        highest = wide.getextrema()[1]
        top = (
            65535
            if frame.mode.startswith("I;16")
            else max(1.0, float(highest if isinstance(highest, (int, float)) else 1))
        )
        return wide.point(lambda v: v * 255 / top).convert("L")
    converted = frame.convert("RGBA" if "A" in frame.mode or frame.mode in ("P", "PA", "LA") else "RGB")
    if converted.mode == "RGBA":
        flat = Image.new("RGB", converted.size, "white")
        flat.paste(converted, mask=converted.split()[3])
        converted = flat
    return converted
