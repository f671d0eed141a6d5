"""附件3 as a reader sees it: labels in the seed's order, boxes, merges, fonts, pages."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from formgen.pdf import convert
from tests import reading

SEED = "000"


@pytest.fixture(scope="module")
def seed_labels() -> list[str]:
    return reading.fragments(reading.seed_section(SEED, "附件3", "附件4"))


@pytest.fixture(scope="module")
def seed_box_count() -> int:
    return sum(line.count("□") for line in reading.seed_section(SEED, "附件3", "附件4"))


def test_seed_section_is_the_report(seed_labels: list[str], seed_box_count: int) -> None:
    assert seed_labels[:2] == ["附件3", "四川省技术改造综合服务商申请报告"]
    assert "（4）其他证明材料。" in seed_labels
    assert seed_box_count == 43


def test_blank_holds_every_seed_label_in_order(annex3_blank: Path, seed_labels: list[str]) -> None:
    assert reading.missing_in_order(seed_labels, reading.docx_text(annex3_blank)) == []


def test_filled_holds_every_seed_label_in_order(
    annex3_filled: tuple[Path, Path], seed_labels: list[str]
) -> None:
    assert reading.missing_in_order(seed_labels, reading.docx_text(annex3_filled[0])) == []


def test_pdf_holds_every_seed_label_in_order(
    annex3_filled: tuple[Path, Path], seed_labels: list[str]
) -> None:
    assert reading.missing_in_order(seed_labels, reading.pdf_text(annex3_filled[1])) == []


def test_order_check_catches_a_swap(annex3_blank: Path, seed_labels: list[str]) -> None:
    swapped = [seed_labels[1], seed_labels[0], *seed_labels[2:]]
    assert reading.missing_in_order(swapped, reading.docx_text(annex3_blank)) != []


def test_blank_has_a_checkbox_control_for_every_box(annex3_blank: Path, seed_box_count: int) -> None:
    boxes = [c for c in reading.controls(annex3_blank) if c.kind == "checkbox"]
    assert len(boxes) == seed_box_count
    assert not any(c.checked for c in boxes)
    assert "☑" not in reading.docx_text(annex3_blank)


def test_blank_controls_are_tagged_with_data_paths(annex3_blank: Path) -> None:
    found = reading.controls(annex3_blank)
    tags = {c.tag for c in found}
    assert all(c.tag for c in found)
    assert {"profile.unit_name", "profile.credit_code", "recommender", "body.intro"} <= tags
    assert "directions=安全诊断服务商" in tags
    assert "profile.qualifications[安全评价机构资质]" in tags
    assert "profile.qualifications[安全评价机构资质].detail" in tags
    assert "profile.products[5].function" in tags
    kinds = {c.tag: c.kind for c in found}
    assert kinds["pledge.date"] == "date"
    assert kinds["profile.established"] == "date"
    assert kinds["body.intro"] == "richText"


def _expected_boxes(data: dict[str, Any]) -> dict[str, int]:
    """☑ and ☐ a reader should count on the filled example, from its data."""
    checked = (
        2 * len(data["directions"])  # the cover and the table both show 申报方向
        + 1  # 单位性质
        + len(data["profile"]["industries"])
        + len(data["profile"]["qualifications"])
    )
    return {"☑": checked, "☐": 43 - checked}


def test_filled_boxes_follow_the_data(
    annex3_filled: tuple[Path, Path], annex3_example: dict[str, Any]
) -> None:
    text = reading.docx_text(annex3_filled[0])
    expected = _expected_boxes(annex3_example)
    assert {box: text.count(box) for box in expected} == expected
    flat = reading.squeeze(text.replace("☑", "[x]").replace("☐", "[ ]"))
    for industry in ("有色金属", "能源化工", "饮料食品", "轻工纺织", "电子信息", "装备制造", "钢铁", "建材"):
        mark = "[x]" if industry in annex3_example["profile"]["industries"] else "[]"
        assert f"{mark}{industry}" in flat, industry
    assert "[]国有[x]民营" in flat
    assert "安全诊断服务商[x]环保诊断服务商[]" in flat


def test_pdf_shows_the_same_boxes(annex3_filled: tuple[Path, Path], annex3_example: dict[str, Any]) -> None:
    text = reading.pdf_text(annex3_filled[1])
    expected = _expected_boxes(annex3_example)
    assert {box: text.count(box) for box in expected} == expected


def test_filled_formats_amounts_and_dates(annex3_filled: tuple[Path, Path]) -> None:
    text = reading.docx_text(annex3_filled[0])
    assert "12,680.45" in text and "15,342.80" in text and "5,000.00" in text
    assert "2014年12月18日" in text and "2023年4月28日" in text


def test_body_text_is_kept_in_paragraphs(
    annex3_filled: tuple[Path, Path], annex3_example: dict[str, Any]
) -> None:
    lines = reading.docx_text(annex3_filled[0]).split("\n")
    for paragraph in annex3_example["body"]["intro"].strip().split("\n"):
        assert paragraph in lines


def _profile_table(path: Path) -> Any:
    tables = reading.document_xml(path).findall(".//w:tbl", reading.NS)
    return next(t for t in tables if reading.cell_texts(t)[0] == "单位名称")


@pytest.mark.parametrize("which", ["blank", "filled"])
def test_profile_table_merges(which: str, annex3_blank: Path, annex3_filled: tuple[Path, Path]) -> None:
    path = annex3_blank if which == "blank" else annex3_filled[0]
    table = _profile_table(path)
    grid = reading.table_grid(table)
    texts = reading.cell_texts(table)
    assert all(len(row) == 5 for row in grid)

    def rows_of(label: str) -> list[int]:
        return [r for r, row in enumerate(grid) if texts[row[0]].startswith(label)]

    # 单位名称 and 注册地址: a label and one value across the other four columns.
    for label in ("单位名称", "注册地址"):
        (r,) = rows_of(label)
        assert len(set(grid[r])) == 2 and len(set(grid[r][1:])) == 1
    # 联系人 spans its two rows (姓名, 职务).
    contact = rows_of("联系人")
    assert len(contact) == 2 and contact[1] == contact[0] + 1
    assert [texts[grid[r][1]] for r in contact] == ["姓名", "职务"]
    # 营业收入 over three columns, 技术改造服务企业数量 over two.
    (r,) = [r for r, row in enumerate(grid) if texts[row[0]] == "营业收入（万元）"]
    assert grid[r][0] == grid[r][2] != grid[r][3] == grid[r][4]
    # The products block: one label cell over the 申报方向 row, the header row and every product row.
    block = rows_of("所选申报方向提供的主要服务或产品")
    products = 6  # the blank shows the paper's six rows; the example has six products
    assert len(block) == 2 + products
    # 主要案例: one label over two rows per case.
    cases = rows_of("主要案例")
    assert len(cases) == (2 * 2 if which == "blank" else 2 * 3)
    assert cases == list(range(cases[0], cases[0] + len(cases)))


def test_pdf_fonts_are_embedded_and_cjk_extracts(annex3_filled: tuple[Path, Path]) -> None:
    report = subprocess.run(
        ["pdffonts", str(annex3_filled[1])], check=True, capture_output=True, text=True
    ).stdout
    rows = report.splitlines()[2:]
    assert rows, report
    for row in rows:
        columns = row.split()
        emb = columns[-5]
        assert emb == "yes", row
    text = reading.pdf_text(annex3_filled[1])
    assert "四川省技术改造综合服务商申请报告" in text
    assert "成都蜀安智造技术服务有限公司" in text


def test_pdf_pages_are_a4_with_outer_page_numbers(annex3_filled: tuple[Path, Path]) -> None:
    pdf = annex3_filled[1]
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size:")).split()
    width, height = float(size[2]), float(size[4])
    assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1, size
    pages = reading.pdf_pages_text(pdf)
    assert len(pages) >= 6
    # The cover carries no number; numbering starts at 1 on the page after it.
    assert "—" not in pages[0].replace("——", "")
    for number, page in enumerate(pages[1:], start=1):
        assert page.strip().splitlines()[-1].strip() == f"— {number} —", (number, page[-200:])


def test_page_numbers_sit_on_the_outer_side(annex3_filled: tuple[Path, Path]) -> None:
    """Odd pages right, even pages left: read the number's position with pdftotext -bbox."""
    pdf = annex3_filled[1]
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "2", "-l", "3", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = html.split("<page ")[1:]
    positions = []
    for page in pages:
        words = [w for w in page.split("<word ")[1:] if w.split(">", 1)[1].startswith("—")]
        last = words[-1]
        x_min = float(last.split('xMin="')[1].split('"')[0])
        positions.append(x_min)
    first, second = positions  # page numbers 1 (odd) and 2 (even)
    assert first > 595 / 2 > second


def test_the_pledge_keeps_its_signature_and_seal_on_its_own_page(
    annex3_blank: Path, annex3_filled: tuple[Path, Path], tmp_path: Path
) -> None:
    """The 申报单位真实性承诺 box is one row kept whole: before, the blank form's page break
    cut it, its pledge on one page and the 法定代表人签章/单位公章 box alone on the next."""
    (blank_pdf,) = convert.to_pdf([annex3_blank], tmp_path)
    for pdf in (blank_pdf, annex3_filled[1]):
        pages = [reading.squeeze(text) for text in reading.pdf_pages_text(pdf)]
        pledged = [n for n, text in enumerate(pages, start=1) if "如虚假申报或材料不实" in text]
        signed = [n for n, text in enumerate(pages, start=1) if "法定代表人签章" in text]
        sealed = [n for n, text in enumerate(pages, start=1) if "单位公章" in text]
        assert len(pledged) == 1, (pdf.name, pledged)
        assert pledged == signed == sealed, (pdf.name, pledged, signed, sealed)
