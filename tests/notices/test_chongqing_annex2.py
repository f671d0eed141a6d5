"""Chongqing 附件2 申报书 as a reader sees it: labels in the seed's order, boxes, totals, merges, rules."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import formgen
from data_models.chongqing_2023_1.annex2 import CountTarget, MeasuredTarget, ServiceTarget
from formgen.model import checks
from tests import reading
from tests.conftest import example_data
from tests.documents import WAYS, Made

SEED = "004"
FORM = "chongqing-2023-1.annex2"
SERVICE_TARGET_BOXES = len(ServiceTarget)


def seed_lines() -> list[str]:
    """附件2 of the seed: from its label to the notice's 版记, which the extraction put last."""
    lines = reading.seed_section(SEED, "附件2", None)
    return lines[: next(i for i, line in enumerate(lines) if "印发" in line)]


@pytest.fixture(scope="module")
def seed_labels() -> list[str]:
    return reading.fragments(seed_lines())


@pytest.fixture(scope="module")
def seed_box_count() -> int:
    return sum(line.count("□") for line in seed_lines())


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    return example_data(FORM)


def test_seed_section_is_the_application(seed_labels: list[str], seed_box_count: int) -> None:
    assert seed_labels[:2] == ["附件2", "市级绿色制造综合服务平台申报书"]
    assert seed_labels[-4:] == ["（单位盖章）", "二〇二三年", "月", "日"]
    assert seed_box_count == 6


@pytest.mark.parametrize("which", WAYS)
def test_every_seed_label_in_order(
    which: str, chongqing_docs: dict[str, Made], seed_labels: list[str]
) -> None:
    text = chongqing_docs[FORM].text(which)
    assert reading.missing_in_order(seed_labels, text) == []


def test_order_check_catches_a_swap(chongqing_docs: dict[str, Made], seed_labels: list[str]) -> None:
    index = seed_labels.index("二、平台任务基本信息")
    swapped = [*seed_labels[:index], "申报单位重点绩效指标填报表", *seed_labels[index:]]
    assert reading.missing_in_order(swapped, reading.docx_text(chongqing_docs[FORM].blank)) != []


def test_blank_has_a_checkbox_for_every_box_and_service_target(
    chongqing_docs: dict[str, Made], seed_box_count: int
) -> None:
    boxes = [c for c in reading.controls(chongqing_docs[FORM].blank) if c.kind == "checkbox"]
    assert len(boxes) == seed_box_count + SERVICE_TARGET_BOXES
    assert not any(c.checked for c in boxes)
    assert {c.tag for c in boxes} >= {
        "unit.nature=国有企业",
        "unit.nature=事业单位",
        "unit.listed=否",
        "unit.listed=是",
        *(f"platform.targets={t.value}" for t in ServiceTarget),
    }


def test_blank_controls_are_tagged_with_data_paths(chongqing_docs: dict[str, Made]) -> None:
    found = reading.controls(chongqing_docs[FORM].blank)
    assert all(c.tag for c in found)
    kinds = {c.tag: c.kind for c in found}
    for tag in (
        "unit.unit_name",
        "unit.code",
        "unit.contact.fax",
        "unit.nature_other",
        "members[1].code",
        "members[1].role",
        "kpis.diagnosis.stage3",
        "kpis.diagnosis.total",
        "kpis.energy_supply.measure",
        "kpis.others[1].total",
        "proofs.honours[1].title",
        "pledge.phone",
    ):
        assert kinds.get(tag) == "text", tag
    assert kinds["applied_on"] == kinds["pledge.date"] == "date"
    assert kinds["report.intro"] == kinds["report.other"] == "richText"


def test_blank_date_prompts_read_as_the_paper(chongqing_docs: dict[str, Made]) -> None:
    text = reading.docx_text(chongqing_docs[FORM].blank)
    assert "\n    年    月    日\n" in text
    assert "二〇二三年    月    日" in text


def _expected_boxes(data: dict[str, Any]) -> dict[str, int]:
    checked = (data["unit"]["nature"] != "其他") + 1 + len(data["platform"]["targets"])
    return {"☑": checked, "☐": 6 + SERVICE_TARGET_BOXES - checked}


@pytest.mark.parametrize("which", ["filled", "filled_pdf"])
def test_filled_boxes_follow_the_data(
    which: str, chongqing_docs: dict[str, Made], example: dict[str, Any]
) -> None:
    text = chongqing_docs[FORM].text(which)
    expected = _expected_boxes(example)
    assert {box: text.count(box) for box in expected} == expected
    flat = reading.squeeze(text.replace("☑", "[x]").replace("☐", "[ ]"))
    assert "[]国有企业[x]民营企业[]外资企业[]事业单位" in flat
    assert "[x]否[]是" in flat
    for number, target in zip("一二三四五六", ServiceTarget, strict=True):
        mark = "[x]" if target.value in example["platform"]["targets"] else "[]"
        assert f"{mark}（{number}）{target.value}" in flat, target


