"""附件4 诊断企业征集指南 as a reader sees it: the guide, then the enterprise's materials.

The 主要生产设备 table is read back from the documents: its rows, its 合计 (the sum of 数量,
derived, never typed) and its header row repeated on every page. Equipment kept in a
spreadsheet (CSV in UTF-8 or GB18030, XLSX) reaches the document row for row.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook

import formgen
from data_models.sichuan_2023_110.annex4 import DiagnosisMaterials
from tests import reading
from tests.conftest import example_data
from tests.documents import WAYS, Made

ANNEX4 = "sichuan-2023-110.annex4"
HEADER = ["编号", "供应商名称", "设备名称", "规格型号", "数量"]


@pytest.fixture(scope="module")
def made(sichuan_texts: dict[str, Made]) -> Made:
    return sichuan_texts[ANNEX4]


@pytest.fixture(scope="module")
def seed_labels() -> list[str]:
    return reading.fragments(reading.seed_section("000", "附件4", "附件5"))


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    return example_data(ANNEX4)


def test_seed_section_is_the_guide(seed_labels: list[str]) -> None:
    assert seed_labels[:2] == ["附件4", "诊断企业征集指南"]
    assert [*HEADER, "合计"] == [label for label in seed_labels if label in {*HEADER, "合计"}]


@pytest.mark.parametrize("way", WAYS)
def test_holds_every_seed_label_in_order(way: str, made: Made, seed_labels: list[str]) -> None:
    assert reading.missing_in_order(seed_labels, made.text(way)) == []


def equipment_rows(path: Path) -> list[list[str]]:
    """The 主要生产设备 table of a DOCX, row by row, header and 合计 included."""
    for table in reading.document_xml(path).iter(f"{{{reading.W}}}tbl"):
        rows = [
            [
                "".join(t.text or "" for t in tc.iter(f"{{{reading.W}}}t"))
                for tc in tr.findall("w:tc", reading.NS)
            ]
            for tr in table.findall("w:tr", reading.NS)
        ]
        if rows and rows[0] == HEADER:
            return rows
    raise AssertionError("no 主要生产设备 table")


def _as_printed(items: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [str(n), item["supplier"], item["name"], item["spec"], str(item["quantity"])]
        for n, item in enumerate(items, start=1)
    ]


def test_filled_table_holds_the_rows_and_their_total(made: Made, example: dict[str, Any]) -> None:
    header, *body, total = equipment_rows(made.filled)
    assert header == HEADER
    assert body == _as_printed(example["equipment"])
    assert total == ["合计", str(sum(item["quantity"] for item in example["equipment"]))]


def test_total_is_derived_not_typed(example: dict[str, Any]) -> None:
    materials = DiagnosisMaterials.model_validate(example)
    assert materials.equipment_total == sum(item.quantity for item in materials.equipment)
    assert not formgen.check(ANNEX4, {**example, "equipment_total": 3}).ok
    assert "equipment_total" not in formgen.schema(ANNEX4)["properties"]


@pytest.mark.parametrize("which", ["blank", "filled"])
def test_header_row_repeats_on_every_page(which: str, made: Made) -> None:
    path = made.blank if which == "blank" else made.filled
    tables = list(reading.document_xml(path).iter(f"{{{reading.W}}}tbl"))
    (table,) = tables
    first, *others = table.findall("w:tr", reading.NS)
    assert first.find("w:trPr/w:tblHeader", reading.NS) is not None
    assert all(tr.find("w:trPr/w:tblHeader", reading.NS) is None for tr in others)


def test_blank_controls_are_tagged_with_data_paths(made: Made) -> None:
    found = reading.controls(made.blank)
    tags = [c.tag for c in found]
    assert all(tags)
    assert {"enterprise.unit_name", "enterprise.credit_code", "overview", "processes", "problems"} <= set(
        tags
    )
    assert {"projects", "support", "equipment_total"} <= set(tags)
    # The paper's two empty rows, each cell a control of that row.
    for index in (0, 1):
        for name in ("supplier", "name", "spec", "quantity"):
            assert f"equipment[{index}].{name}" in tags
    roots = set(DiagnosisMaterials.model_fields) | set(DiagnosisMaterials.model_computed_fields)
    assert {tag.split(".")[0].split("[")[0] for tag in tags} <= roots
    assert {c.kind for c in found if c.tag == "overview"} == {"richText"}


ROWS = [
    ["1", "中国第一重型机械股份公司", "自由锻造液压机", "3150吨", "1"],
    ["2", "沈阳机床股份有限公司", "数控立式车床", "CK5240×25/32", "4"],
    ["3", "大连华锐重工集团股份有限公司", "桥式起重机", "QD50/10t-28.5m", "6"],
]


def _csv_bytes(encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *ROWS, ["合计", "", "", "", "11"]])
    return buffer.getvalue().encode(encoding)


def _xlsx_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for line in ROWS:
        sheet.append([int(line[0]), *line[1:4], int(line[4])])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["utf-8", "gb18030", "xlsx"])
def test_equipment_from_a_spreadsheet_reaches_the_document(
    kind: str, tmp_path: Path, example: dict[str, Any]
) -> None:
    name = "设备清单.xlsx" if kind == "xlsx" else "设备清单.csv"
    (tmp_path / name).write_bytes(_xlsx_bytes() if kind == "xlsx" else _csv_bytes(kind))
    data = {key: value for key, value in example.items() if key != "equipment"}
    text = yaml.safe_dump(data, allow_unicode=True) + f"equipment: !table {name}\n"
    (tmp_path / "materials.yaml").write_text(text, encoding="utf-8")

    checked = formgen.check_file(ANNEX4, tmp_path / "materials.yaml")
    assert checked.ok, checked.problems
    (docx,) = formgen.fill(ANNEX4, tmp_path / "materials.yaml", tmp_path / "out")
    _header, *body, total = equipment_rows(docx)
    assert body == ROWS
    assert total == ["合计", "11"]
