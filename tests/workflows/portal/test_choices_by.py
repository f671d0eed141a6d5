"""区（县、市） is chosen from the list of the 市（州） chosen beside it, never typed against a hidden list."""

from __future__ import annotations

import json
from typing import Any

import lxml.html

import formgen
from formgen.workflows.portal import forms
from tests.workflows.portal.conftest import PROVIDER, Site, example, start

COUNTY = "report.profile.region.county"


def _profile_page(site: Site, data: dict[str, Any]) -> Any:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER, data)
    sections = forms.sections(formgen.registry().packet(PROVIDER).model)
    index = next(n for n, s in enumerate(sections) if s.path == "report.profile")
    return lxml.html.fromstring(client.get(f"/applications/{report}/sections/{index}?check=1").text)


def _options(page: Any) -> list[str]:
    return [o for o in page.xpath(f'//select[@name="{COUNTY}"]/option/@value') if o]


def test_the_county_is_a_list_of_the_chosen_citys_counties(site: Site) -> None:
    page = _profile_page(site, example(PROVIDER))
    options = _options(page)
    assert options[:4] == ["锦江区", "青羊区", "金牛区", "武侯区"] and len(options) == 20  # 成都市's 20
    assert page.xpath(f'//select[@name="{COUNTY}"]/option[@selected]/@value') == ["武侯区"]
    select = page.xpath(f'//select[@name="{COUNTY}"]')[0]
    assert select.get("data-choices-by") == "report.profile.region.city"
    groups = json.loads(select.get("data-choices"))  # the page script narrows the list from these
    assert len(groups) == 21 and "西昌市" in groups["凉山彝族自治州"]
    assert page.xpath(f'//label[@for="{select.get("id")}"]/text()')[0].strip() == "区（县、市）"


def test_without_a_city_every_county_is_offered_and_a_name_typed_before_is_kept(site: Site) -> None:
    data = example(PROVIDER)
    data["report"]["profile"]["region"] = {"county": "高新区"}
    page = _profile_page(site, data)
    options = _options(page)
    assert options[0] == "高新区" and len(options) == 1 + 183  # kept, then all 183 counties
    assert page.xpath(f'//select[@name="{COUNTY}"]/option[@selected]/@value') == ["高新区"]
