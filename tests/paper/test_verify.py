"""`formgen verify` on simulated scans of the example packets (provider, enterprise, platform,
and pages of the city bureau's, which has no page codes and two sideways tables).

Every clean page of four scanning rounds (104 pages: colour and grey, 150 to 300 dpi, turned
up to ±3°, speckled, blurred, JPEG at quality 60, a shadowed binding edge, seals and a
signature over the text, pages upside down, torn codes) must be matched with no false alarm;
each kind of tampering must be found, and nothing else (down to one digit in 附件5's small
print and one Chinese character of a name).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.resources import as_file
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from formgen import api
from formgen.cli import app
from formgen.paper import check
from formgen.pdf import convert
from tests.paper import scanning
from tests.paper.scanning import Scanner
from tests.pdf_reading import pages

pytestmark = pytest.mark.pdf

PROVIDER = "sichuan-2023-110.provider"
PACKETS = [PROVIDER, "sichuan-2023-110.enterprise", "chongqing-2023-1.platform"]
CITY = "sichuan-2023-110.city"
CITY_PAGES = (1, 2, 3, 4)
"""The pages of the city bureau's packet scanned in the rounds: its contents, its two sideways
tables (附件2 and 附件5, landscape pages bound turned) and the first page of a 附件3 report,
with its seal place. A bureau's packet has no page codes, so each page is placed by its text,
a sideways one read turned back either way. Its other 24 pages are 附件3 reports of the kind
the provider's packet proves; scanning them too would cost some five minutes a round."""
CITY_ROUNDS = [
    "colour-150dpi-turned-speckled-jpeg-shadow-sealed-one-upside-down",
    "grey-150dpi-turned-3-jpeg-shadow-torn-code",
]
"""The rounds the city's pages are scanned in (each costs about a minute and a half: a page
without a code is read once more each way it is tried): the first turns a sideways table
upside down on a colour, sealed, JPEG-60 scan at 150 dpi; the second turns the pages 3° on a
grey JPEG-60 scan at 150 dpi, the hardest round for 附件5's small print. The other two scan at
200 and 300 dpi, where that print is plainer, and add nothing a page without a code can show."""


@dataclass(frozen=True)
class Round:
    """One way of scanning a whole packet."""

    dpi: int
    scanner: Scanner
    sealed: bool = False
    signed: bool = False
    upside_down: tuple[int, ...] = ()
    torn_codes: tuple[int, ...] = ()
    files: str = "png"
    """How the scan is handed in: "pdf" (one scanned PDF), "png", "jpg" (one file a page), "tiff"."""
    unsealed: tuple[int, ...] = field(default=())


ROUNDS = {
    "colour-150dpi-turned-speckled-jpeg-shadow-sealed-one-upside-down": Round(
        150,
        Scanner(angle=1.5, noise=6, blur=0.5, jpeg=60, shadow=True),
        sealed=True,
        upside_down=(2,),
        files="pdf",
    ),
    "grey-150dpi-turned-3-jpeg-shadow-torn-code": Round(
        150, Scanner(angle=-3, grey=True, jpeg=60, shadow=True), torn_codes=(3,), files="png"
    ),
    "colour-300dpi-turned-3-sealed-signed-jpeg": Round(
        300, Scanner(angle=3, jpeg=60), sealed=True, signed=True, files="tiff"
    ),
    "grey-200dpi-speckled-upside-down-with-torn-code": Round(
        200, Scanner(angle=-1, grey=True, noise=5, jpeg=75), upside_down=(1,), torn_codes=(1,), files="jpg"
    ),
}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Path]]:
    """Make a packet from its example, with changes to its data, once per set of changes."""
    cache: dict[str, Path] = {}
    with convert.service():

        def make(
            packet_id: str, change: Callable[[dict[str, Any]], None] | None = None, name: str = ""
        ) -> Path:
            key = f"{packet_id}:{name}"
            if key not in cache:
                with as_file(api.registry().packet(packet_id).example) as example:
                    data = yaml.safe_load(example.read_text(encoding="utf-8"))
                    if change is not None:
                        change(data)
                    cache[key] = api.packet(
                        packet_id, data, tmp_path_factory.mktemp("packet"), base_dir=example.parent
                    )
            return cache[key]

        yield make


_rendered: dict[tuple[Path, int], list[Image.Image]] = {}


