"""附件2 and 附件5: spreadsheets whose rows are derived from the submitters' own data."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

import formgen
from formgen.pdf import convert
from tests import reading
from tests.conftest import example_data

SEED = "000"
ANNEX2 = "sichuan-2023-110.annex2"
ANNEX5 = "sichuan-2023-110.annex5"


@pytest.fixture(scope="module")
def city() -> dict[str, Any]:
    return example_data("sichuan-2023-110.city")


@pytest.fixture(scope="module")
def blanks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths = formgen.blank([ANNEX2, ANNEX5], tmp_path_factory.mktemp("xlsx-blank"))
    return {ANNEX2: paths[0], ANNEX5: paths[1]}


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, city: dict[str, Any]) -> dict[str, Path]:
    """Both tables filled from the city's packet, with their PDFs (one LibreOffice call)."""
    out = tmp_path_factory.mktemp("xlsx-filled")
    docs = [formgen.fill(form_id, city, out)[0] for form_id in (ANNEX2, ANNEX5)]
    pdfs = convert.to_pdf(docs, out)
    return {ANNEX2: docs[0], ANNEX5: docs[1], f"{ANNEX2}.pdf": pdfs[0], f"{ANNEX5}.pdf": pdfs[1]}


def _sheet(path: Path) -> Worksheet:
    return load_workbook(path).worksheets[0]


def _labels(start: str, end: str) -> list[str]:
    return reading.fragments(reading.seed_section(SEED, start, end))


@pytest.mark.parametrize(("form_id", "start", "end"), [(ANNEX2, "附件2", "附件3"), (ANNEX5, "附件5", None)])
def test_seed_labels_in_order(
    form_id: str, start: str, end: str | None, blanks: dict[str, Path], filled: dict[str, Path]
) -> None:
    labels = _labels(start, end) if end else reading.fragments(reading.seed_section(SEED, start, None))
    # 附件5's sample rows "1" and "…" are the paper's placeholders for data rows.
    labels = [label for label in labels if label not in ("1", "…")]
    assert reading.missing_in_order(labels, reading.xlsx_text(blanks[form_id])) == []
    assert reading.missing_in_order(labels, reading.xlsx_text(filled[form_id])) == []
    # Calc writes a PDF's text run by run, not in reading order: there, every label must be present.
    assert reading.missing_anywhere(labels, reading.pdf_text(filled[f"{form_id}.pdf"])) == []


def test_annex2_header_merges(blanks: dict[str, Path]) -> None:
    merged = {str(r) for r in _sheet(blanks[ANNEX2]).merged_cells.ranges}
    # 序号 and 服务商名称 over both header rows; 所在地 over 市（州）and 区（县、市）; 企业数量 over two years.
    assert {"A3:A4", "B3:B4", "C3:D3", "G3:H3", "L3:L4"} <= merged


def test_annex2_rows_equal_the_reports(filled: dict[str, Path], city: dict[str, Any]) -> None:
    sheet = _sheet(filled[ANNEX2])
    rows = [r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] is not None]
    assert len(rows) == len(city["providers"])
    for number, (row, report) in enumerate(zip(rows, city["providers"], strict=True), start=1):
        profile = report["profile"]
        assert row[0] == number
        assert row[1] == profile["unit_name"]
        assert (row[2], row[3]) == (profile["region"]["city"], profile["region"]["county"])
        assert row[4] == "、".join(report["directions"])
        assert Decimal(str(row[5])) == Decimal(str(profile["revenue"]["y2022"]))
        assert (row[6], row[7]) == (
            profile["served_enterprises"]["y2021"],
            profile["served_enterprises"]["y2022"],
        )
        assert row[8] == profile["team_size"]
        # A ticked 其他 prints as the industry the provider typed beside it (医药制造).
        typed = profile.get("industries_other")
        assert row[9] == "、".join(typed if i == "其他" and typed else i for i in profile["industries"])
        assert row[10] == report["self_assessment"].strip()
        assert profile["contact"]["name"] in row[11] and profile["contact"]["mobile"] in row[11]


