"""`formgen draft` into a folder that holds a package: the author's corrections kept, what is new
and what is gone reported, and a folder that is not a package (or whose YAML does not parse)
left exactly as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from formgen.cli import app
from tests import reading
from tests.packages import write_published_application, write_published_summary

runner = CliRunner()


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _draft(package: Path, *files: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["draft", *map(str, files), "--out", str(package)])
    return result.exit_code, " ".join(result.output.split())


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def form(tmp_path: Path) -> Path:
    path = tmp_path / "published" / "示范项目申报表.docx"
    path.parent.mkdir()
    write_published_application(path, after=["成立日期", "项目负责人"])
    return path


def test_a_folder_that_is_not_a_package_is_left_alone(form: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("我的笔记", encoding="utf-8")
    code, output = _draft(folder, form)
    assert code == 1
    assert "notes.txt" in output and "不是通知包" in output and "no notice package" in output
    assert _snapshot(folder) == {"notes.txt": "我的笔记".encode()}


def test_a_package_whose_yaml_does_not_parse_is_not_written_over(form: Path, tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    assert _draft(package, form)[0] == 0
    broken = package / "forms" / "annex1.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "- path: [\n", encoding="utf-8")
    before = _snapshot(package)
    code, output = _draft(package, form)
    assert code == 1 and "forms/annex1.yaml:" in output and "YAML" in output
    assert _snapshot(package) == before


def test_reviewed_fields_rows_and_options_reach_the_template(form: Path, tmp_path: Path) -> None:
    """The author renames a rows field's column, re-words an option and gives the notice its
    文号; a re-draft keeps all three, in the YAML and in the template's tags."""
    package = tmp_path / "pkg"
    assert _draft(package, form)[0] == 0
    spec = _load(package / "forms" / "annex1.yaml")
    rows = next(f for f in spec["fields"] if f["type"] == "rows")
    rows["columns"][0].update(path="name", label="设备名称及型号")
    rows["reviewed"] = True
    choice = next(f for f in spec["fields"] if f["type"] == "choice")
    choice["options"][0] = "国有及国有控股企业"
    choice["reviewed"] = True
    _dump(package / "forms" / "annex1.yaml", spec)
    notice = _load(package / "notice.yaml")
    notice.update(issuer="示范省经济和信息化厅", doc_number="示经信〔2024〕8号")
    _dump(package / "notice.yaml", notice)

    code, output = _draft(package, form)
    assert code == 0, output
    assert f"保留已复核字段 / kept as reviewed: {choice['path']}、{rows['path']}" in output
    again = _load(package / "forms" / "annex1.yaml")
    assert next(f for f in again["fields"] if f["type"] == "rows") == rows
    assert next(f for f in again["fields"] if f["type"] == "choice") == choice
    notice = _load(package / "notice.yaml")
    assert (notice["issuer"], notice["doc_number"]) == ("示范省经济和信息化厅", "示经信〔2024〕8号")
    text = reading.docx_text(package / "templates" / "annex1.docx")
    assert "{{r item.name }}" in text and f"{{{{r {choice['path']}['国有及国有控股企业'] }}}}" in text
    result = runner.invoke(app, ["package", "check", str(package)])
    assert result.exit_code == 0, result.output


def test_what_the_source_lost_is_reported(form: Path, tmp_path: Path) -> None:
    """A row the publisher removed: its unreviewed field goes, its reviewed one stays, both said."""
    package = tmp_path / "pkg"
    assert _draft(package, form)[0] == 0
    spec = _load(package / "forms" / "annex1.yaml")
    lead = next(f for f in spec["fields"] if f["label"] == "项目负责人")
    lead.update(path="负责人", reviewed=True)
    _dump(package / "forms" / "annex1.yaml", spec)
    founded = next(f["path"] for f in spec["fields"] if f["label"] == "成立日期")
    write_published_application(form)  # the next edition has neither row
    code, output = _draft(package, form)
    assert code == 0, output
    assert "已复核但来源中未再找到，仍保留 / reviewed, not found in the source again, kept: 负责人" in output
    assert f"来源中已不存在，已删除 / no longer in the source, dropped: {founded}" in output
    paths = [f["path"] for f in _load(package / "forms" / "annex1.yaml")["fields"]]
    assert "负责人" in paths and founded not in paths
    report = (package / "draft-report.md").read_text(encoding="utf-8")
    assert "负责人" in report and founded in report


def test_a_form_not_drafted_again_stays_in_the_notice(form: Path, tmp_path: Path) -> None:
    table = form.parent / "示范项目推荐汇总表.xlsx"
    write_published_summary(table)
    package = tmp_path / "pkg"
    assert _draft(package, form, table)[0] == 0
    summary = _snapshot(package / "templates")["annex2.xlsx"]
    assert _draft(package, form)[0] == 0
    assert _load(package / "notice.yaml")["forms"] == ["annex1", "annex2"]
    assert _snapshot(package / "templates")["annex2.xlsx"] == summary
    result = runner.invoke(app, ["package", "check", str(package)])
    assert result.exit_code == 0, result.output