def rendered(pdf: Path, dpi: int) -> list[Image.Image]:
    if (pdf, dpi) not in _rendered:
        _rendered[(pdf, dpi)] = scanning.render(pdf, dpi)
    return _rendered[(pdf, dpi)]


_scanned: dict[tuple[Path, Round, tuple[int, ...]], list[Image.Image]] = {}


def scan_packet(pdf: Path, way: Round, only: tuple[int, ...] = ()) -> list[Image.Image]:
    """The packet `pdf` (its pages `only`, when given) printed, stamped, signed and scanned as
    `way` says: simulated once per packet and way (the tampering tests each start from the
    same genuine scan), a fresh list each time so a test may replace or drop its pages."""
    if (pdf, way, only) not in _scanned:
        _scanned[(pdf, way, only)] = _scan_packet(pdf, way, only)
    return list(_scanned[(pdf, way, only)])


def _scan_packet(pdf: Path, way: Round, only: tuple[int, ...]) -> list[Image.Image]:
    scans = []
    for n, (image, page) in enumerate(zip(rendered(pdf, way.dpi), pages(pdf), strict=True), start=1):
        if only and n not in only:
            continue
        places = scanning.seal_places(page)
        if way.sealed and n not in way.unsealed:
            image = scanning.stamp(image, places, way.dpi)
        if way.signed and places:
            x, y = places[0]
            image = scanning.sign(image, x - 40 * scanning.MM, y, way.dpi)
        if n in way.torn_codes:
            image = scanning.damage_code(image)
        scanner = way.scanner
        if n in way.upside_down:
            scanner = Scanner(**{**scanner.__dict__, "upside_down": True})
        scans.append(scanner.scan(image, seed=n))
    return scans


def hand_in(images: list[Image.Image], folder: Path, way: Round) -> list[Path]:
    """The scanned pages as the files a bureau receives."""
    folder.mkdir(parents=True, exist_ok=True)
    if way.files == "pdf":
        return [scanning.save_pdf(images, folder / "扫描件.pdf", way.dpi)]
    if way.files == "tiff":
        first, *rest = images
        target = folder / "scan.tiff"
        first.save(
            target,
            "TIFF",
            save_all=True,
            append_images=rest,
            compression="tiff_deflate",
            dpi=(way.dpi, way.dpi),
        )
        return [target]
    paths = []
    for n, image in enumerate(images, start=1):
        path = folder / f"page-{n:02d}.{way.files}"
        image.save(
            path, "JPEG" if way.files == "jpg" else "PNG", **({"quality": 95} if way.files == "jpg" else {})
        )
        paths.append(path)
    return paths


def findings(report: check.Report) -> dict[str, list[str]]:
    """Each scanned page's findings by its name, and each missing page's by "page N"."""
    return {page.scan or f"page {page.page}": page.findings for page in report.pages}


@pytest.mark.parametrize("packet_id", PACKETS)
@pytest.mark.parametrize("name", list(ROUNDS))
def test_every_clean_page_is_matched_with_no_false_alarm(
    made: Callable[..., Path], tmp_path: Path, packet_id: str, name: str
) -> None:
    way = ROUNDS[name]
    pdf = made(packet_id)
    count = len(pages(pdf))
    report = api.verify(pdf, hand_in(scan_packet(pdf, way), tmp_path, way))
    assert {k: v for k, v in findings(report).items() if v != ["matched"]} == {}
    assert len(report.pages) == count and report.agrees
    assert [page.page for page in report.pages] == list(range(1, count + 1))
    torn = [page for page in report.pages if page.page in way.torn_codes]
    assert all(page.placed_by == "text" for page in torn), "a page whose code is torn is placed by its text"
    placed = [page.placed_by for page in report.pages if page.page not in way.torn_codes]
    assert placed == ["code"] * len(placed)
    _sealed(report, way)


def _sealed(report: check.Report, way: Round) -> None:
    """Every seal place of the scanned pages has its seal found (not judged on a grey scan)."""
    for page in report.pages:
        for label, found in page.seals:
            assert found is (True if way.sealed else None), f"page {page.page} {label}"


