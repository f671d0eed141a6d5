"""docs/adding-a-notice.md, followed end to end: draft → review → check → use.

A bureau's Word form and Excel table (written here as a publisher would) are drafted into a
package; the author corrects two fields and marks them reviewed; `formgen package check` finds
what the corrections left to do (the example, the template's tag of the renamed path); the
publisher then adds a row and a column, the author drafts again into the same folder, and the
corrections are kept, the new places drafted, the package clean; it fills, makes a bureau's
packet, reads a filled copy back and is served by the portal.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import formgen
from formgen.cli import app
from formgen.document.controls import word_fill
from formgen.workflows.portal import forms
from formgen.workflows.portal.accounts import add_user
from formgen.workflows.portal.app import create_app
from tests import reading
from tests.packages import write_published_application, write_published_summary

runner = CliRunner()
NATURES = ["国有企业", "民营企业", "外资企业", "其他"]


@pytest.fixture
def published(tmp_path: Path) -> list[Path]:
    form, table = tmp_path / "示范项目申报表.docx", tmp_path / "示范项目推荐汇总表.xlsx"
    write_published_application(form)
    write_published_summary(table)
    return [form, table]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """FORMGEN_NOTICES as it was once the test is done (`use_packages` extends it)."""
    monkeypatch.setenv("FORMGEN_NOTICES", "")
    yield
    formgen.api.registry.cache_clear()


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _correct(package: Path) -> None:
    """The author's review: the table's 单位性质 is a choice, the 年 月 日 is the 申报日期."""
    table = _load(package / "forms" / "annex2.yaml")
    column = next(c for c in table["table"]["columns"] if c["label"] == "单位性质")
    column.update(type="choice", options=NATURES, reviewed=True)
    _dump(package / "forms" / "annex2.yaml", table)
    form = _load(package / "forms" / "annex1.yaml")
    date = next(f for f in form["fields"] if f["type"] == "date")
    date.update(path="申报日期", label="申报日期", reviewed=True)
    _dump(package / "forms" / "annex1.yaml", form)


def _draft(files: list[Path], package: Path) -> str:
    args = ["draft", *map(str, files), "--id", "demo-2024-8", "--out", str(package)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_draft_review_check_and_use(published: list[Path], tmp_path: Path, served: None) -> None:
    package = tmp_path / "pkg"
    _draft(published, package)
    assert runner.invoke(app, ["package", "check", str(package)]).exit_code == 0

    _correct(package)
    result = runner.invoke(app, ["package", "check", str(package)])
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "examples/annex2.yaml:" in output and "单位性质" in output  # the example's 单位性质 is no option
    assert "申报日期 (申报日期) has no place in the template" in output  # the tag names the draft's path

    edition = tmp_path / "edition2"
    edition.mkdir()
    form, table = edition / published[0].name, edition / published[1].name
    write_published_application(form, after=["成立日期"])
    write_published_summary(table, more_columns=["所属行业"])
    output = _draft([form, table], package)
    assert "保留已复核字段 / kept as reviewed: 申报日期" in output
    assert "保留已复核字段 / kept as reviewed: 单位性质" in output
    assert "来源中新出现的字段 / new in the source: 成立日期" in output
    assert "来源中新出现的字段 / new in the source: 所属行业" in output
    result = runner.invoke(app, ["package", "check", str(package)])
    assert result.exit_code == 0, result.output  # the tag names 申报日期, the example ticks an option
    _assert_corrections_kept(package)

    formgen.api.use_packages([package])
    form_id, table_id = "demo-2024-8.annex1", "demo-2024-8.annex2"
    application = formgen.example_data(form_id)
    assert application["申报日期"] and application["成立日期"]
    application["单位性质"] = "其他"
    other = next(f for f in _load(package / "forms" / "annex1.yaml")["fields"] if f["type"] == "choice")[
        "other"
    ]
    application[other["path"]] = "集体企业"
    filled = formgen.fill(form_id, application, tmp_path / "filled")[0]
    text = "".join(reading.docx_text(filled).split())
    assert "☑其他集体企业" in text and "申报单位（盖章）" in text

    word = tmp_path / "word.docx"
    word.write_bytes(word_fill(formgen.render_blank(form_id), application))
    assert formgen.check(form_id, formgen.api.read_filled(form_id, word)).instance == (
        formgen.check(form_id, application).instance
    )

    bureau = formgen.example_data("demo-2024-8.bureau")
    bureau["applications"] = [application]
    pdf = formgen.packet("demo-2024-8.bureau", bureau, tmp_path / "packet")
    pages = ["".join(page.split()) for page in reading.pdf_pages_text(pdf)]
    assert "目录" in pages[0]
    printed = "".join(pages[1:4])  # the published table is portrait: its columns run over the pages
    assert "示范项目推荐汇总表" in printed and "单位性质注册资本（万元）联系人手机" in printed
    assert "其他100.00" in printed
    assert table_id in {f.id for f in formgen.registry().forms()}

    _serve(tmp_path, application)


def formgen_table_path(package: Path) -> str:
    path: str = _load(package / "forms" / "annex2.yaml")["table"]["path"]
    return path


def _serve(tmp_path: Path, application: dict[str, Any]) -> None:
    """The portal offers the drafted applicant packet and shows its data in its pages."""
    portal = create_app(tmp_path / "portal", None, secure_cookies=False)
    with portal.state.portal.db() as session:
        # A region the installed notices list: the drafted package names none, so it serves all.
        add_user(session, "a", "correct horse battery", "applicant", "成都市")
    client = TestClient(portal, base_url="http://127.0.0.1")
    login = client.post("/api/login", json={"name": "a", "password": "correct horse battery"})
    client.headers["X-CSRF-Token"] = login.json()["csrf"]
    assert "demo-2024-8.applicant" in {p["id"] for p in client.get("/api/packets").json()}
    created = client.post("/api/applications", json={"packet_id": "demo-2024-8.applicant"}).json()
    data = {"annex1": {k: str(v) if not isinstance(v, list | dict) else v for k, v in application.items()}}
    saved = client.put(
        f"/api/applications/{created['id']}/data", json={"data": data, "version": created["version"]}
    )
    assert saved.status_code == 200, saved.text
    sections = forms.sections(formgen.registry().packet("demo-2024-8.applicant").model)
    page = "".join(
        client.get(f"/applications/{created['id']}/sections/{i}").text for i in range(len(sections))
    )
    assert "集体企业" in page and "申报日期" in page and "法定代表人身份证号" in page
    with portal.state.portal.db() as session:
        session.get_bind().dispose()


def _assert_corrections_kept(package: Path) -> None:
    """Both corrections are in the re-drafted YAML whole, and the Word template's tag names the
    author's path."""
    form = _load(package / "forms" / "annex1.yaml")
    date = next(f for f in form["fields"] if f["place"].startswith("段落"))
    assert (date["type"], date["path"], date["label"], date["reviewed"]) == (
        "date",
        "申报日期",
        "申报日期",
        True,
    )
    table = _load(package / "forms" / "annex2.yaml")["table"]
    nature = next(c for c in table["columns"] if c["label"] == "单位性质")
    assert (nature["type"], nature["options"], nature["reviewed"]) == ("choice", NATURES, True)
    assert [c["label"] for c in table["columns"]][-1] == "所属行业"
    tags = reading.docx_text(package / "templates" / "annex1.docx")
    assert "{{r 申报日期 }}" in tags and "{{r 成立日期 }}" in tags
