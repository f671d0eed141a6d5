"""The notice 渝经信节能〔2023〕1号 as 公文: the seed's text in order, 附件说明, 落款 and 版记."""

from __future__ import annotations

import pytest

from formgen.document import docx_layout
from tests import pdf_reading, reading
from tests.documents import WAYS, Made

SEED = "004"
FORM = "chongqing-2023-1.notice"


def seed_lines() -> list[str]:
    """The notice: from the seed's (blank) first line to 附件1, and the 版记 the extraction put last."""
    notice = reading.seed_section(SEED, "", "附件1")
    imprint = [line for line in reading.seed_text(SEED).splitlines() if "印发" in line]
    return [*notice, *imprint]


@pytest.fixture(scope="module")
def seed_labels() -> list[str]:
    return reading.fragments(seed_lines())


def test_seed_section_is_the_notice(seed_labels: list[str]) -> None:
    assert seed_labels[:2] == ["渝经信节能〔2023〕1号", "重庆市经济和信息化委员会"]
    assert seed_labels[-3:] == [
        "重庆市经济和信息化委员会",
        "重庆市经济和信息化委员会办公室",
        "2023年1月31日印发",
    ]


@pytest.mark.parametrize("which", WAYS)
def test_every_seed_label_in_order(
    which: str, chongqing_docs: dict[str, Made], seed_labels: list[str]
) -> None:
    text = chongqing_docs[FORM].text(which)
    assert reading.missing_in_order(seed_labels, text) == []


def test_blank_and_filled_are_the_same_text(chongqing_docs: dict[str, Made]) -> None:
    blank = reading.docx_text(chongqing_docs[FORM].blank)
    assert blank == reading.docx_text(chongqing_docs[FORM].filled)
    assert reading.controls(chongqing_docs[FORM].blank) == []
    assert "{{" not in blank and "{%" not in blank


def test_attachments_signature_and_imprint_close_the_notice(chongqing_docs: dict[str, Made]) -> None:
    flat = reading.squeeze(reading.pdf_text(chongqing_docs[FORM].blank_pdf))
    closing = [
        "联系人：邹雨点，联系电话：17783391611。",
        "附件：1.市级重点绿色制造综合服务平台推荐汇总表",
        "2.市级绿色制造综合服务平台申报书",
        "重庆市经济和信息化委员会",
        "2023年1月31日",
        "重庆市经济和信息化委员会办公室",
        "2023年1月31日印发",
    ]
    assert reading.missing_in_order(closing, flat) == []
    assert flat.endswith("2023年1月31日印发")


def test_headings_are_set_as_gongwen(chongqing_docs: dict[str, Made]) -> None:
    """Level-1 headings in 黑体, the run-in leads of level 2 in 楷体, the title in 小标宋."""
    root = reading.document_xml(chongqing_docs[FORM].blank)
    styles = {}
    for paragraph in root.iter(f"{{{reading.W}}}p"):
        style = paragraph.find("w:pPr/w:pStyle", reading.NS)
        text = "".join(t.text or "" for t in paragraph.iter(f"{{{reading.W}}}t"))
        if style is not None and text:
            styles[text] = style.get(f"{{{reading.W}}}val")
    for heading in ("一、平台任务内容", "二、推荐条件", "三、服务要求", "四、工作步骤"):
        assert styles[heading] == "FormHeading1", heading
    assert styles["重庆市经济和信息化委员会关于申报市级重点绿色制造综合服务平台的通知"] == "FormTitle"
    runs = root.iter(f"{{{reading.W}}}r")
    leads = [
        r.find("w:rPr/w:rFonts", reading.NS)
        for r in runs
        if "".join(t.text or "" for t in r.iter(f"{{{reading.W}}}t")) == "（一）组织申报。"
    ]
    assert leads and leads[0] is not None and leads[0].get(f"{{{reading.W}}}eastAsia") == "楷体_GB2312"


def test_imprint_stands_between_its_rules_at_the_foot_of_the_last_even_page(
    chongqing_docs: dict[str, Made],
) -> None:
    """GB/T 9704 §7.4: the 版记 on the back of the last leaf, its last rule on the type area's foot."""
    pdf = chongqing_docs[FORM].blank_pdf
    found = pdf_reading.pages(pdf)
    last = len(found)
    assert last % 2 == 0, "the 版记 page is the back of a leaf"
    mm = 72 / 25.4
    foot = (docx_layout.TOP_MM + docx_layout.AREA_H_MM) * mm
    words = [w for w in found[-1].words if w.y0 < foot]  # the page number stands below the type area
    assert "".join(w.text for w in words) == "重庆市经济和信息化委员会办公室2023年1月31日印发"
    assert "2023年1月31日" in found[-2].text and "印发" not in found[-2].text, "the signature page before it"
    rules = pdf_reading.horizontal_rules(pdf, last, min_length_pt=0.95 * docx_layout.AREA_W_MM * mm)
    assert len(rules) == 2, rules
    top, bottom = rules
    assert abs(bottom.y - foot) < 1 * mm, (bottom.y, foot)
    assert all(top.y < (w.y0 + w.y1) / 2 < bottom.y for w in words)
    assert bottom.y - top.y < 12 * mm, "one row of 版记 between the rules"
    for rule in rules:  # as wide as the type area
        assert abs(rule.x0 - docx_layout.LEFT_MM * mm) < 1 * mm
        assert abs(rule.x1 - (docx_layout.LEFT_MM + docx_layout.AREA_W_MM) * mm) < 1 * mm
