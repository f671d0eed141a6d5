"""附件1 推荐汇总表: rows derived from the applicants' 申报书, as the seed prints it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

import formgen
from formgen.pdf import convert
from tests import reading
from tests.conftest import example_data

ANNEX1 = "chongqing-2023-1.annex1"


@pytest.fixture(scope="module")
def district() -> dict[str, Any]:
    return example_data("chongqing-2023-1.district")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, district: dict[str, Any]) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("cq-annex1")
    (blank,) = formgen.blank([ANNEX1], out / "blank")
    (filled,) = formgen.fill(ANNEX1, district, out)
    (pdf,) = convert.to_pdf([filled], out)
    return {"blank": blank, "filled": filled, "pdf": pdf}


def _labels() -> list[str]:
    lines = reading.seed_section("004", "附件1", "附件2")
    # The rows 1, 2, 3 and …… are the paper's placeholders for data rows.
    return [f for f in reading.fragments(lines) if f not in ("1", "2", "3", "……")]


def test_seed_labels_in_order(made: dict[str, Path]) -> None:
    labels = _labels()
    assert labels[:3] == ["附件1", "市级重点绿色制造综合服务平台推荐汇总表", "推荐单位（盖章）："]
    assert reading.missing_in_order(labels, reading.xlsx_text(made["blank"])) == []
    assert reading.missing_in_order(labels, reading.xlsx_text(made["filled"])) == []
    assert reading.missing_anywhere(labels, reading.pdf_text(made["pdf"])) == []


def test_rows_equal_the_applications(made: dict[str, Path], district: dict[str, Any]) -> None:
    sheet = load_workbook(made["filled"]).worksheets[0]
    rows = [r for r in sheet.iter_rows(min_row=7, values_only=True) if isinstance(r[0], int)]
    expected = [
        (n, a["unit"]["unit_name"], a["unit"]["contact"]["name"], a["unit"]["contact"]["mobile"])
        for n, a in enumerate(district["applicants"], start=1)
    ]
    assert rows == expected
    assert sheet["C3"].value == district["district"]["name"]
    assert sheet["C5"].value == district["district"]["phone"]


def test_blank_inputs_validation_and_print(made: dict[str, Path]) -> None:
    workbook = load_workbook(made["blank"])
    sheet = workbook.worksheets[0]
    assert sheet.page_setup.orientation == "portrait" and str(sheet.page_setup.paperSize) == "9"
    assert sheet.print_title_rows == "$6:$6"
    mapping = {r[0]: r[1] for r in workbook["_formgen"].iter_rows(min_row=3, values_only=True)}
    assert mapping["rows[].unit_name"] == "'附件1'!$B$7:$B$14"
    assert mapping["recommender"] == "'附件1'!C3"
    assert "C3:D3" in {str(r) for r in sheet.merged_cells.ranges}