@pytest.mark.parametrize("name", CITY_ROUNDS)
def test_a_bureau_packets_sideways_tables_are_matched_with_no_false_alarm(
    made: Callable[..., Path], tmp_path: Path, name: str
) -> None:
    """The city bureau's packet, printed without page codes: each page, its sideways tables
    too (one upside down in the first round), is placed by its text and matched."""
    way = Round(**{**ROUNDS[name].__dict__, "torn_codes": ()})  # no code to tear
    pdf = made(CITY)
    assert [page.sideways for page in pages(pdf)[: len(CITY_PAGES)]] == [False, True, True, False]
    report = api.verify(pdf, hand_in(scan_packet(pdf, way, CITY_PAGES), tmp_path, way))
    missing = {f"page {n}": ["missing"] for n in range(len(CITY_PAGES) + 1, len(pages(pdf)) + 1)}
    assert {k: v for k, v in findings(report).items() if v != ["matched"]} == missing
    scanned = [page for page in report.pages if page.scan is not None]
    assert [(page.page, page.placed_by) for page in scanned] == [(n, "text") for n in CITY_PAGES]
    _sealed(report, way)


def test_the_rounds_hold_over_a_hundred_pages(made: Callable[..., Path]) -> None:
    total = sum(len(pages(made(packet_id))) for packet_id in PACKETS) * len(ROUNDS)
    assert total >= 100


