"""docs/adding-a-notice.md, followed end to end: draft → review → check → use.

A bureau's Word form and Excel table (written here as a publisher would) are drafted into a
package; the author corrects two fields; `formgen package check` finds the example the
correction broke; then the package fills, makes a bureau's packet, reads a filled copy back,
is served by the portal, and a re-draft keeps the corrections.
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
from formgen.drafting import notice_draft, package_writer
from formgen.model.package_merge import merge_reviewed
from formgen.model.package_spec import FormSpec
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
    date.update(label="申报日期", reviewed=True)
    _dump(package / "forms" / "annex1.yaml", form)


def test_draft_review_check_and_use(published: list[Path], tmp_path: Path, served: None) -> None:
    package = tmp_path / "pkg"
    args = ["draft", *map(str, published), "--id", "demo-2024-8", "--out", str(package)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["package", "check", str(package)]).exit_code == 0

    _correct(package)
    result = runner.invoke(app, ["package", "check", str(package)])
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "examples/annex2.yaml:" in output and "单位性质" in output  # the example's 单位性质 is no option
    example = _load(package / "examples" / "annex2.yaml")
    for row in example[formgen_table_path(package)]:
        row["单位性质"] = "民营企业"
    _dump(package / "examples" / "annex2.yaml", example)
    result = runner.invoke(app, ["package", "check", str(package)])
    assert result.exit_code == 0, result.output

    formgen.api.use_packages([package])
    form_id, table_id = "demo-2024-8.annex1", "demo-2024-8.annex2"
    application = formgen.example_data(form_id)
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
    table = "".join(pages[1:3])  # the published table is portrait: its columns run over two pages
    assert "示范项目推荐汇总表" in table and "单位性质注册资本（万元）联系人手机其他100.00" in table
    assert table_id in {f.id for f in formgen.registry().forms()}

    _serve(tmp_path, application)
    _redraft_keeps_the_corrections(published, package)


def formgen_table_path(package: Path) -> str:
    path: str = _load(package / "forms" / "annex2.yaml")["table"]["path"]
    return path


def _serve(tmp_path: Path, application: dict[str, Any]) -> None:
    """The portal offers the drafted applicant packet and shows its data in its pages."""
    portal = create_app(tmp_path / "portal", None, secure_cookies=False)
    with portal.state.portal.db() as session:
        add_user(session, "a", "correct horse battery", "applicant", "示范市")
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


def _redraft_keeps_the_corrections(published: list[Path], package: Path) -> None:
    """Drafting the same files again, merged with the author's package, keeps both corrections."""
    again = notice_draft.draft_notice(published, "demo-2024-8")
    for form in again.forms:
        name = form.name
        fresh = FormSpec.model_validate(package_writer.form_spec(form))
        mine = FormSpec.model_validate(_load(package / "forms" / f"{name}.yaml"))
        merged, report = merge_reviewed(mine, fresh)
        if merged.kind == "docx":
            assert "申报日期" in [f.label for f in merged.fields] and len(report.kept) == 1
        else:
            assert merged.table is not None
            nature = next(c for c in merged.table.columns if c.label == "单位性质")
            assert nature.type == "choice" and nature.options == NATURES and report.kept == ["单位性质"]
