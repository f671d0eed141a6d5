"""Scans rebuilt before they reach a packet (`formgen.pdf.rebuild`): a PDF as its pages'
content only, a picture decoded under the pixel limits and encoded again at print size; and
`formgen packet` refusing an attachment that cannot be rebuilt, naming its field path."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image
from pypdf import PdfReader
from typer.testing import CliRunner

from formgen import api
from formgen.cli import app
from formgen.data.untrusted import Limits, RefusedFileError
from formgen.pdf.page_content import RebuildLimits, page_content_pdf
from formgen.pdf.rebuild import rebuild_scan
from tests.hostile_files import hostile_pdf, one_page, pdf_of, stream

PROVIDER = "sichuan-2023-110.provider"


def test_a_pdf_keeps_its_drawing_its_boxes_and_its_turn_and_nothing_that_acts() -> None:
    turned = pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Rotate 90 /MediaBox [10 20 610 420] >>",
            b"<< /Type /Page /Parent 2 0 R /Contents [4 0 R 5 0 R] /Resources << /Font << /F1 6 0 R >> >>"
            b" /CropBox [10 20 600 400] >>",
            stream(b"BT /F1 12 Tf 50 100 Td (FIRST) Tj ET"),
            stream(b"BT /F1 12 Tf 50 200 Td (SECOND) Tj ET"),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )
    (page,) = PdfReader(io.BytesIO(rebuild_scan(turned, "a.pdf").content)).pages
    assert [float(v) for v in page.mediabox] == [10, 20, 610, 420], "inherited from its page tree"
    assert [float(v) for v in page.cropbox] == [10, 20, 600, 400]
    assert page.rotation == 90
    assert "FIRST" in page.extract_text() and "SECOND" in page.extract_text()
    rebuilt = rebuild_scan(hostile_pdf(), "b.pdf").content
    reader = PdfReader(io.BytesIO(rebuilt))
    resources: Any = reader.pages[0]["/Resources"]
    font = resources["/XObject"]["/Page"]["/Resources"]["/Font"]["/F1"]
    assert font["/BaseFont"] == "/Helvetica" and "/Evil" not in font, "an action hung on a font is left out"
    assert b"JavaScript" not in rebuilt and b"/Launch" not in rebuilt and b"/URI" not in rebuilt


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]), "0 pages"),
        (one_page(b"0 0 m 1 1 l S\n" * 100_000), "too large"),
        (one_page(b"0 0 m 1 1 l S")[:150], "damaged"),
    ],
)
def test_a_pdf_that_cannot_be_rebuilt_is_refused_with_its_reason(content: bytes, reason: str) -> None:
    with pytest.raises(RefusedFileError, match=reason):
        page_content_pdf(content, "scan.pdf", rebuild=RebuildLimits(content_bytes=1_000_000))


def test_an_image_in_a_pdf_is_held_to_the_pixel_limit() -> None:
    bomb = pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /XObject << /Im 5 0 R >> >> >>",
            stream(b"q 595 0 0 842 0 0 cm /Im Do Q"),
            stream(
                b"x",
                b"/Type /XObject /Subtype /Image /Width 100000 /Height 100000 /BitsPerComponent 8"
                b" /ColorSpace /DeviceGray",
            ),
        ]
    )
    with pytest.raises(RefusedFileError, match="too many pixels"):
        rebuild_scan(bomb, "scan.pdf")


def test_every_tiff_page_is_measured_before_it_is_decoded() -> None:
    out = io.BytesIO()
    Image.new("1", (10, 10)).save(
        out, "TIFF", save_all=True, append_images=[Image.new("1", (6000, 6000))], compression="group4"
    )
    with pytest.raises(RefusedFileError, match="6000×6000"):
        rebuild_scan(out.getvalue(), "scan.tif", limits=Limits(pixels=40_000_000 // 2))
    assert rebuild_scan(out.getvalue(), "scan.tif").kind == "tiff", "within the default limit"


def test_a_packet_refuses_an_attachment_that_cannot_be_rebuilt_and_writes_nothing(tmp_path: Path) -> None:
    data = yaml.safe_load(api.example_text(PROVIDER))
    (tmp_path / "licence.pdf").write_bytes(b"<html>%PDF-1.7</html>")
    data["attachments"] = [{"title": "营业执照", "file": "licence.pdf"}]
    source = tmp_path / "provider.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(app, ["packet", PROVIDER, str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "attachments[0].file" in result.output and "营业执照" in result.output
    assert "no known type" in result.output
    assert not (tmp_path / "out").exists()


def test_an_animated_png_is_its_first_picture_and_a_gif_is_no_scan() -> None:
    frames = [Image.new("RGB", (40, 30), colour) for colour in ("red", "blue", "green")]
    animated = io.BytesIO()
    frames[0].save(animated, "PNG", save_all=True, append_images=frames[1:])
    rebuilt = rebuild_scan(animated.getvalue(), "scan.png")
    with Image.open(io.BytesIO(rebuilt.content)) as image:
        assert getattr(image, "n_frames", 1) == 1 and image.convert("RGB").getpixel((0, 0)) == (255, 0, 0)
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(RefusedFileError, match="no known type"):
        rebuild_scan(gif.getvalue(), "scan.png")
