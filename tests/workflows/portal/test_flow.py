"""An applicant's and a bureau's whole round through the JSON API and the pages, in-process."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient

import formgen
from formgen.workflows.portal.accounts import add_user
from formgen.workflows.portal.app import create_app
from tests.pdf_reading import bookmarks
from tests.reading import pdf_text
from tests.workflows.portal.conftest import (
    CITY,
    ENTERPRISE,
    PASSWORD,
    PROVIDER,
    Site,
    example,
    start,
    table_cells,
)


def test_submit_return_resubmit_accept_and_the_summary_tables(site: Site) -> None:
    site.user("provider", "applicant", "成都市")
    site.user("enterprise", "applicant", "成都市")
    site.user("chengdu", "bureau", "成都市")
    applicant, bureau = site.client("provider"), site.client("chengdu")

    report = start(applicant, PROVIDER, example(PROVIDER))
    read = applicant.get(f"/api/applications/{report}").json()
    assert read["status"] == "draft"
    assert not [p for p in read["problems"] if p["severity"] == "error"]
    assert applicant.post(f"/api/applications/{report}/submit").json()["status"] == "submitted"

    listed = bureau.get("/api/applications").json()
    assert [a["id"] for a in listed] == [report]
    returned = bureau.post(f"/api/applications/{report}/return", json={"comment": "请补充2022年营业收入证明"})
    assert returned.json()["status"] == "returned"
    page = applicant.get(f"/applications/{report}/sections/0").text
    assert "请补充2022年营业收入证明" in page

    data = read["data"]
    data["report"]["profile"]["unit_name"] = "成都蜀安智造技术服务股份有限公司"
    version = applicant.get(f"/api/applications/{report}").json()["version"]
    assert (
        applicant.put(f"/api/applications/{report}/data", json={"data": data, "version": version}).status_code
        == 200
    )
    assert applicant.post(f"/api/applications/{report}/submit").json()["status"] == "submitted"
    assert bureau.post(f"/api/applications/{report}/accept", json={}).json()["status"] == "accepted"

    other = site.client("enterprise")
    row = start(other, ENTERPRISE, example(ENTERPRISE))
    other.post(f"/api/applications/{row}/submit")
    bureau.post(f"/api/applications/{row}/accept", json={})

    # The bureau fills its own details, then its tables are built from the accepted applications.
    profile = bureau.get(f"/bureau/packets/{CITY}/profile")
    csrf = re.search(r'name="csrf" value="([^"]+)"', profile.text)
    assert csrf is not None
    bureau.post(
        f"/bureau/packets/{CITY}/profile",
        data={
            "csrf": csrf.group(1),
            "bureau.name": "成都市经济和信息化局",
            "bureau.city": "成都市",
            "bureau.contact": "张强",
            "bureau.phone": "028-61881234",
        },
    )
    home = bureau.get("/bureau").text
    assert "区县推荐材料" not in home  # a 市（州） bureau sees no 区县 packet of the other notice
    names = re.findall(rf"/bureau/packets/{CITY}/tables/([\w.-]+\.xlsx)", home)
    assert names == ["sichuan-2023-110.annex2.xlsx", "sichuan-2023-110.annex5.xlsx"]
    table = bureau.get(f"/bureau/packets/{CITY}/tables/{names[0]}")
    assert table.status_code == 200
    cells = table_cells(table.content)
    assert "成都蜀安智造技术服务股份有限公司" in cells


def test_the_filled_docx_holds_the_data_and_a_draft_with_errors_gives_the_blank(site: Site) -> None:
    site.user("provider", "applicant", "成都市")
    client = site.client("provider")
    report = start(client, PROVIDER, example(PROVIDER))
    made = client.get(f"/applications/{report}/documents/sichuan-2023-110.annex3.docx")
    assert made.status_code == 200
    assert "成都蜀安智造技术服务有限公司" in _all_text(made.content)
    empty = start(client, PROVIDER)
    blank = client.get(f"/applications/{empty}/documents/sichuan-2023-110.annex3.docx")
    assert blank.status_code == 200
    assert "blank-" in blank.headers["content-disposition"]
    assert "成都蜀安智造" not in _all_text(blank.content)
    assert client.get(f"/applications/{empty}/packet.pdf").status_code == 422


def _all_text(content: bytes) -> str:
    """Every paragraph of a DOCX, tables included."""
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.mark.pdf
def test_the_preview_pdf_holds_the_report_then_the_uploaded_scan(tmp_path: Path) -> None:
    app = create_app(tmp_path / "data", None, workers=1, secure_cookies=False)
    with TestClient(app) as client:  # the lifespan starts the warm LibreOffice worker
        with app.state.portal.db() as session:
            add_user(session, "a", PASSWORD, "applicant", "成都市")
        client.headers["X-CSRF-Token"] = client.post(
            "/api/login", json={"name": "a", "password": PASSWORD}
        ).json()["csrf"]
        report = start(client, PROVIDER, example(PROVIDER))
        scan = (
            Path(formgen.__file__).parents[1]
            / "data_models/sichuan_2023_110/examples/attachments/business-licence.png"
        )
        uploaded = client.post(
            f"/applications/{report}/attachments",
            data={"csrf": client.headers["X-CSRF-Token"], "title": "营业执照（副本）"},
            files={"file": ("licence.png", scan.read_bytes())},
        )
        assert uploaded.status_code == 200
        made = client.get(f"/applications/{report}/packet.pdf")
        assert made.status_code == 200
        assert "preview-sichuan-2023-110.provider.pdf" in made.headers["content-disposition"]
        pdf = tmp_path / "preview.pdf"
        pdf.write_bytes(made.content)
        marks = [m.title for m in bookmarks(pdf)]
        assert marks[-1] == "营业执照（副本）"
        assert "成都蜀安智造技术服务有限公司" in pdf_text(pdf)


def test_a_chongqing_district_builds_its_summary_table_from_its_accepted_platform(site: Site) -> None:
    site.user("platform", "applicant", "璧山区")
    site.user("bishan", "bureau", "璧山区")
    applicant, bureau = site.client("platform"), site.client("bishan")
    application = start(applicant, "chongqing-2023-1.platform", example("chongqing-2023-1.platform"))
    assert applicant.post(f"/api/applications/{application}/submit").json()["status"] == "submitted"
    assert bureau.post(f"/api/applications/{application}/accept", json={}).json()["status"] == "accepted"
    home = bureau.get("/bureau").text
    assert "市（州）推荐材料" not in home
    profile = bureau.get("/bureau/packets/chongqing-2023-1.district/profile").text
    fields = {
        "district.name": "重庆市璧山区经济和信息化委员会",
        "district.contact": "张敏",
        "district.phone": "023-41421234",
    }
    bureau.post(
        "/bureau/packets/chongqing-2023-1.district/profile", data={"csrf": csrf_of(profile), **fields}
    )
    table = bureau.get("/bureau/packets/chongqing-2023-1.district/tables/chongqing-2023-1.annex1.xlsx")
    assert table.status_code == 200, table.text
    cells = table_cells(table.content)
    assert "重庆璧能绿色科技有限公司" in cells


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)