def _table_starting(path: Path, first: str) -> etree._Element:
    tables = reading.document_xml(path).findall(".//w:tbl", reading.NS)
    return next(t for t in tables if reading.cell_texts(t)[0].startswith(first))


def _rows(table: etree._Element) -> list[list[str]]:
    """The text of each row's distinct cells, left to right."""
    texts = reading.cell_texts(table)
    result = []
    for grid_row in reading.table_grid(table):
        ids = list(dict.fromkeys(grid_row))
        result.append([texts[i] for i in ids])
    return result


def test_kpi_totals_are_the_sum_of_stages(chongqing_docs: dict[str, Made], example: dict[str, Any]) -> None:
    table = _table_starting(chongqing_docs[FORM].filled, "参考指标")
    rows = _rows(table)[2:]
    kpis = example["kpis"]
    named = [kpis[k] for k in ("diagnosis", "energy_platform", "solutions", "energy_supply", "events")]
    assert len(rows) == len(named) + len(kpis["others"])
    for cells, data in zip(rows, [*named, *kpis["others"]], strict=True):
        stages = [Decimal(c.replace(",", "")) for c in cells[-4:-1]]
        total = Decimal(cells[-1].replace(",", ""))
        if data.get("summed", True):
            assert total == sum(stages), cells
        else:
            assert total == Decimal(str(data["target"])), cells
    diagnosis = rows[0]
    assert diagnosis[-1] == str(sum(kpis["diagnosis"].values()))
    assert rows[3][-1] == "45"  # 8.5 + 15 + 21.5 兆瓦, printed as measured


def test_totals_are_derived_not_typed() -> None:
    assert CountTarget(stage1=1, stage2=2, stage3=3).total == 6
    level = MeasuredTarget.model_validate(
        {"measure": "在线率（%）", "stage1": 85, "stage2": 92, "stage3": 98, "summed": False, "target": 98}
    )
    assert level.total == 98
    with pytest.raises(ValueError, match="总目标"):
        MeasuredTarget.model_validate({"measure": "x", "stage1": 1, "stage2": 1, "stage3": 1, "target": 3})
    with pytest.raises(ValueError):
        CountTarget.model_validate({"stage1": 1, "stage2": 2, "stage3": 3, "total": 6})


@pytest.mark.parametrize("which", ["blank", "filled"])
def test_application_table_merges(
    which: str, chongqing_docs: dict[str, Made], example: dict[str, Any]
) -> None:
    table = _table_starting(getattr(chongqing_docs[FORM], which), "一、单位情况")
    grid = reading.table_grid(table)
    texts = reading.cell_texts(table)
    assert all(len(r) == 5 for r in grid)

    def rows_of(label: str) -> list[int]:
        return [r for r, cells in enumerate(grid) if texts[cells[0]].startswith(label)]

    # Section headings run across the table; 单位名称, 单位地址, the code, 单位性质 and 是否上市公司
    # are a label and one value across the other four columns.
    for label in ("一、单位情况", "二、平台任务基本信息"):
        (r,) = rows_of(label)
        assert len(set(grid[r])) == 1
    for label in (
        "单位名称",
        "单位地址",
        "组织机构代码/三证合一码",
        "单位性质",
        "是否上市公司",
        "申报单位简介",
    ):
        (r,) = rows_of(label)
        assert len(set(grid[r])) == 2 and len(set(grid[r][1:])) == 1, label
    # 申报联系人 spans its two rows: 姓名 and 手机, then 邮箱 and 传真.
    contact = rows_of("申报联系人")
    assert len(contact) == 2 and contact[1] == contact[0] + 1
    assert [texts[grid[r][1]] for r in contact] == ["姓名", "邮箱"]
    assert [texts[grid[r][3]] for r in contact] == ["手机", "传真"]
    # Each member of the consortium: one label over three rows.
    members = 2 if which == "blank" else len(example["members"])
    for ordinal in "一二"[:members]:
        block = rows_of(f"联合体单位{ordinal}")
        assert len(block) == 3 and block == list(range(block[0], block[0] + 3))
        assert [texts[grid[r][1]] for r in block] == ["单位名称", "法定代表人", "承担任务"]
    assert rows_of("联合体单位三") == []


