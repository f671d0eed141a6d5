"""A notice package is served by every command like an installed notice (docs/notice-packages.md).

The package is the example one, its templates written in the test as a publisher would
(`tests.packages`); documents are checked as a reader sees them: controls, cells, text of PDFs.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

import formgen
from formgen.cli import app
from formgen.document.controls import word_fill
from formgen.pdf.convert import convert_cold
from tests import reading
from tests.packages import write_demo

APPLICATION = "demo-2024-7.application"
SUMMARY = "demo-2024-7.summary"
runner = CliRunner()


def _example(demo_package: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (demo_package / "examples" / f"{name}.yaml").read_text(encoding="utf-8")
    )
    return data


def test_forms_lists_the_package_beside_the_installed_notices(demo_package: Path) -> None:
    result = runner.invoke(app, ["forms"])
    assert result.exit_code == 0, result.output
    assert "sichuan-2023-110.annex3" in result.output
    lines = [line.split() for line in result.output.splitlines()]
    assert ["demo-2024-7.application", "docx", "附件1", "示范项目申报表"] in lines
    assert ["demo-2024-7.summary", "xlsx", "附件2", "示范项目推荐汇总表"] in lines
    assert ["demo-2024-7.bureau", "packet", "市（州）推荐材料"] in lines


def test_the_notices_option_serves_a_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_demo(tmp_path / "demo")
    monkeypatch.setenv("FORMGEN_NOTICES", "")  # --notices extends it; undone after the test
    try:
        result = runner.invoke(app, ["--notices", str(folder), "schema", APPLICATION])
        assert result.exit_code == 0, result.output
        schema = json.loads(result.output)
    finally:
        formgen.api.registry.cache_clear()
    titles = {name: spec.get("title") for name, spec in schema["properties"].items()}
    assert titles["legal_id"] == "法定代表人身份证号" and titles["nature"] == "单位性质"


def test_the_blank_word_form_has_a_control_at_every_input(demo_package: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["blank", APPLICATION, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    found = reading.controls(tmp_path / f"{APPLICATION}.docx")
    tags = [c.tag for c in found]
    assert tags[:3] == ["recommender", "unit_name", "credit_code"]
    assert [c.kind for c in found if c.tag.startswith("nature=")] == ["checkbox"] * 4
    assert "founded" in tags and next(c.kind for c in found if c.tag == "founded") == "date"
    assert "equipment[0].name" in tags and "equipment[1].value" in tags  # two blank rows
    text = reading.docx_text(tmp_path / f"{APPLICATION}.docx")
    assert "{{" not in text and "{%" not in text
    assert reading.missing_in_order(["单位名称", "单位性质", "国有企业", "其他", "主要设备"], text) == []


def test_the_blank_table_keeps_the_published_header_with_inputs_below(
    demo_package: Path, tmp_path: Path
) -> None:
    (path,) = formgen.blank([SUMMARY], tmp_path)
    sheet = load_workbook(path).worksheets[0]
    assert [sheet.cell(row=4, column=c).value for c in range(1, 8)] == [
        "序号", "单位名称", "统一社会信用代码", "单位性质", "注册资本（万元）", "联系人", "手机",
    ]  # fmt: skip
    assert sheet["A2"].value == "示范项目推荐汇总表" and sheet["A3"].value == "推荐单位（盖章）："
    nature = next(v for v in sheet.data_validations.dataValidation if "D5" in str(v.sqref))
    assert nature.type == "list"
    assert [sheet.cell(row=r, column=1).value for r in range(5, 10)] == [1, 2, 3, 4, 5]


def test_example_validate_and_fill_with_pdf(demo_package: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["example", APPLICATION])
    assert result.exit_code == 0
    data = tmp_path / "data.yaml"
    data.write_text(result.output, encoding="utf-8")
    assert runner.invoke(app, ["validate", APPLICATION, str(data)]).exit_code == 0
    result = runner.invoke(app, ["fill", APPLICATION, str(data), "--out", str(tmp_path), "--pdf"])
    assert result.exit_code == 0, result.output
    text = "".join(reading.pdf_text(tmp_path / f"{APPLICATION}.pdf").split())
    for shown in ("示范智能装备有限公司", "11010519491231002X", "5,000.00", "300,000.00", "2015年6月18日"):
        assert shown in text
    assert "☑其他混合所有制企业" in text and "☐国有企业" in text
    assert "☑智能制造☐绿色制造☑工业互联网" in text
    assert "激光切割机2310.50" in text


def test_invalid_data_names_the_field_and_its_label_in_both_languages(
    demo_package: Path, tmp_path: Path
) -> None:
    data = _example(demo_package, "application")
    del data["nature_other"]
    (other,) = formgen.check(APPLICATION, data).problems
    assert (
        "单位性质选“其他”时须填写“其他（请注明）”" in other.message_zh and "nature_other" in other.message_en
    )
    data["legal_id"] = "110105194912310021"
    problems = {p.path: p for p in formgen.check(APPLICATION, data).problems}
    assert problems["legal_id"].label.endswith("法定代表人身份证号")
    assert (
        "校验位不正确" in problems["legal_id"].message_zh
        and "check character" in problems["legal_id"].message_en
    )
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["fill", APPLICATION, str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "legal_id" in result.output
    assert not (tmp_path / "out").exists()


def test_a_blank_filled_in_word_and_resaved_by_libreoffice_reads_back(
    demo_package: Path, tmp_path: Path
) -> None:
    data = _example(demo_package, "application")
    word = tmp_path / "word" / "filled.docx"
    word.parent.mkdir()
    word.write_bytes(word_fill(formgen.render_blank(APPLICATION), data))
    (resaved,) = convert_cold([word], tmp_path / "lo", to="docx")
    assert b"w:tag" not in zipfile.ZipFile(resaved).read("word/document.xml")
    expected = formgen.check(APPLICATION, data).instance
    for path in (word, resaved):
        out = tmp_path / f"{path.parent.name}.yaml"
        result = runner.invoke(app, ["read", APPLICATION, str(path), "--out", str(out)])
        assert result.exit_code == 0, result.output
        checked = formgen.check(APPLICATION, yaml.safe_load(out.read_text(encoding="utf-8")))
        assert checked.instance == expected, (path, checked.problems)


def test_a_bureau_packet_derives_its_table_from_the_applications(demo_package: Path, tmp_path: Path) -> None:
    data = _example(demo_package, "bureau")
    second = {**data["applications"][0], "unit_name": "示范新材料股份有限公司", "nature": "国有企业"}
    second.pop("nature_other")
    data["applications"].append(second)
    path = tmp_path / "bureau.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["packet", "demo-2024-7.bureau", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    pages = reading.pdf_pages_text(tmp_path / "demo-2024-7.bureau.pdf")
    assert "目录" in "".join(pages[0].split())
    table = "".join("".join(page.split()) for page in pages[1:3])
    assert "1示范智能装备有限公司91510100MA61R8KD24" in table
    assert "2示范新材料股份有限公司" in table and "国有企业" in table
    reports = ["".join(page.split()) for page in pages[3:]]
    assert [r.startswith("附件1示范项目申报表") for r in reports] == [True, True]
    assert "示范新材料股份有限公司" in reports[1]


def test_a_batch_of_applicants_yields_each_recommenders_table(demo_package: Path, tmp_path: Path) -> None:
    base = _example(demo_package, "applicant")
    rows = []
    for index, recommender in enumerate(["甲市经信局", "乙市经信局", "甲市经信局"]):
        application = {**base["application"], "recommender": recommender, "unit_name": f"申报单位{index}"}
        rows.append(
            json.dumps({"application": application, "attachments": []}, ensure_ascii=False, default=str)
        )
    source = tmp_path / "applicants.jsonl"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["batch", "demo-2024-7.applicant", str(source), "--out", str(out), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    tables = sorted(out.rglob(f"{SUMMARY}*.xlsx"))
    assert len(tables) == 2, sorted(p.relative_to(out) for p in out.rglob("*"))
    names = {}
    for table in tables:
        sheet = load_workbook(table).worksheets[0]
        names[sheet["B3"].value] = [sheet.cell(row=r, column=2).value for r in range(5, sheet.max_row + 1)]
    assert names["甲市经信局"][:2] == ["申报单位0", "申报单位2"]
    assert names["乙市经信局"][:1] == ["申报单位1"]


def test_a_bureaus_intake_collects_filled_forms(demo_package: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    (inbox / "a1").mkdir(parents=True)
    data = _example(demo_package, "application")
    (inbox / "a1" / "申报表.docx").write_bytes(word_fill(formgen.render_blank(APPLICATION), data))
    bureau = {"recommender": "示范市经济和信息化局", "contact": "王芳", "phone": "028-86263273"}
    (inbox / "bureau.yaml").write_text(yaml.safe_dump(bureau, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["collect", "demo-2024-7.bureau", str(inbox), "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out / f"{SUMMARY}.xlsx").worksheets[0]
    assert [sheet.cell(row=5, column=c).value for c in range(1, 5)] == [
        1,
        "示范智能装备有限公司",
        "91510100MA61R8KD24",
        "其他",
    ]
    assert "示范智能装备有限公司" in "".join(reading.pdf_text(out / "demo-2024-7.bureau.pdf").split())


def test_the_province_merges_bureaus_tables(demo_package: Path, tmp_path: Path) -> None:
    tables = []
    for index, (name, code) in enumerate(
        [("甲公司", "91510100MA61R8KD24"), ("乙公司", "91510107MA62L3R5XE")]
    ):
        data = _example(demo_package, "summary")
        data["rows"][0].update(unit_name=name, credit_code=code)
        (table,) = formgen.fill(SUMMARY, data, tmp_path / str(index))
        tables.append(str(table))
    result = runner.invoke(app, ["merge", SUMMARY, *tables, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(tmp_path / "out" / f"{SUMMARY}.xlsx").worksheets[0]
    assert [sheet.cell(row=r, column=2).value for r in (5, 6)] == ["甲公司", "乙公司"]