def test_annex2_prints_the_other_industry_typed(filled: dict[str, Path], city: dict[str, Any]) -> None:
    typed = [
        p["profile"]["industries_other"] for p in city["providers"] if "其他" in p["profile"]["industries"]
    ]
    assert typed == ["医药制造"]  # the example's first provider ticks 其他 and types its name
    sheet = _sheet(filled[ANNEX2])
    printed = [
        str(r[9]).split("、") for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] is not None
    ]
    assert "医药制造" in printed[0] and not any("其他" in items for items in printed)


def test_annex5_rows_equal_the_applications(filled: dict[str, Path], city: dict[str, Any]) -> None:
    sheet = _sheet(filled[ANNEX5])
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    expected = city["enterprises"]
    assert [r[1] for r in rows] == [e["unit_name"] for e in expected]
    assert [r[2] for r in rows] == [e["credit_code"] for e in expected]
    assert [Decimal(str(r[6])) for r in rows] == [Decimal(str(e["revenue_2022"])) for e in expected]
    text = reading.xlsx_text(filled[ANNEX5])
    assert text.index(expected[-1]["unit_name"]) < text.index("备注") < text.index("信息公开选项：不予公开")


def _validations(path: Path) -> dict[str, Any]:
    sheet = _sheet(path)
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found[str(cell_range).split(":")[0][0]] = validation
    return found


def test_annex2_validations(blanks: dict[str, Path]) -> None:
    found = _validations(blanks[ANNEX2])
    assert found["C"].type == "list" and found["C"].errorStyle == "stop"  # 市（州）
    assert found["E"].type == "list" and found["E"].errorStyle == "warning"  # 申报方向, several allowed
    assert found["J"].type == "list"  # 主要服务行业
    assert found["F"].type == "decimal" and found["F"].formula1 == "0"
    assert {found[c].type for c in "GHI"} == {"whole"}
    assert found["K"].type == "textLength" and found["K"].formula1 == "200"
    lists = load_workbook(blanks[ANNEX2])["_lists"]
    columns = {col[0].value: [c.value for c in col[1:] if c.value] for col in lists.iter_cols()}
    assert len(columns["city"]) == 21 and columns["city"][0] == "成都市"
    assert columns["directions"] == [
        "安全诊断服务商",
        "环保诊断服务商",
        "节能诊断服务商",
        "智能制造诊断服务商",
        "企业公共服务商",
    ]


def test_annex5_industry_dropdown(blanks: dict[str, Path]) -> None:
    found = _validations(blanks[ANNEX5])
    assert found["E"].type == "list"
    options = [c.value for c in load_workbook(blanks[ANNEX5])["_lists"]["A"][1:] if c.value]
    assert options[:6] == ["钢铁", "有色", "建材", "化工", "食品", "纺织"]
    assert "化学原料和化学制品制造业" in options and "非金属矿物制品业" in options


@pytest.mark.parametrize("form_id", [ANNEX2, ANNEX5])
def test_print_setup(form_id: str, blanks: dict[str, Path]) -> None:
    sheet = _sheet(blanks[form_id])
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == "9"  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == ("$3:$4" if form_id == ANNEX2 else "$3:$3")


def test_blank_inputs_are_tied_to_data_paths(blanks: dict[str, Path]) -> None:
    meta = load_workbook(blanks[ANNEX2])["_formgen"]
    assert meta.sheet_state == "veryHidden"
    mapping = {row[0]: row[1] for row in meta.iter_rows(min_row=3, values_only=True)}
    assert mapping["rows[].unit_name"] == "'附件2'!$B$5:$B$19"
    assert mapping["rows[].self_assessment"] == "'附件2'!$K$5:$K$19"


def test_summary_is_derived_not_typed(city: dict[str, Any]) -> None:
    """Changing a provider's report changes its summary row: there is one source."""
    changed = {**city, "providers": [dict(city["providers"][0]), *city["providers"][1:]]}
    changed["providers"][0] = {**changed["providers"][0], "self_assessment": "新的自评。"}
    checked = formgen.check(ANNEX2, changed)
    assert checked.ok and checked.instance is not None
    (summary,) = formgen.api.form_data(ANNEX2, checked.instance)
    assert summary.rows[0].self_assessment == "新的自评。"  # type: ignore[attr-defined]
