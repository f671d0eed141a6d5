"""A published summary table drafts into the package's table: header rows kept as printed, typed
columns, inputs above the table; with an application form of the same labels in the package, the
table is derived from the applications and a bureau's packet prints it without retyping."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

import formgen
from formgen.cli import app
from tests import reading

NOTICE = "table-test"


def _application() -> bytes:
    document = docx.Document()
    document.add_paragraph("附件1")
    document.add_paragraph("项目申报表")
    table = document.add_table(rows=3, cols=4)
    table.style = "Table Grid"
    for (r, c), text in {
        (0, 0): "单位名称", (0, 2): "统一社会信用代码",
        (1, 0): "联系人", (1, 2): "联系电话",
        (2, 0): "注册资本（万元）", (2, 2): "单位性质",
    }.items():  # fmt: skip
        table.cell(r, c).text = text
    table.cell(2, 3).text = "□国有 □民营 □其他____"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


HEADER = ["序号", "单位名称", "统一社会信用代码", "注册资本（万元）", "是否高新技术企业", "联系电话"]


def _summary() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "附件2"
    sheet["A2"] = "项目推荐汇总表"
    sheet.merge_cells("A2:F2")
    sheet["A3"] = "推荐单位（盖章）："
    for c, text in enumerate(HEADER, start=1):
        sheet.cell(row=4, column=c, value=text)
    for r in range(5, 13):
        sheet.cell(row=r, column=1, value=r - 4)
    sheet["A14"] = "填表说明：金额单位为万元。"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("tables")
    (root / "申报表.docx").write_bytes(_application())
    (root / "汇总表.xlsx").write_bytes(_summary())
    folder = root / "package"
    result = CliRunner().invoke(
        app,
        ["draft", str(root / "申报表.docx"), str(root / "汇总表.xlsx"), "--out", str(folder), "--id", NOTICE],
    )
    assert result.exit_code == 0, result.output
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FORMGEN_NOTICES", str(folder))
        formgen.api.registry.cache_clear()
        yield folder
    formgen.api.registry.cache_clear()


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_table_is_typed_and_derived_from_the_applications(package: Path) -> None:
    assert formgen.api.check_package(package) == []
    table = _yaml(package / "forms" / "annex2.yaml")["table"]
    assert (table["header_row"], table["header_rows"], table["blank_rows"]) == (4, 1, 8)
    assert [(c["label"], c.get("type")) for c in table["columns"]] == [
        ("序号", None),
        ("单位名称", "text"),
        ("统一社会信用代码", "credit_code"),
        ("注册资本（万元）", "money_wan"),
        ("是否高新技术企业", "choice"),
        ("联系电话", "phone"),
    ]
    assert table["columns"][4]["options"] == ["是", "否"]
    assert table["derive"] == "annex1"
    assert [c.get("from") for c in table["columns"]] == [
        None,
        "单位名称",
        "统一社会信用代码",
        "注册资本万元",
        None,
        "联系电话",
    ]


def test_the_blank_keeps_the_published_header_and_validates_inputs(package: Path) -> None:
    blank = load_workbook(io.BytesIO(formgen.render_blank(f"{NOTICE}.annex2")))
    sheet = blank.worksheets[0]
    assert [sheet.cell(row=4, column=c).value for c in range(1, 7)] == HEADER
    assert sheet["A2"].value == "项目推荐汇总表"
    kinds = {v.type for v in sheet.data_validations.dataValidation}
    assert {"list", "decimal"} <= kinds


def test_a_bureau_packet_prints_the_table_from_its_applications(package: Path, tmp_path: Path) -> None:
    data = _yaml(package / "examples" / "bureau.yaml")
    second = {**data["applications"][0], "单位名称": "第二申报有限公司"}
    data["applications"].append(second)
    path = tmp_path / "bureau.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(app, ["packet", f"{NOTICE}.bureau", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = reading.squeeze(reading.pdf_text(tmp_path / f"{NOTICE}.bureau.pdf"))
    assert "项目推荐汇总表" in text and "第二申报有限公司" in text and "示例单位名称" in text
