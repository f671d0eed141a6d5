"""A bureau's summary tables from the portal hold applicants' text as text, never as a formula
(issue 17 item 1: a unit name ``=HYPERLINK(...)`` submitted and accepted became a live link)."""

from __future__ import annotations

from pathlib import Path

from tests.formulas import CALC, HYPERLINK, assert_typed
from tests.workflows.portal.conftest import CITY, ENTERPRISE, PROVIDER, Site, example, start
from tests.workflows.portal.test_flow import csrf_of


def test_the_bureaus_tables_hold_the_payloads_as_text(site: Site, tmp_path: Path) -> None:
    site.user("provider", "applicant", "成都市")
    site.user("enterprise", "applicant", "成都市")
    site.user("chengdu", "bureau", "成都市")
    bureau = site.client("chengdu")

    report = example(PROVIDER)
    report["report"]["profile"]["unit_name"] = HYPERLINK
    report["report"]["self_assessment"] = f"{CALC}。{report['report']['self_assessment']}"
    row = example(ENTERPRISE)
    row["application"]["unit_name"] = CALC
    for name, packet_id, data in (("provider", PROVIDER, report), ("enterprise", ENTERPRISE, row)):
        applicant = site.client(name)
        application = start(applicant, packet_id, data)
        assert applicant.post(f"/api/applications/{application}/submit").json()["status"] == "submitted"
        assert bureau.post(f"/api/applications/{application}/accept", json={}).json()["status"] == "accepted"

    profile = bureau.get(f"/bureau/packets/{CITY}/profile").text
    fields = {
        "bureau.name": "成都市经济和信息化局",
        "bureau.city": "成都市",
        "bureau.contact": "张强",
        "bureau.phone": "028-61881234",
    }
    bureau.post(f"/bureau/packets/{CITY}/profile", data={"csrf": csrf_of(profile), **fields})
    expected = {
        "sichuan-2023-110.annex2.xlsx": [HYPERLINK, report["report"]["self_assessment"]],
        "sichuan-2023-110.annex5.xlsx": [CALC],
    }
    for name, texts in expected.items():
        table = bureau.get(f"/bureau/packets/{CITY}/tables/{name}")
        assert table.status_code == 200, table.text
        (tmp_path / name).write_bytes(table.content)
        assert_typed(tmp_path / name, texts)
