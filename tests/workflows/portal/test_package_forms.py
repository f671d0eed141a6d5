"""A notice package's forms are served by the portal like an installed notice's: pages made from
its compiled models, the paper's labels bound to inputs, □ groups as options, rows as rows."""

from __future__ import annotations

from pathlib import Path

import pytest

import formgen
from formgen.workflows.portal import forms
from tests.drafting import small_forms
from tests.workflows.portal.conftest import Site, example, start
from tests.workflows.portal.test_pages import parse

APPLICANT = "demo-2024-7.applicant"


def test_an_applicant_fills_a_package_form_in_the_portal(demo_package: Path, site: Site) -> None:
    site.user("a", "applicant", "示范市")
    client = site.client("a")
    offered = {p["id"]: p["title"] for p in client.get("/api/packets").json()}
    assert offered[APPLICANT] == "示范项目申报材料"
    data = example(APPLICANT)
    application = start(client, APPLICANT, data)
    problems = client.get(f"/api/applications/{application}").json()["problems"]
    assert [p for p in problems if p["severity"] == "error"] == []
    sections = forms.sections(formgen.registry().packet(APPLICANT).model)
    pages = []
    for index, section in enumerate(sections):
        response = client.get(f"/applications/{application}/sections/{index}")
        assert response.status_code == 200, section.path
        page = parse(response.text)
        unlabelled = [i.get("name") for i in page.inputs if i.get("id") not in page.label_for]
        assert unlabelled == [], (section.path, unlabelled)
        pages.append((page, response.text))
    text = "".join("".join(page.text) for page, _ in pages)
    for label in (
        "法定代表人身份证号",
        "邮政编码",
        "研发投入占比（%）",
        "厂房面积（平方米）",
        "单位性质",
        "主要设备",
    ):
        assert label in text, label
    html = "".join(body for _, body in pages)
    for shown in ("11010519491231002X", "610041", "混合所有制企业", "六轴工业机器人", "激光切割机"):
        assert shown in html, shown
    options = [i for page, _ in pages for i in page.inputs if str(i.get("name", "")).endswith("nature")]
    assert [o.get("value") for o in options if o.get("type") == "radio"] == [
        "国有企业",
        "民营企业",
        "外资企业",
        "其他",
    ]
    ticked = [o.get("value") for o in options if o.get("type") == "radio" and "checked" in o]
    assert ticked == ["其他"]


def test_a_drafted_matrix_and_worded_choices_in_the_portal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: Site
) -> None:
    """A drafted 指标 by 年度 matrix is a section per 指标, its cells titled by their 年度; choices
    printed as words (男/女, （现健在/已故）) are options; the draft's example saves clean."""
    files = []
    for make in (small_forms.indicator_matrix, small_forms.worded_choices):
        form = make()
        files.append(tmp_path / f"{form.name}.docx")
        files[-1].write_bytes(form.content)
    formgen.api.draft(files, tmp_path / "pkg", notice_id="drafted")
    monkeypatch.setenv("FORMGEN_NOTICES", str(tmp_path / "pkg"))
    formgen.api.registry.cache_clear()
    try:
        site.user("a", "applicant", "示范市")
        client = site.client("a")
        application = start(client, "drafted.applicant", example("drafted.applicant"))
        problems = client.get(f"/api/applications/{application}").json()["problems"]
        assert [p for p in problems if p["severity"] == "error"] == []
        sections = forms.sections(formgen.registry().packet("drafted.applicant").model)
        titles = {}
        for index, section in enumerate(sections):
            page = parse(client.get(f"/applications/{application}/sections/{index}").text)
            titles[section.path] = " ".join("".join(page.text).split())
        assert "2023年（万元）" in titles["form1.营业收入万元"]
        assert "服务企业数量" in titles["form1.服务企业数量"] and "总目标" in titles["form1.服务企业数量"]
        sex = next(path for path in titles if path.endswith("性别"))
        page = parse(client.get(f"/applications/{application}/sections/{list(titles).index(sex)}").text)
        assert [i.get("value") for i in page.inputs if i.get("type") == "radio"] == ["男", "女"]
    finally:
        formgen.api.registry.cache_clear()
