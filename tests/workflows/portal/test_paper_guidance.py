"""The paper's own guidance shows beside the inputs it governs, read from the form's template."""

from __future__ import annotations

from importlib.resources import as_file
from typing import Any

import lxml.html

import formgen
from formgen.workflows.portal import forms
from tests.reading import docx_text
from tests.workflows.portal.conftest import PROVIDER, Site, example, start


def _section(site: Site, path: str) -> Any:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER, example(PROVIDER))
    sections = forms.sections(formgen.registry().packet(PROVIDER).model)
    index = next(n for n, s in enumerate(sections) if s.path == path)
    return lxml.html.fromstring(client.get(f"/applications/{report}/sections/{index}").text)


def _guidance_of(page: Any, path: str) -> list[str]:
    box = page.xpath(f'//*[@id="f-{path}-box"]')[0]
    return [p.text_content() for p in box.xpath('./div[@class="paper"]/p[not(@class)]')]


def test_each_body_box_shows_its_filling_requirement_from_the_paper(site: Site) -> None:
    page = _section(site, "report.body")
    with as_file(formgen.registry().form("sichuan-2023-110.annex3").template) as template:
        paper = docx_text(template)
    intro = _guidance_of(page, "report.body.intro")
    assert intro[-1].startswith("请表述企业注册成立情况") and intro[-1].endswith("（500字以内）。")
    cases = _guidance_of(page, "report.body.case_studies")
    assert cases and "不涉及商业秘密" in cases[-1]
    for name in (
        "intro",
        "services",
        "advantages",
        "indicators",
        "scenarios",
        "case_studies",
        "leaders",
        "team",
    ):
        lines = _guidance_of(page, f"report.body.{name}")
        assert lines, name
        assert all(line in paper for line in lines), name  # the template's own words, not retyped


def test_the_pledge_page_shows_the_pledge_above_its_date(site: Site) -> None:
    page = _section(site, "report.pledge")
    lines = _guidance_of(page, "report.pledge.date")
    assert lines[0].startswith("我单位申报的所有材料均真实、完整、有效") and lines[0].endswith(
        "愿承担相应责任。"
    )
    box = page.xpath('//*[@id="f-report.pledge.date-box"]')[0]
    order = [e.get("class") or e.tag for e in box]
    assert order.index("paper") < order.index("input")  # read before the date it signs