def _changed(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = data
        for key in parents:
            target = target[key]
        target[last] = value

    return change


BASE = ROUNDS["colour-150dpi-turned-speckled-jpeg-shadow-sealed-one-upside-down"]


def _forged_page(
    made: Callable[..., Path],
    genuine: Path,
    name: str,
    path: str,
    value: Any,
    page: int,
    packet_id: str = PROVIDER,
) -> Image.Image:
    """Page `page` of the packet with one value changed, carrying the genuine page's code."""
    other = made(packet_id, _changed(path, value), name)
    image = scanning.paste_code(
        rendered(other, BASE.dpi)[page - 1], rendered(genuine, BASE.dpi)[page - 1], BASE.dpi
    )
    places = scanning.seal_places(pages(other)[page - 1])
    return BASE.scanner.scan(scanning.stamp(image, places, BASE.dpi), seed=page)


def test_a_changed_amount_is_found_and_boxed(made: Callable[..., Path], tmp_path: Path) -> None:
    genuine = made(PROVIDER)
    scans = scan_packet(genuine, BASE)
    scans[2] = _forged_page(made, genuine, "amount", "report.profile.revenue.y2022", 15842.8, 3)
    report = api.verify(genuine, hand_in(scans, tmp_path / "in", BASE), tmp_path / "out")
    assert {k: v for k, v in findings(report).items() if v != ["matched"]} == {
        "扫描件.pdf#3": ["content-differs"]
    }
    (page,) = [p for p in report.pages if p.page == 3]
    assert [(d.submitted, d.scanned) for d in page.differences] == [("3", "8")], "15,342.80 read as 15,842.80"
    _boxed(tmp_path / "out", 3)
    assert "内容不一致" in (tmp_path / "out" / "verify-report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "scanner",
    [Scanner(angle=1.0, jpeg=70), Scanner(angle=1.5, jpeg=70), Scanner(angle=1.0, jpeg=60)],
    ids=["turned-1-jpeg-70", "turned-1.5-jpeg-70", "turned-1-jpeg-60"],
)
def test_a_changed_amount_is_found_on_a_plain_office_scan(
    made: Callable[..., Path], tmp_path: Path, scanner: Scanner
) -> None:
    """A clean scanner's page, slightly turned, with no speckle or blur to thicken the print:
    one changed digit moves little ink, and it must still be borne out."""
    genuine = made(PROVIDER)
    other = made(PROVIDER, _changed("report.profile.revenue.y2022", 15842.8), "amount")
    image = scanning.paste_code(rendered(other, BASE.dpi)[2], rendered(genuine, BASE.dpi)[2], BASE.dpi)
    stamped = scanning.stamp(image, scanning.seal_places(pages(other)[2]), BASE.dpi)
    scan = scanning.save_pdf([scanner.scan(stamped, seed=3)], tmp_path / "第3页.pdf", BASE.dpi)
    (page,) = [p for p in check.verify_pages(genuine, [scan]).pages if p.scan]
    assert (page.page, page.findings) == (3, ["content-differs"])
    assert [(d.submitted, d.scanned) for d in page.differences] == [("3", "8")], "15,342.80 read as 15,842.80"


def _boxed(out: Path, page: int) -> None:
    """The first difference on page `page` of the written report is boxed in red on its marked page."""
    written = json.loads((out / "verify-report.json").read_text(encoding="utf-8"))
    (entry,) = [p for p in written["pages"] if p["page"] == page]
    marked = Image.open(out / entry["marked"]).convert("RGB")
    x0, y0, _x1, y1 = entry["differences"][0]["box"]
    assert marked.getpixel((x0 - 4, (y0 + y1) // 2)) == (220, 0, 0), "the difference is boxed in red"


def test_a_changed_digit_in_small_print_is_found_and_boxed(made: Callable[..., Path], tmp_path: Path) -> None:
    """附件5's table, bound turned, prints its amounts small: one digit changed is found."""
    enterprise = "sichuan-2023-110.enterprise"
    genuine = made(enterprise)
    scans = scan_packet(genuine, BASE)
    scans[3] = _forged_page(made, genuine, "amount", "application.revenue_2022", 58820.4, 4, enterprise)
    report = api.verify(genuine, hand_in(scans, tmp_path / "in", BASE), tmp_path / "out")
    assert {k: v for k, v in findings(report).items() if v != ["matched"]} == {
        "扫描件.pdf#4": ["content-differs"]
    }
    (page,) = [p for p in report.pages if p.page == 4]
    assert [(d.submitted, d.scanned) for d in page.differences] == [("6", "8")], "58,620.40 read as 58,820.40"
    _boxed(tmp_path / "out", 4)


def _city_without(value: float) -> Callable[[dict[str, Any]], None]:
    """四川蜀源建材股份有限公司's 2022 revenue in the city's packet (42,310.00 in 附件5) as `value`."""

    def change(data: dict[str, Any]) -> None:
        (enterprise,) = [e for e in data["enterprises"] if e["unit_name"] == "四川蜀源建材股份有限公司"]
        enterprise["revenue_2022"] = value

    return change


@pytest.mark.parametrize(
    "scanner",
    [
        BASE.scanner,
        Scanner(**{**BASE.scanner.__dict__, "upside_down": True}),
        ROUNDS["grey-150dpi-turned-3-jpeg-shadow-torn-code"].scanner,
    ],
    ids=["turned-jpeg-60", "upside-down", "grey-turned-3-jpeg-60"],
)
def test_a_changed_amount_on_a_sideways_page_is_found_and_boxed(
    made: Callable[..., Path], tmp_path: Path, scanner: Scanner
) -> None:
    """附件5 in the city bureau's packet is a landscape table bound turned, with no page code:
    42,310.00 printed as 42,810.00 is found on it, and boxed on the page turned back."""
    genuine = made(CITY)
    other = made(CITY, _city_without(42810), "amount")
    scan = scanner.scan(rendered(other, BASE.dpi)[2], seed=3)
    report = api.verify(genuine, hand_in([scan], tmp_path / "in", BASE), tmp_path / "out")
    (page,) = [p for p in report.pages if p.scan]
    assert (page.page, page.placed_by, page.findings) == (3, "text", ["content-differs"])
    assert [(d.submitted, d.scanned) for d in page.differences] == [("3", "8")], "42,310.00 read as 42,810.00"
    _boxed(tmp_path / "out", 3)


@pytest.mark.parametrize(
    ("path", "value", "changed"),
    [
        ("report.profile.contact.name", "王晓雲", ("雯", "雲")),
        ("report.profile.unit_name", "成都蜀安智造科术服务有限公司", ("技", "科")),
    ],
)
def test_one_changed_chinese_character_is_found(
    made: Callable[..., Path], tmp_path: Path, path: str, value: str, changed: tuple[str, str]
) -> None:
    genuine = made(PROVIDER)
    scans = scan_packet(genuine, BASE)
    scans[2] = _forged_page(made, genuine, f"one-character-{path}", path, value, 3)
    report = api.verify(genuine, hand_in(scans, tmp_path / "in", BASE), tmp_path / "out")
    assert {k: v for k, v in findings(report).items() if v != ["matched"]} == {
        "扫描件.pdf#3": ["content-differs"]
    }
    (page,) = [p for p in report.pages if p.page == 3]
    assert [(d.submitted, d.scanned) for d in page.differences] == [changed]
    _boxed(tmp_path / "out", 3)


def test_a_changed_name_is_found(made: Callable[..., Path], tmp_path: Path) -> None:
    genuine = made(PROVIDER)
    scans = scan_packet(genuine, BASE)
    scans[2] = _forged_page(made, genuine, "name", "report.profile.contact.name", "李红梅", 3)
    report = api.verify(genuine, hand_in(scans, tmp_path, BASE))
    assert {k: v for k, v in findings(report).items() if v != ["matched"]} == {
        "扫描件.pdf#3": ["content-differs"]
    }
    (page,) = [p for p in report.pages if p.page == 3]
    assert [(d.submitted, d.scanned) for d in page.differences] == [("王晓雯", "李红梅")]


def test_a_page_of_another_submission_is_named_by_its_code(made: Callable[..., Path], tmp_path: Path) -> None:
    genuine = made(PROVIDER)
    other = made(PROVIDER, _changed("report.profile.revenue.y2022", 15842.8), "amount")
    scans = scan_packet(genuine, BASE)
    scans[1] = BASE.scanner.scan(rendered(other, BASE.dpi)[1], seed=2)
    report = api.verify(genuine, hand_in(scans, tmp_path, BASE))
    assert {k: v for k, v in findings(report).items() if v != ["matched"]} == {
        "扫描件.pdf#2": ["other-submission"]
    }
    (page,) = [p for p in report.pages if p.scan == "扫描件.pdf#2"]
    assert page.code is not None and page.code.split(":")[1] != report.submission


def test_a_missing_page_is_found(made: Callable[..., Path], tmp_path: Path) -> None:
    genuine = made(PROVIDER)
    scans = scan_packet(genuine, BASE)
    del scans[5]
    report = api.verify(genuine, hand_in(scans, tmp_path, BASE))
    assert {k: v for k, v in findings(report).items() if v != ["matched"]} == {"page 6": ["missing"]}


def test_two_pages_in_the_wrong_order_are_found(made: Callable[..., Path], tmp_path: Path) -> None:
    genuine = made(PROVIDER)
    scans = scan_packet(genuine, BASE)
    scans[3], scans[4] = scans[4], scans[3]
    report = api.verify(genuine, hand_in(scans, tmp_path, BASE))
    wrong = {k: v for k, v in findings(report).items() if v != ["matched"]}
    assert list(wrong.values()) == [["out-of-order"]] and set(wrong) <= {"扫描件.pdf#4", "扫描件.pdf#5"}


def test_a_missing_seal_is_found(made: Callable[..., Path], tmp_path: Path) -> None:
    genuine = made(PROVIDER)
    way = Round(**{**BASE.__dict__, "unsealed": (1,)})
    report = api.verify(genuine, hand_in(scan_packet(genuine, way), tmp_path / "in", way), tmp_path / "out")
    assert {k: v for k, v in findings(report).items() if v != ["matched"]} == {
        "扫描件.pdf#1": ["seal-missing"]
    }
    (page,) = [p for p in report.pages if p.page == 1]
    assert page.seals == [("申报单位（公章）：", False)]


def test_the_command_exits_0_when_the_paper_agrees_1_when_not_2_when_unreadable(
    made: Callable[..., Path], tmp_path: Path
) -> None:
    pdf = made("sichuan-2023-110.enterprise")
    files = hand_in(scan_packet(pdf, BASE), tmp_path / "in", BASE)
    runner = CliRunner()
    agrees = runner.invoke(app, ["verify", str(pdf), *map(str, files), "--out", str(tmp_path / "out")])
    assert agrees.exit_code == 0, agrees.output
    assert "一致" in agrees.output
    assert json.loads((tmp_path / "out" / "verify-report.json").read_text(encoding="utf-8"))["agrees"] is True
    short = runner.invoke(app, ["verify", str(made(PROVIDER)), *map(str, files)])
    assert short.exit_code == 1, short.output
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"%PDF-1.7\nnot really a pdf")
    unreadable = runner.invoke(app, ["verify", str(pdf), str(fake)])
    assert unreadable.exit_code == 2, unreadable.output
    assert "fake.pdf" in unreadable.output
    named = tmp_path / "scan.png"
    named.write_bytes(b"%PDF-1.7\n")
    refused = runner.invoke(app, ["verify", str(pdf), str(named)])
    assert refused.exit_code == 2 and "扩展名" in refused.output, refused.output
    missing = runner.invoke(app, ["verify", str(pdf), str(tmp_path / "nothing.png")])
    assert missing.exit_code == 2, missing.output


def _forged_scan(
    made: Callable[..., Path], genuine: Path, way: Round, name: str, path: str, value: Any, page: int
) -> Image.Image:
    """Page `page` of the provider's packet with one value changed, carrying the genuine
    page's code, printed, stamped and scanned as `way` scans the genuine packet."""
    other = made(PROVIDER, _changed(path, value), name)
    image = scanning.paste_code(
        rendered(other, way.dpi)[page - 1], rendered(genuine, way.dpi)[page - 1], way.dpi
    )
    if way.sealed and page not in way.unsealed:
        image = scanning.stamp(image, scanning.seal_places(pages(other)[page - 1]), way.dpi)
    if page in way.torn_codes:
        image = scanning.damage_code(image)
    return way.scanner.scan(image, seed=page)


@pytest.mark.parametrize(
    ("round_name", "path", "value", "changed"),
    [
        (
            "colour-150dpi-turned-speckled-jpeg-shadow-sealed-one-upside-down",
            "report.profile.unit_name",
            "成都蜀安智造技木服务有限公司",
            ("术", "木"),
        ),
        (
            "grey-150dpi-turned-3-jpeg-shadow-torn-code",
            "report.profile.address",
            "四川省成都市武侯区天府太道北段1700号环球中心E2区18楼",
            ("大", "太"),
        ),
        (
            "colour-300dpi-turned-3-sealed-signed-jpeg",
            "report.profile.address",
            "四川省成都市武侯区天府太道北段1700号环球中心E2区18楼",
            ("大", "太"),
        ),
    ],
    ids=["术-木-colour-150dpi", "大-太-grey-150dpi-turned-3", "大-太-colour-300dpi"],
)
def test_a_one_stroke_change_of_a_typed_value_is_found(
    made: Callable[..., Path],
    tmp_path: Path,
    round_name: str,
    path: str,
    value: str,
    changed: tuple[str, str],
) -> None:
    """A dot taken from 术 (技术 printed as 技木 in the unit's name) or added to 大 (天府大道
    as 天府太道 in its address): the scan is held against both characters drawn, and is the
    forged one."""
    way = ROUNDS[round_name]
    genuine = made(PROVIDER)
    scans = scan_packet(genuine, way)
    scans[2] = _forged_scan(made, genuine, way, f"one-stroke-{path}", path, value, 3)
    report = api.verify(genuine, hand_in(scans, tmp_path / "in", way), tmp_path / "out")
    assert {k: v for k, v in findings(report).items() if v != ["matched"]} == {
        hand_in_name(way, 3): ["content-differs"]
    }
    (page,) = [p for p in report.pages if p.page == 3]
    assert [(d.submitted, d.scanned) for d in page.differences] == [changed]
    _boxed(tmp_path / "out", 3)


def hand_in_name(way: Round, page: int) -> str:
    """The name the report gives scanned page `page` handed in as `way` says."""
    if way.files == "pdf":
        return f"扫描件.pdf#{page}"
    if way.files == "tiff":
        return f"scan.tiff#{page}"
    return f"page-{page:02d}.{way.files}#1"


def test_a_page_with_part_of_its_text_blanked_out_is_never_matched(
    made: Callable[..., Path], tmp_path: Path
) -> None:
    """Only what OCR reads is compared: a band of the 基本情况表 pasted over with white paper
    leaves nothing to disagree with, and must still not pass as matched."""
    genuine = made(PROVIDER)
    scans = scan_packet(genuine, BASE)
    page = scans[2].copy()
    width, height = page.size
    ImageDraw.Draw(page).rectangle((0, height * 0.2, width, height * 0.75), fill="white")
    scans[2] = page
    report = api.verify(genuine, hand_in(scans, tmp_path, BASE))
    assert {k: v for k, v in findings(report).items() if v != ["matched"]} == {
        "扫描件.pdf#3": ["text-unread"]
    }
    (blanked,) = [p for p in report.pages if p.page == 3]
    assert blanked.placed_by == "code" and blanked.covered < check.COVERED_NEEDED
