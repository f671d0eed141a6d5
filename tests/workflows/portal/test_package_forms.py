"""A notice package's forms are served by the portal like an installed notice's: pages made from
its compiled models, the paper's labels bound to inputs, □ groups as options, rows as rows."""

from __future__ import annotations

from pathlib import Path

import formgen
from formgen.workflows.portal import forms
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
