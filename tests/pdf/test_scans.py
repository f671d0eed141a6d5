"""Scans go into a packet pixel for pixel: a JPEG as its own bytes, a PNG as its own
compressed data, anything else decoded and stored losslessly."""

from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path
from typing import Any, cast

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader
from pypdf.generic import StreamObject

from formgen.pdf import scans


def _noise(mode: str, size: tuple[int, int] = (97, 61)) -> Image.Image:
    """An image no lossy coder keeps exactly: every pixel random."""
    rng = random.Random(7)
    bands = {"L": 1, "RGB": 3, "RGBA": 4, "LA": 2, "CMYK": 4}[mode]
    return Image.frombytes(mode, size, bytes(rng.randrange(256) for _ in range(size[0] * size[1] * bands)))


def _images(pdf: bytes) -> list[tuple[StreamObject, Image.Image]]:
    reader = PdfReader(io.BytesIO(pdf))
    found = []
    for page in reader.pages:
        (image,) = page.images
        resources = cast(Any, page["/Resources"])
        xobject = resources["/XObject"]["/Scan"].get_object()
        assert isinstance(xobject, StreamObject) and image.image is not None
        found.append((xobject, image.image))
    return found


def _same(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None


def test_a_jpeg_goes_in_as_its_own_bytes(tmp_path: Path) -> None:
    path = tmp_path / "licence.jpg"
    _noise("RGB").save(path, quality=80, dpi=(200, 200))
    ((xobject, _),) = _images(scans.image_pdf(path))
    assert str(xobject["/Filter"]) == "/DCTDecode"
    assert xobject._data == path.read_bytes(), "not decoded and coded again"


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_a_png_keeps_its_compressed_pixels_and_reads_back_exactly(tmp_path: Path, mode: str) -> None:
    path = tmp_path / f"scan-{mode}.png"
    original = _noise(mode)
    original.save(path, dpi=(300, 300))
    ((xobject, image),) = _images(scans.image_pdf(path))
    assert str(xobject["/Filter"]) == "/FlateDecode"
    assert cast(Any, xobject["/DecodeParms"])["/Predictor"] == 15
    assert _same(image, original), "every pixel as in the file"


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_transparency_is_flattened_onto_white_losslessly(tmp_path: Path, mode: str) -> None:
    path = tmp_path / f"scan-{mode}.png"
    original = _noise(mode)
    original.save(path)
    ((xobject, image),) = _images(scans.image_pdf(path))
    flat = Image.new("RGB", original.size, "white")
    flat.paste(original.convert("RGBA"), mask=original.convert("RGBA").split()[3])
    assert "/DecodeParms" not in xobject, "decoded, then stored"
    assert _same(image, flat)


def test_palette_sixteen_bit_and_interlaced_pngs_are_decoded_losslessly(tmp_path: Path) -> None:
    palette = tmp_path / "palette.png"
    _noise("RGB").convert("P").save(palette)
    interlaced = tmp_path / "interlaced.png"
    interlaced.write_bytes(_interlaced_pixel((200, 30, 90)))
    deep = tmp_path / "deep.png"
    Image.new("I;16", (40, 30), 30000).save(deep)
    for path in (palette, interlaced, deep):
        with Image.open(path) as source:
            expected = source.convert("RGB")
        if path is deep:  # 16 bits brought to 8 by scale, not clipped: 30000 of 65535 is a grey
            expected = Image.new("L", (40, 30), 30000 * 255 // 65535)
        ((xobject, image),) = _images(scans.image_pdf(path))
        assert "/DecodeParms" not in xobject, path.name
        assert _same(image, expected), path.name


def _interlaced_pixel(rgb: tuple[int, int, int]) -> bytes:
    """A one-pixel Adam7-interlaced PNG (Pillow writes none): its one pass is the pixel."""
    out = io.BytesIO()
    Image.new("RGB", (1, 1), rgb).save(out, format="PNG")
    data = bytearray(out.getvalue())
    at = data.index(b"IHDR")
    data[at + 16] = 1  # the interlace method
    data[at + 17 : at + 21] = struct.pack(">I", zlib.crc32(bytes(data[at : at + 17])))
    return bytes(data)


def test_a_page_is_the_image_at_its_resolution(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    Image.new("L", (600, 300), 255).save(path, dpi=(300, 150))
    unknown = tmp_path / "unknown.jpg"
    Image.new("RGB", (300, 150), "white").save(unknown)
    for made, size in ((path, (144, 144)), (unknown, (144, 72))):
        (page,) = PdfReader(io.BytesIO(scans.image_pdf(made))).pages
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size, made.name


def test_each_tiff_page_is_a_page(tmp_path: Path) -> None:
    path = tmp_path / "pages.tif"
    frames = [_noise("L"), Image.new("1", (80, 40), 1), _noise("CMYK")]
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(300, 300), compression="tiff_lzw")
    made = _images(scans.image_pdf(path))
    assert len(made) == 3
    for (_, image), frame in zip(made, frames, strict=True):
        assert _same(image, frame)
