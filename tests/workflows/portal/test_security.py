"""Each refusal of the portal, proven: other people's applications, other regions, CSRF,
sign-in rate limit, sizes, upload kinds, headers and cookies, hostile text."""

from __future__ import annotations

import io
import re

from docx import Document
from fastapi.testclient import TestClient
from PIL import Image

from formgen.workflows.portal import security
from formgen.workflows.portal.app import create_app
from tests.workflows.portal.conftest import PASSWORD, PROVIDER, Site, example, start, stored_uploads


def _png() -> bytes:
    """A real one-pixel PNG: uploads are opened as pictures, not only sniffed."""
    out = io.BytesIO()
    Image.new("L", (1, 1), 255).save(out, format="PNG")
    return out.getvalue()


PNG = _png()


def test_an_applicant_cannot_read_or_change_anothers_application(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    site.user("b", "applicant", "成都市")
    a, b = site.client("a"), site.client("b")
    mine = start(a, PROVIDER, example(PROVIDER))
    assert b.get(f"/api/applications/{mine}").status_code == 404
    assert b.put(f"/api/applications/{mine}/data", json={"data": {}, "version": 2}).status_code == 404
    assert b.post(f"/api/applications/{mine}/submit").status_code == 404
    assert b.get(f"/applications/{mine}/sections/0").status_code == 404
    assert b.get(f"/applications/{mine}/documents/sichuan-2023-110.annex3.docx").status_code == 404
    assert b.get("/api/applications").json() == []
    page = b.get(f"/applications/{mine}/sections/3").text
    assert "成都蜀安智造" not in page  # nothing leaked on the error page
    assert (
        a.get(f"/api/applications/{mine}").json()["data"]["report"]["profile"]["unit_name"]
        == "成都蜀安智造技术服务有限公司"
    )


def test_a_bureau_sees_its_own_region_only_and_cannot_edit(site: Site) -> None:
    site.user("chengdu-applicant", "applicant", "成都市")
    site.user("mianyang-applicant", "applicant", "绵阳市")
    site.user("chengdu", "bureau", "成都市")
    in_chengdu = start(site.client("chengdu-applicant"), PROVIDER, example(PROVIDER))
    in_mianyang = start(site.client("mianyang-applicant"), PROVIDER, example(PROVIDER))
    bureau = site.client("chengdu")
    assert [x["id"] for x in bureau.get("/api/applications").json()] == [in_chengdu]
    assert bureau.get(f"/api/applications/{in_mianyang}").status_code == 404
    assert bureau.get(f"/bureau/applications/{in_mianyang}").status_code == 404
    assert bureau.post(f"/api/applications/{in_mianyang}/accept", json={}).status_code == 404
    assert f"/bureau/applications/{in_mianyang}" not in bureau.get("/bureau").text
    # Reading its own region's application is allowed; changing its data is not.
    assert bureau.get(f"/api/applications/{in_chengdu}").status_code == 200
    assert (
        bureau.put(f"/api/applications/{in_chengdu}/data", json={"data": {}, "version": 2}).status_code == 403
    )
    # An applicant is no bureau.
    assert (
        site.client("chengdu-applicant").post(f"/api/applications/{in_chengdu}/accept", json={}).status_code
        == 403
    )


def test_changes_without_the_csrf_token_are_refused(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    token = client.headers.pop("X-CSRF-Token")
    assert client.put(f"/api/applications/{report}/data", json={"data": {}, "version": 1}).status_code == 403
    assert client.post("/api/applications", json={"packet_id": PROVIDER}).status_code == 403
    form = client.post(f"/applications/{report}/sections/1", data={"version": "1", "report.recommender": "x"})
    assert form.status_code == 403
    wrong = client.post(
        f"/applications/{report}/sections/1",
        data={"csrf": token + "x", "version": "1", "report.recommender": "x"},
    )
    assert wrong.status_code == 403
    assert site.client().post("/login", data={"name": "a", "password": PASSWORD}).status_code == 403
    client.headers["X-CSRF-Token"] = token
    assert client.get(f"/api/applications/{report}").json()["version"] == 1  # nothing was saved


def test_sign_in_is_rate_limited(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client()
    for _ in range(security.LOGIN_LIMIT):
        assert client.post("/api/login", json={"name": "a", "password": "wrong password"}).status_code == 401
    refused = client.post("/api/login", json={"name": "a", "password": PASSWORD})
    assert refused.status_code == 429
    assert "15" in refused.json()["detail"]
    site.user("b", "applicant", "成都市")
    assert client.post("/api/login", json={"name": "b", "password": PASSWORD}).status_code == 200


def test_oversize_requests_and_uploads_get_413(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    big = PNG + b"\x00" * (20 * 1024 * 1024)
    token = client.headers["X-CSRF-Token"]
    upload = client.post(
        f"/applications/{report}/attachments",
        data={"csrf": token, "title": "营业执照"},
        files={"file": ("a.png", big)},
    )
    assert upload.status_code == 413
    huge = client.put(
        f"/api/applications/{report}/data",
        content=b"{" + b" " * (22 * 1024 * 1024) + b"}",
        headers={"content-type": "application/json"},
    )
    assert huge.status_code == 413
    assert stored_uploads(site) == {}


def test_uploads_are_checked_by_content_and_stored_under_server_names(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    token = client.headers["X-CSRF-Token"]
    fake = client.post(
        f"/applications/{report}/attachments",
        data={"csrf": token, "title": "营业执照"},
        files={"file": ("licence.png", b"<html><script>alert(1)</script></html>")},
    )
    assert fake.status_code == 422
    assert "PDF" in fake.text
    renamed = client.post(
        f"/applications/{report}/attachments",
        data={"csrf": token, "title": "营业执照"},
        files={"file": ("licence.pdf", PNG)},
    )
    assert renamed.status_code == 422
    assert "not what the extension says" in renamed.text
    good = client.post(
        f"/applications/{report}/attachments",
        data={"csrf": token, "title": "营业执照"},
        files={"file": ("../../etc/passwd.png", PNG)},
        follow_redirects=False,
    )
    assert good.status_code == 303
    ((name, content),) = stored_uploads(site).items()
    assert re.fullmatch(r"[0-9a-f]{32}\.png", name)
    with Image.open(io.BytesIO(content)) as kept, Image.open(io.BytesIO(PNG)) as sent:
        assert kept.format == "PNG" and kept.tobytes() == sent.tobytes(), "rebuilt, same pixels"
    assert not (site.data_dir / "uploads").exists(), "kept in the database, not on one process's disk"
    data = client.get(f"/api/applications/{report}").json()
    assert data["problems"] is not None
    page = client.get(f"/applications/{report}/sections/6").text
    assert "营业执照" in page and "passwd" not in page


def test_every_response_carries_the_security_headers_and_cookie_flags(site: Site) -> None:
    page = site.client().get("/login")
    assert page.headers["content-security-policy"] == security.CSP
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "'unsafe-inline'" not in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert "<script>" not in page.text and 'src="/static/portal.js"' in page.text
    cookie = page.headers["set-cookie"]
    assert (
        "httponly" in cookie.lower()
        and "samesite=strict" in cookie.lower()
        and "secure" not in cookie.lower()
    )
    secure = create_app(site.data_dir, None, secure_cookies=True)
    behind_tls = TestClient(secure, base_url="https://portal.example").get("/login")
    assert "; secure" in behind_tls.headers["set-cookie"].lower()
    assert behind_tls.headers["strict-transport-security"].startswith("max-age=")


HOSTILE = "{{ 7*7 }}{% raw %}<script>alert('x')</script>&amp;<w:t/>\u202eRTL\u202c"


def test_hostile_text_prints_literally_or_gets_the_rulebooks_message(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    data = example(PROVIDER)
    data["report"]["profile"]["unit_name"] = HOSTILE
    data["report"]["profile"]["address"] = "成都\x07市"
    data["report"]["self_assessment"] = "很" * 100_000
    report = start(client, PROVIDER, data)
    problems = {p["path"]: p for p in client.get(f"/api/applications/{report}").json()["problems"]}
    assert "控制字符" in problems["report.profile.address"]["message_zh"]
    assert "不超过200字" in problems["report.self_assessment"]["message_zh"]
    page = client.get(f"/applications/{report}/sections/3").text
    # The template syntax is not run (no 49) and the markup is escaped, whole, in the input's value.
    typed = "{{ 7*7 }}{% raw %}&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;&lt;w:t/&gt;\u202eRTL\u202c"
    assert f'name="report.profile.unit_name" value="{typed}"' in page
    # Mended, the document prints the hostile name exactly as typed.
    data["report"]["profile"]["address"] = "成都市"
    data["report"]["self_assessment"] = "简短的自评。"
    version = client.get(f"/api/applications/{report}").json()["version"]
    client.put(f"/api/applications/{report}/data", json={"data": data, "version": version})
    made = client.get(f"/applications/{report}/documents/sichuan-2023-110.annex3.docx")
    document = Document(io.BytesIO(made.content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert HOSTILE in cells
