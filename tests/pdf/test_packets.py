"""Packet print files, read as a bureau's printer and reader see them.

Every registered packet's example is made through one warm conversion service shared by the
module: pages and their parity, blank pages, page numbers and their side, bookmarks and their
targets, attachments on A4, copies, the contents page, metadata, PDF/A and reproducibility.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Callable, Iterator
from importlib.resources import as_file
from pathlib import Path
from typing import Any, cast

import pytest
import yaml
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, StreamObject
from typer.testing import CliRunner

from formgen import api
from formgen.cli import app
from formgen.model.registry import Packet
from formgen.pdf import convert, packet_pdf, type1
from tests.pdf_reading import Mark, Page, bookmarks, page_number, pages

pytestmark = pytest.mark.pdf

PACKETS = [p.id for p in api.registry().packets()]
PROVIDER = "sichuan-2023-110.provider"
MM = 72 / 25.4

Build = Callable[..., Path]


@pytest.fixture(scope="module")
def service() -> Iterator[convert.Converter | convert.ColdConverter]:
    with convert.service() as converter:
        yield converter


@pytest.fixture(scope="module")
def build(
    service: convert.Converter | convert.ColdConverter, tmp_path_factory: pytest.TempPathFactory
) -> Build:
    """Make a packet from its shipped example (once per set of options) and return its path."""
    made: dict[tuple[Any, ...], Path] = {}

    def make(packet_id: str, *, fresh: bool = False, **options: Any) -> Path:
        key = (packet_id, *sorted(options.items()))
        if fresh or key not in made:
            out = tmp_path_factory.mktemp("packet")
            with as_file(api.registry().packet(packet_id).example) as example:
                made[key] = api.packet(packet_id, example, out, **options)
        return made[key]

    return make


def _expected_marks(packet: Packet) -> int:
    """Top-level bookmarks: the contents page, each document, each attachment."""
    instance = api.check(packet.id, api.example_data(packet.id)).instance
    assert instance is not None
    blank_forms = sum(part.derive is None for part in packet.parts)  # a notice's annexes as issued
    documents = len(api.packet_documents(packet.id, instance)) + blank_forms
    attachments = len(packet.attachments_of(instance)) if packet.attachments_of else 0
    return int(packet.contents) + documents + attachments


def _blank(page: Page) -> bool:
    return not page.words


def _check_numbers(found: list[Page], cover_pages: set[int] | None = None) -> None:
    """Each printed page of a copy shows its place, 4号, one character in from the outer edge."""
    for index, page in enumerate(found):
        place = index + 1
        shown = page_number(page)
        if _blank(page):
            assert shown is None
            continue
        if shown is None:
            assert cover_pages is not None and index + 1 in cover_pages, f"page {index + 1} has no number"
            continue
        assert shown.number == place, f"page {index + 1} shows {shown.number}"
        assert 14 <= shown.height <= 22, "4号 (14 pt) type"
        if place % 2:
            assert abs(shown.x1 - (page.width - 26 * MM - 14)) < 3, f"odd page {place}: right side"
        else:
            assert abs(shown.x0 - (28 * MM + 14)) < 3, f"even page {place}: left side"


def _unnumbered_allowed(marks: list[Mark]) -> set[int]:
    """First pages of documents (covers) and the contents page may carry no number."""
    return {mark.page for mark in marks}


@pytest.mark.parametrize("packet_id", PACKETS)
def test_every_packet_has_its_documents_in_order_numbered_continuously(build: Build, packet_id: str) -> None:
    pdf = build(packet_id)
    found = pages(pdf)
    marks = bookmarks(pdf)
    assert len(marks) == _expected_marks(api.registry().packet(packet_id))
    starts = [mark.page for mark in marks]
    assert starts == sorted(starts) and starts[0] == 1
    assert not any(_blank(page) for page in found), "without --duplex, no blank pages"
    assert all(abs(p.width - 595.3) < 1 and abs(p.height - 841.9) < 1 for p in found), "A4 portrait"
    _check_numbers(found, cover_pages=_unnumbered_allowed(marks))


@pytest.mark.parametrize("packet_id", PACKETS)
def test_duplex_starts_every_document_on_an_odd_page_after_unnumbered_blanks(
    build: Build, packet_id: str
) -> None:
    plain, duplex = build(packet_id), build(packet_id, duplex=True)
    found = pages(duplex)
    marks = bookmarks(duplex)
    assert all(mark.page % 2 == 1 for mark in marks), [(m.title, m.page) for m in marks]
    blanks = [n for n, page in enumerate(found, start=1) if _blank(page)]
    starts = {m.page for m in marks}
    assert all(n % 2 == 0 and (n + 1 in starts or n == len(found)) for n in blanks), (
        "blanks only before a document, and one to end the last sheet"
    )
    assert len(found) % 2 == 0, "the file ends on a whole sheet"
    assert len(found) == len(PdfReader(plain).pages) + len(blanks)
    _check_numbers(found, cover_pages=_unnumbered_allowed(marks))


def test_bookmarks_name_documents_and_attachments_with_headings_below(build: Build) -> None:
    pdf = build(PROVIDER)
    marks = bookmarks(pdf)
    report, licence, certificate = marks
    assert report.title == "附件3 四川省技术改造综合服务商申请报告" and report.page == 1
    headings = [child.title for child in report.children]
    assert headings[:2] == ["一、基本情况表", "二、申请报告正文（请提供详细文字材料）"]
    found = pages(pdf)
    table = next(child for child in report.children if child.title == "一、基本情况表")
    assert "基本情况表" in found[table.page - 1].text
    assert any(
        grand.title == "（一）申报单位情况介绍" for child in report.children for grand in child.children
    )
    assert (licence.title, certificate.title) == ("营业执照（副本）", "安全评价机构资质证书")
    assert certificate.page == licence.page + 1 == len(found)


def test_attachments_are_placed_on_a4_scans_never_enlarged(build: Build) -> None:
    pdf = build(PROVIDER)
    licence, certificate = bookmarks(pdf)[1:]
    found = pages(pdf)
    assert "安全评价机构资质证书" in found[certificate.page - 1].text
    listing = subprocess.run(
        ["pdfimages", "-list", "-f", str(licence.page), "-l", str(licence.page), str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    kinds = [row.split()[2] for row in listing]
    assert kinds == ["image", "stencil"], "the scan is the page's one image; its page code's label a stencil"
    x_ppi, y_ppi = (float(v) for v in listing[0].split()[12:14])
    assert x_ppi >= 149 and y_ppi >= 149, "drawn at its own 150 dpi or smaller, never enlarged"
    fonts = subprocess.run(
        ["pdffonts", "-f", str(licence.page), "-l", str(licence.page), str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    assert [row.split()[0].split("+")[1].startswith("NotoSerifCJK") for row in fonts] == [True], (
        "the scan's page number is 宋体 as mapped by formgen's fontconfig, embedded"
    )
    reader = PdfReader(pdf)
    for n in (licence.page, certificate.page):
        box = reader.pages[n - 1].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_two_copies_each_start_on_an_odd_page_and_number_from_one(build: Build) -> None:
    single = len(PdfReader(build(PROVIDER)).pages)
    pdf = build(PROVIDER, copies=2)
    found = pages(pdf)
    per_copy = single + single % 2
    assert len(found) == 2 * per_copy
    first, second = bookmarks(pdf)
    assert (first.title, first.page, second.title, second.page) == ("第1份", 1, "第2份", per_copy + 1)
    assert [m.title for m in first.children] == [m.title for m in second.children]
    for copy in (found[:per_copy], found[per_copy:]):
        _check_numbers(copy, cover_pages={1})


def test_the_contents_page_gives_where_each_submitter_really_starts(build: Build) -> None:
    bureaus = [p for p in api.registry().packets() if p.contents]
    assert bureaus, "a bureau packet opens with contents"
    for packet in bureaus:
        for options in ({}, {"duplex": True}):
            pdf = build(packet.id, **options)
            found = pages(pdf)
            marks = bookmarks(pdf)
            assert marks[0].title == "目录" and marks[0].page == 1
            assert page_number(found[0]) is None
            contents = found[0]
            printed = [
                w.text
                for w in sorted(contents.words, key=lambda w: w.y0)
                if w.x0 > contents.width * 0.7 and re.fullmatch(r"\d+(—\d+)?", w.text)
            ]
            expected = []
            documents = marks[1:]
            for n, mark in enumerate(documents):
                end = documents[n + 1].page - 1 if n + 1 < len(documents) else len(found)
                while _blank(found[end - 1]):
                    end -= 1
                expected.append(str(mark.page) if end == mark.page else f"{mark.page}—{end}")
                labels = mark.title.split("（")[-1].rstrip("）")
                assert labels.replace(" ", "") in contents.text.replace(" ", ""), f"{labels} is listed"
            assert printed == expected


def test_metadata_names_the_packet_the_submitter_and_the_notice(build: Build) -> None:
    for packet in api.registry().packets():
        reader = PdfReader(build(packet.id))
        info = reader.metadata
        assert info is not None
        instance = api.check(packet.id, api.example_data(packet.id)).instance
        assert info.title == packet.title
        assert info.author == packet.name_of(instance)
        assert info.subject == api.registry().notice_of(packet.id).doc_number
        assert str(reader.root_object["/Lang"]) == "zh-CN"
        assert str(info["/CreationDate"]) == "D:20000101000000Z"


def test_the_same_data_gives_the_same_bytes(build: Build) -> None:
    first = build(PROVIDER)
    again = build(PROVIDER, fresh=True)
    assert first != again and first.read_bytes() == again.read_bytes()


def test_no_embedded_font_program_keeps_libreoffices_counter(build: Build) -> None:
    """LibreOffice numbers each Type 1 subset it embeds from a counter of its process; a packet
    keeps none of those numbers, in the clear or the encrypted part of a font program."""
    reader = PdfReader(build(PROVIDER))
    programs = 0
    for number in range(1, int(cast(int, reader.trailer["/Size"]))):
        obj = reader.get_object(number)
        if not isinstance(obj, StreamObject) or "/Length2" not in obj:
            continue
        programs += 1
        data, clear = obj.get_data(), int(cast(int, obj["/Length1"]))
        secret = type1.eexec_decrypt(data[clear : clear + int(cast(int, obj["/Length2"]))])
        assert b"/UniqueID" not in data[:clear] and b"/UniqueID" not in secret
        assert b"/CharStrings" in secret, "the encrypted part still decrypts to a font program"
    assert programs >= 2


def test_pdfa_identifies_itself_embeds_fonts_and_is_reproducible(build: Build) -> None:
    pdf = build(PROVIDER, pdfa=True)
    reader = PdfReader(pdf)
    root = reader.root_object
    xmp_stream = root["/Metadata"].get_object()
    assert isinstance(xmp_stream, StreamObject)
    xmp = xmp_stream.get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert "成都蜀安智造技术服务有限公司" in xmp and "川经信办函〔2023〕110号" in xmp
    intents = root["/OutputIntents"]
    assert isinstance(intents, ArrayObject) and len(intents) == 1
    intent = intents[0].get_object()
    assert isinstance(intent, DictionaryObject)
    assert str(intent["/S"]) == "/GTS_PDFA1" and "/DestOutputProfile" in intent
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), "every font embedded"
    assert [m.title for m in bookmarks(pdf)] == [m.title for m in bookmarks(build(PROVIDER))]
    assert build(PROVIDER, pdfa=True, fresh=True).read_bytes() == pdf.read_bytes()


def test_a_worker_killed_mid_packet_is_restarted_and_the_packet_completes(
    service: convert.Converter | convert.ColdConverter, build: Build
) -> None:
    if not isinstance(service, convert.Converter):
        pytest.skip("python3-uno is missing: no warm workers")
    killed: list[int] = []

    def kill_once(worker: convert.Worker, source: Path) -> None:
        # Killed as a job starts, so that this very job finds its LibreOffice gone: a kill on a
        # timer could land after a quick job and before the worker's last, and go unnoticed.
        pid = worker.office_pid
        if not killed and pid is not None:
            killed.append(pid)
            os.kill(pid, signal.SIGKILL)

    starts = sum(w.starts for w in service.workers)
    service.on_job_start = kill_once
    try:
        pdf = build("sichuan-2023-110.city", fresh=True)
    finally:
        service.on_job_start = None
    assert killed, "a worker was killed"
    assert sum(w.starts for w in service.workers) > starts, "and started again"
    assert pdf.read_bytes() == build("sichuan-2023-110.city").read_bytes()


def test_the_packet_command_writes_the_print_file(
    service: convert.Converter | convert.ColdConverter, tmp_path: Path
) -> None:
    with as_file(api.registry().packet(PROVIDER).example) as example:
        result = CliRunner().invoke(
            app, ["packet", PROVIDER, str(example), "--out", str(tmp_path), "--duplex", "--copies", "2"]
        )
    assert result.exit_code == 0, result.output
    pdf = tmp_path / f"{PROVIDER}.pdf"
    assert str(pdf) in result.output
    marks = bookmarks(pdf)
    assert [m.title for m in marks] == ["第1份", "第2份"]
    assert all(child.page % 2 for mark in marks for child in mark.children)


def test_a_missing_attachment_is_invalid_data_and_nothing_is_written(tmp_path: Path) -> None:
    data = yaml.safe_load(api.example_text(PROVIDER))
    data["attachments"] = [{"title": "营业执照", "file": "no-such-scan.png"}]
    source = tmp_path / "provider.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(app, ["packet", PROVIDER, str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "no-such-scan.png" in result.output
    assert not (tmp_path / "out").exists()


def test_an_attachment_must_be_a_pdf_or_a_scan() -> None:
    data = yaml.safe_load(api.example_text(PROVIDER))
    data["attachments"] = [{"title": "说明", "file": "notes.docx"}]
    checked = api.check(PROVIDER, data)
    assert not checked.ok
    assert any(p.path == "attachments[0].file" for p in checked.problems)


# -- assembly alone, without LibreOffice ----------------------------------------------------


def _blank_pdf(path: Path, count: int, size: tuple[float, float] = (595.28, 841.89)) -> Path:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(*size)
    writer.write(path)
    return path


@pytest.mark.parametrize(
    ("counts", "duplex", "copies", "starts", "total"),
    [
        ((3, 1, 2), False, 1, [1, 4, 5], 6),
        ((3, 1, 2), True, 1, [1, 5, 7], 8),
        ((3, 1, 2), False, 2, [1, 4, 5], 6),
        ((3, 2), False, 2, [1, 4], 6),
        ((2, 2), True, 3, [1, 3], 4),
    ],
)
def test_the_plan_puts_parts_on_odd_pages_when_asked(
    counts: tuple[int, ...], duplex: bool, copies: int, starts: list[int], total: int
) -> None:
    parts = [packet_pdf.Part(f"p{n}", Path(f"p{n}.pdf")) for n in range(len(counts))]
    layout = packet_pdf.plan(parts, counts, packet_pdf.Options(copies=copies, duplex=duplex))
    assert layout.starts == starts and len(layout.slots) == total
    assert [s.number for s in layout.slots if s.part is None] == [None] * (total - sum(counts))


def test_scans_keep_their_aspect_and_are_never_enlarged(tmp_path: Path) -> None:
    small = tmp_path / "small.png"
    Image.new("L", (300, 150), 200).save(small, dpi=(150, 150))
    large = tmp_path / "large.jpg"
    Image.new("RGB", (3000, 1500), "white").save(large, dpi=(150, 150))
    pages = tmp_path / "pages.tif"
    frames = [Image.new("L", (600, 900), shade) for shade in (100, 200)]
    frames[0].save(pages, save_all=True, append_images=frames[1:], dpi=(300, 300))
    numbers = _blank_pdf(tmp_path / "numbers.pdf", 9)
    made = packet_pdf.assemble(
        [packet_pdf.Part(p.stem, p) for p in (small, large, pages)],
        tmp_path / "scans.pdf",
        numbers=lambda count: numbers,
        metadata=packet_pdf.Metadata("t", "a", "s"),
    )
    reader = PdfReader(made)
    assert len(reader.pages) == 4, "one page per image, one per TIFF frame"
    assert all(round(float(p.mediabox.width)) == 595 for p in reader.pages)
    listing = subprocess.run(["pdfimages", "-list", str(made)], capture_output=True, text=True, check=True)
    rows = [row.split() for row in listing.stdout.splitlines()[2:]]
    ppi = {(int(row[3]), int(row[4])): (float(row[12]), float(row[13])) for row in rows}
    assert ppi[(300, 150)] == (150.0, 150.0), "a small scan at its own size"
    x_ppi, y_ppi = ppi[(3000, 1500)]
    assert x_ppi > 150 and abs(x_ppi - y_ppi) < 1, "a large scan shrunk to fit, aspect kept"
    assert ppi[(600, 900)] == (300.0, 300.0)


def test_a_landscape_page_is_turned_top_to_the_left(tmp_path: Path) -> None:
    wide = _blank_pdf(tmp_path / "wide.pdf", 1, (841.89, 595.28))
    numbers = _blank_pdf(tmp_path / "numbers.pdf", 1)
    made = packet_pdf.assemble(
        [packet_pdf.Part("wide", wide)],
        tmp_path / "turned.pdf",
        numbers=lambda count: numbers,
        metadata=packet_pdf.Metadata("t", "a", "s"),
    )
    (page,) = PdfReader(made).pages
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
