"""The guided filling as an applicant meets it: suffixes the paper prints shown beside their
inputs, problems only where a field was left, links that land on their field, a review before
submitting, confirmations, a receipt."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.workflows.portal.conftest import PROVIDER, Site, start


def _suffix_after(html: str, path: str) -> str:
    """The suffix printed right after the input named `path`, '' when none."""
    found = re.search(
        rf'<input id="[^"]*" name="{re.escape(path)}"[^>]*>(?:<span class="suffix"[^>]*>([^<]*)</span>)?',
        html,
    )
    assert found is not None, path
    return found.group(1) or ""


def section_with(client: TestClient, application: int, path: str) -> tuple[int, str]:
    """The index and page of the section holding the input named `path`."""
    for index in range(20):
        page = client.get(f"/applications/{application}/sections/{index}")
        assert page.status_code == 200, path
        if f'name="{path}"' in page.text:
            return index, page.text
    raise AssertionError(path)


def test_the_ji_the_paper_prints_after_a_level_is_shown_beside_its_input(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    _, html = section_with(client, report, "report.profile.qualifications[安全评价机构资质].detail")
    assert _suffix_after(html, "report.profile.qualifications[安全评价机构资质].detail") == "级"
    assert (
        _suffix_after(html, "report.profile.qualifications[绿色制造体系评价第三方评价机构资格].detail") == ""
    )
    assert _suffix_after(html, "report.profile.qualifications[其他].detail") == ""
