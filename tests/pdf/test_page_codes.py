"""Page codes on packets, read as a scanner and a reader see them: every page's QR code read
from the page rendered at 150 dpi, where it sits, and that the page's text does not hold it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from importlib.resources import as_file
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from typer.testing import CliRunner

from formgen import api
from formgen.cli import app
from formgen.pdf import convert, page_codes
from tests.pdf_reading import bookmarks, page_image, page_number, pages

pytestmark = pytest.mark.pdf

APPLICANTS = ["sichuan-2023-110.provider", "sichuan-2023-110.enterprise", "chongqing-2023-1.platform"]
MM = 72 / 25.4
DPI = 150
TYPE_AREA_PT = (28 * MM, 37 * MM, (28 + 156) * MM, (37 + 225) * MM)
"""GB/T 9704's type area on an odd page (x0, y0, x1, y1 from the top left); mirrored on even."""

Build = Callable[..., Path]


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    made: dict[tuple[Any, ...], Path] = {}
    with convert.service():

        def make(packet_id: str, **options: Any) -> Path:
            key = (packet_id, *sorted(options.items()))
            if key not in made:
                out = tmp_path_factory.mktemp("packet")
                with as_file(api.registry().packet(packet_id).example) as example:
                    made[key] = api.packet(packet_id, example, out, **options)
            return made[key]

        yield make


def codes_on(pdf: Path, page: int) -> list[tuple[page_codes.PageCode | None, Any]]:
    """The QR codes on page `page` (1-based) rendered at 150 dpi, parsed, with their positions."""
    image = page_image(pdf, page, DPI)
    return [(page_codes.parse(found.text), found.position) for found in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("packet_id", APPLICANTS)
def test_every_page_of_an_applicants_packet_carries_its_code(build: Build, packet_id: str) -> None:
    pdf = build(packet_id)
    count = len(pages(pdf))
    found = [codes_on(pdf, n) for n in range(1, count + 1)]
    assert all(len(codes) == 1 for codes in found), "one QR code on every page"
    parsed = [codes[0][0] for codes in found]
    assert all(code is not None for code in parsed)
    submissions = {code.submission for code in parsed if code is not None}
    assert len(submissions) == 1, "one submission on every page"
    assert [(c.page, c.pages) for c in parsed if c is not None] == [(n, count) for n in range(1, count + 1)]
    without = build(packet_id, codes=False)
    assert submissions == {hashlib.sha256(without.read_bytes()).hexdigest()[:8].upper()}, (
        "the code is the hash of the same packet without codes"
    )


@pytest.mark.parametrize("packet_id", APPLICANTS)
def test_the_code_sits_in_the_foot_margin_clear_of_type_area_and_page_number(
    build: Build, packet_id: str
) -> None:
    pdf = build(packet_id)
    scale = 72 / DPI
    for n, page in enumerate(pages(pdf), start=1):
        ((_, position),) = codes_on(pdf, n)
        xs = [p.x * scale for p in (position.top_left, position.top_right, position.bottom_left)]
        ys = [p.y * scale for p in (position.top_left, position.top_right, position.bottom_left)]
        box = (min(xs), min(ys), max(xs), max(ys))
        assert box[1] > TYPE_AREA_PT[3], f"page {n}: the code is below the type area"
        assert page.height - box[3] > 4 * MM, f"page {n}: the code keeps 4 mm from the bottom edge"
        number = page_number(page)
        if number is not None:
            assert box[0] > number.x1 or box[2] < number.x0, f"page {n}: the code is clear of the number"
        for word in page.words:
            overlaps = word.x0 < box[2] and word.x1 > box[0] and word.y0 < box[3] and word.y1 > box[1]
            assert not overlaps, f"page {n}: {word.text} under the code"


def test_landscape_and_scan_pages_carry_codes_too(build: Build) -> None:
    enterprise = build("sichuan-2023-110.enterprise")
    turned = [
        n
        for n, page in enumerate(pages(enterprise), start=1)
        if page.width < page.height and "附件5" in page.text
    ]
    assert turned, "the enterprise's annex 5 row is a turned landscape page"
    assert all(codes_on(enterprise, n)[0][0] is not None for n in turned)
    provider = build("sichuan-2023-110.provider")
    licence = bookmarks(provider)[1]
    ((code, _),) = codes_on(provider, licence.page)
    assert code is not None and code.page == licence.page, "a scanned licence carries its page's code"


@pytest.mark.parametrize("packet_id", APPLICANTS)
def test_the_pages_text_does_not_hold_the_code(build: Build, packet_id: str) -> None:
    with_codes, without = build(packet_id), build(packet_id, codes=False)
    assert [p.text for p in pages(with_codes)] == [p.text for p in pages(without)]
    assert not any("FG" in p.text for p in pages(with_codes))


def test_codes_are_left_out_on_request_and_off_for_a_bureaus_packet(build: Build) -> None:
    assert codes_on(build("sichuan-2023-110.provider", codes=False), 1) == []
    assert codes_on(build("chongqing-2023-1.district"), 2) == []


def test_the_packet_command_leaves_codes_out_with_no_codes(tmp_path: Path) -> None:
    packet_id = "sichuan-2023-110.provider"
    with as_file(api.registry().packet(packet_id).example) as example:
        result = CliRunner().invoke(
            app, ["packet", packet_id, str(example), "--out", str(tmp_path), "--no-codes"]
        )
    assert result.exit_code == 0, result.output
    assert codes_on(tmp_path / f"{packet_id}.pdf", 1) == []


def test_a_code_parses_back_and_refuses_what_is_not_one() -> None:
    code = page_codes.PageCode("1A2B3C4D", 5, 12)
    assert code.text == "FG:1A2B3C4D:5/12" and code.label == "FG 1A2B-3C4D  5/12"
    assert page_codes.parse(code.text) == code
    for text in ("FG:1A2B3C4D:13/12", "FG:1A2B3C4:5/12", "https://example.org", "FG:1A2B3C4D:0/12"):
        assert page_codes.parse(text) is None