def test_kpi_table_header_merges(chongqing_docs: dict[str, Made]) -> None:
    table = _table_starting(chongqing_docs[FORM].blank, "参考指标")
    grid = reading.table_grid(table)
    texts = reading.cell_texts(table)
    assert texts[grid[0][0]] == "参考指标" and grid[0][0] == grid[1][0] == grid[1][1]
    assert texts[grid[0][2]] == "阶段目标" and grid[0][2] == grid[0][4]
    assert texts[grid[0][5]] == "总目标" and grid[0][5] == grid[1][5]
    others = [r for r, cells in enumerate(grid) if texts[cells[0]] == "其他指标…"]
    assert len(others) == 2 and grid[others[0]][0] == grid[others[1]][0]


def test_filled_shows_the_consortium_and_formats(
    chongqing_docs: dict[str, Made], example: dict[str, Any]
) -> None:
    text = reading.docx_text(chongqing_docs[FORM].filled)
    for member in example["members"]:
        assert member["unit_name"] in text and member["code"] in text
    assert "2023年市级绿色制造综合服务平台——" + example["platform"]["name"] in text
    assert "26,875.36" in text and "8,000.00" in text
    assert "2023年2月10日" in text and "二〇二三年二月十日" in text
    for paragraph in example["report"]["schedule"].strip().split("\n"):
        assert paragraph in text.split("\n")


def test_pdf_ends_with_the_pledge(chongqing_docs: dict[str, Made]) -> None:
    pages = reading.pdf_pages_text(chongqing_docs[FORM].filled_pdf)
    assert "（单位盖章）" in pages[-1] and "二〇二三年二月十日" in pages[-1]
    assert "— " not in pages[0]  # the cover carries no page number


# --- basic rules -------------------------------------------------------------------------------


def _problems(data: dict[str, Any]) -> list[str]:
    return [p.path for p in formgen.check(FORM, data).problems]


@pytest.mark.parametrize("code", ["91500227MA60K8R232", "45038127-7", "450381277", "12345678-8"])
def test_code_accepts_credit_codes_and_organisation_codes(code: str, example: dict[str, Any]) -> None:
    data = copy.deepcopy(example)
    data["unit"]["code"] = code
    assert _problems(data) == []


@pytest.mark.parametrize("code", ["91500227MA60K8R233", "45038127-8", "4503812", "45038127-77"])
def test_code_rejects_wrong_check_characters_and_lengths(code: str, example: dict[str, Any]) -> None:
    data = copy.deepcopy(example)
    data["members"][0]["code"] = code
    assert _problems(data) == ["members[0].code"]


def test_org_code_check_character_of_a_real_credit_code() -> None:
    # 914403001922038216: its characters 9 to 17 are the organisation code 19220382-1.
    assert checks.org_code_check_character("19220382") == "1"
    assert checks.org_code_check_character("12345678") == "8"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["unit"].update(nature="其他"), "unit"),
        (lambda d: d["unit"].update(nature_other="社会团体"), "unit"),
        (lambda d: d["unit"].update(registered_capital=-1), "unit.registered_capital"),
        (lambda d: d["unit"]["contact"].update(mobile="1389607123"), "unit.contact.mobile"),
        (lambda d: d["unit"]["contact"].update(email="chensy.example.cn"), "unit.contact.email"),
        (lambda d: d["pledge"].update(phone="41428866"), "pledge.phone"),
        (lambda d: d["kpis"]["diagnosis"].update(stage2=-5), "kpis.diagnosis.stage2"),
        (lambda d: d["kpis"]["others"][0].update(stage1=-0.5), "kpis.others[0].stage1"),
        (lambda d: d.update(intro="字" * 501), "intro"),
        (lambda d: d["platform"].update(summary="字" * 1001), "platform.summary"),
        (lambda d: d["members"].extend([dict(d["members"][0], unit_name=f"成员{n}") for n in (2, 3)]), ""),
        (lambda d: d["members"].append(dict(d["members"][0])), ""),
    ],
)
def test_basic_rules(change: Any, path: str, example: dict[str, Any]) -> None:
    data = copy.deepcopy(example)
    change(data)
    assert _problems(data) == [path]


def test_other_nature_with_its_text_is_valid(example: dict[str, Any]) -> None:
    data = copy.deepcopy(example)
    data["unit"].update(nature="其他", nature_other="民办非企业单位")
    assert _problems(data) == []


def test_consortium_of_three_is_valid(example: dict[str, Any]) -> None:
    data = copy.deepcopy(example)
    data["members"].append(dict(data["members"][0], unit_name="重庆两江绿色能源研究中心"))
    assert _problems(data) == []
