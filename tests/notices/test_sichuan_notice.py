"""The notice 川经信办函〔2023〕110号 as a reader sees it: the seed's text in order, set as 公文."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

import formgen
from formgen.document.docx_layout import KAITI
from tests import reading
from tests.documents import WAYS, Made, lead_font, paragraph, style_of

NOTICE = "sichuan-2023-110.notice"
FIRST_LINE = "川经信办函〔2023〕110号"
CHAR = Pt(16)  # one character of 3号 body text


@pytest.fixture(scope="module")
def made(sichuan_texts: dict[str, Made]) -> Made:
    return sichuan_texts[NOTICE]


@pytest.fixture(scope="module")
def seed_labels() -> list[str]:
    return reading.fragments(reading.seed_section("000", FIRST_LINE, "附件1"))


def test_seed_section_is_the_notice(seed_labels: list[str]) -> None:
    assert seed_labels[:2] == [FIRST_LINE, "四川省经济和信息化厅办公室"]
    assert seed_labels[-2:] == ["四川省经济和信息化厅办公室", "2023年4月14日"]


@pytest.mark.parametrize("way", WAYS)
def test_holds_every_seed_label_in_order(way: str, made: Made, seed_labels: list[str]) -> None:
    assert reading.missing_in_order(seed_labels, made.text(way)) == []


def test_order_check_catches_a_swap(made: Made, seed_labels: list[str]) -> None:
    swapped = [*seed_labels[:3], seed_labels[4], seed_labels[3], *seed_labels[5:]]
    assert reading.missing_in_order(swapped, made.text("blank")) != []


def test_static_text_blank_and_filled_are_the_same(made: Made) -> None:
    assert made.text("blank") == made.text("filled")
    assert "{{" not in made.text("blank") and "{%" not in made.text("blank")
    assert reading.controls(made.blank) == []


def test_its_data_is_empty() -> None:
    assert formgen.check(NOTICE, {}).ok
    assert not formgen.check(NOTICE, {"title": "x"}).ok


def test_head_is_set_as_gongwen(made: Made) -> None:
    number = paragraph(made.blank, FIRST_LINE)
    assert number.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    title = paragraph(made.blank, "四川省经济和信息化厅办公室")
    assert style_of(made.blank, "四川省经济和信息化厅办公室") == "FormTitle"
    assert title.runs[0].font.size is None, "the size is the style's: 2号"
    assert title.text.split("\n") == [
        "四川省经济和信息化厅办公室",
        "关于组织开展工业企业技术改造",
        "综合服务工作的通知",
    ]
    addressee = paragraph(made.blank, "各市（州）经济和信息化局，有关单位：")
    assert addressee.paragraph_format.first_line_indent is None


def test_headings_take_their_faces(made: Made) -> None:
    for text in ("一、征集培育服务商", "五、工作要求"):
        assert style_of(made.blank, text) == "FormHeading1"
    assert style_of(made.blank, "为贯彻落实") == "FormBody"
    run_in = paragraph(made.blank, "（一）加强组织协调。")
    assert run_in.runs[0].text == "（一）加强组织协调。"
    assert lead_font(made.blank, "（一）加强组织协调。") == KAITI
    assert all(r._r.rPr is None for r in run_in.runs[1:]), "the rest is body text"


def test_attachment_list_hangs_under_its_first_title(made: Made) -> None:
    first = paragraph(made.blank, "附件：1.四川省技术改造综合服务商征集和管理指南")
    later = paragraph(made.blank, "5.技术改造综合诊断服务商企业申请表")
    for item in (first, later):
        assert item.paragraph_format.left_indent == 6 * CHAR  # 2 in, 附件： 3, "1." 1
    assert first.paragraph_format.first_line_indent == -4 * CHAR
    assert later.paragraph_format.first_line_indent == -1 * CHAR


def _lines(pdf: Path, page: int) -> list[tuple[str, float, float]]:
    """Each line of a PDF page: its text, left and right x, as pdftotext -bbox places its words."""
    html = reading.pdftotext_page(pdf, page, "-bbox")
    lines: dict[str, tuple[str, float, float]] = {}
    for chunk in html.split("<word ")[1:]:
        attrs, rest = chunk.split(">", 1)
        x_min, y_min, x_max = (
            float(attrs.split(f'{k}="')[1].split('"')[0]) for k in ("xMin", "yMin", "xMax")
        )
        key = f"{y_min:.0f}"
        text, left, right = lines.get(key, ("", x_min, x_max))
        lines[key] = (text + rest.split("<", 1)[0], min(left, x_min), max(right, x_max))
    return list(lines.values())


def test_signature_centres_the_issuer_over_the_date_right_of_centre(made: Made) -> None:
    last = len(reading.pdf_pages_text(made.filled_pdf))
    lines = _lines(made.filled_pdf, last)
    texts = [text for text, _, _ in lines]
    where = texts.index("四川省经济和信息化厅办公室")
    (_, issuer_left, issuer_right), (date, date_left, date_right) = lines[where : where + 2]
    assert date == "2023年4月14日"
    assert abs((issuer_left + issuer_right) / 2 - (date_left + date_right) / 2) < 8  # points
    assert date_left > 595 / 2


def test_pdf_pages_are_numbered(made: Made) -> None:
    pages = reading.pdf_pages_text(made.filled_pdf)
    assert 3 <= len(pages) <= 5
    for number, page in enumerate(pages, start=1):
        assert page.strip().splitlines()[-1].strip() == f"— {number} —"
