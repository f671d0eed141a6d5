"""附件1 四川省技术改造综合服务商征集和管理指南 as a reader sees it: static text, set as 公文."""

from __future__ import annotations

import pytest

import formgen
from formgen.document.docx_layout import KAITI
from tests import reading
from tests.documents import WAYS, Made, lead_font, style_of

ANNEX1 = "sichuan-2023-110.annex1"


@pytest.fixture(scope="module")
def made(sichuan_texts: dict[str, Made]) -> Made:
    return sichuan_texts[ANNEX1]


@pytest.fixture(scope="module")
def seed_labels() -> list[str]:
    return reading.fragments(reading.seed_section("000", "附件1", "附件2"))


def test_seed_section_is_the_guide(seed_labels: list[str]) -> None:
    assert seed_labels[:3] == ["附件1", "四川省技术改造综合服务商", "征集和管理指南"]
    assert seed_labels[-1] == "（八）其他对社会造成不良影响的。"


@pytest.mark.parametrize("way", WAYS)
def test_holds_every_seed_label_in_order(way: str, made: Made, seed_labels: list[str]) -> None:
    assert reading.missing_in_order(seed_labels, made.text(way)) == []


def test_static_text_blank_and_filled_are_the_same(made: Made) -> None:
    assert made.text("blank") == made.text("filled")
    assert reading.controls(made.blank) == []
    assert formgen.check(ANNEX1, {}).ok


def test_label_top_left_then_title(made: Made) -> None:
    first, second = [p for p in made.text("blank").split("\n") if p][:2]
    assert first == "附件1"
    assert second == "四川省技术改造综合服务商"
    assert style_of(made.blank, "附件1") == "AnnexLabel"
    assert style_of(made.blank, "四川省技术改造综合服务商") == "FormTitle"


def test_headings_and_items_take_their_faces(made: Made) -> None:
    for heading in ("一、征集方向", "二、征集条件", "三、征集流程", "四、考核及退出机制"):
        assert style_of(made.blank, heading) == "FormHeading1"
    # Named leads are 楷体 run-ins; whole-sentence items are plain body text.
    assert lead_font(made.blank, "（一）安全诊断服务商。") == KAITI
    assert lead_font(made.blank, "（三）名单公布。") == KAITI
    assert lead_font(made.blank, "（一）申报单位在省内依法登记注册") is None
    assert lead_font(made.blank, "（八）其他对社会造成不良影响的。") is None
    assert style_of(made.blank, "（八）其他对社会造成不良影响的。") == "FormBody"


def test_pdf_keeps_every_punctuation_mark(made: Made) -> None:
    """No 、，。 is lost at a line's end (LibreOffice drops hanging punctuation of justified lines)."""
    docx = reading.squeeze(made.text("blank"))
    pdf = reading.squeeze(made.text("blank_pdf"))
    assert {mark: pdf.count(mark) for mark in "、，。；"} == {mark: docx.count(mark) for mark in "、，。；"}
