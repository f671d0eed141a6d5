"""More walks in Chromium: every page at a phone's width, one whole form by keyboard only, the
read-only view a bureau reads, and a 市（州） bureau with service providers only downloading its
附件2 and its packet. Screenshots go to test-artifacts/portal/<walk>/ to be looked at.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from playwright.sync_api import BrowserContext, Page, ViewportSize, expect

import formgen
from formgen.data import cells
from formgen.workflows.portal import forms, notice_drafts
from formgen.workflows.portal.accounts import add_user
from tests.drafting.small_forms import rows_two_level
from tests.reading import pdf_text
from tests.workflows.portal.browsing import ARTIFACTS, Steps
from tests.workflows.portal.conftest import CITY, ENTERPRISE, PASSWORD, PROVIDER, example
from tests.workflows.portal.test_browser import sign_in, sign_out

PHONE: ViewportSize = {"width": 390, "height": 844}


def _script(app: Any, name: str) -> TestClient:
    """A signed-in JSON client, as a bulk script would use the portal."""
    client = TestClient(app)
    client.headers["X-CSRF-Token"] = client.post(
        "/api/login", json={"name": name, "password": PASSWORD}
    ).json()["csrf"]
    return client


def _submitted(app: Any, name: str, packet_id: str) -> int:
    client = _script(app, name)
    row = client.post("/api/applications", json={"packet_id": packet_id}).json()
    saved = client.put(
        f"/api/applications/{row['id']}/data", json={"data": example(packet_id), "version": row["version"]}
    )
    assert saved.status_code == 200, saved.text
    assert client.post(f"/api/applications/{row['id']}/submit").json()["status"] == "submitted"
    return int(row["id"])


def _draft(app: Any, name: str, packet_id: str) -> int:
    client = _script(app, name)
    row = client.post("/api/applications", json={"packet_id": packet_id}).json()
    client.put(
        f"/api/applications/{row['id']}/data", json={"data": example(packet_id), "version": row["version"]}
    )
    return int(row["id"])


ENGLISH_SEEN: dict[str, set[str]] = {}
"""Per page, the runs of two or more Latin words its text holds: a sentence in English."""


DATES: dict[str, dict[str, bool]] = {}
"""Per page, its date fields and whether the format is said in Chinese beside each: their picker
shows the browser's words (mm/dd/yyyy in an English browser), which the page cannot change."""


def _fits(page: Page, steps: Steps, url: str, name: str) -> tuple[str, int]:
    page.goto(url)
    steps.shot(page, name)
    ENGLISH_SEEN[name] = set(re.findall(r"[A-Za-z]+(?: [A-Za-z]+)+| / [a-z]+", page.inner_text("body"))) - {
        "formgen serve"
    }
    DATES[name] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('input[type=date]')].map(input => {
            const said = (input.getAttribute('aria-describedby') || '').split(' ')
                .map(id => document.getElementById(id)).filter(e => e && e.checkVisibility());
            return [input.id, said.some(e => e.innerText.includes('格式：年-月-日'))];
        }))"""
    )
    width: int = page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
    )
    return name, width


@pytest.mark.pdf
def test_every_page_fits_a_phone(served: tuple[str, Any], browser: BrowserContext) -> None:
    base, app = served
    with app.state.portal.db() as session:
        add_user(session, "蜀安公司", PASSWORD, "applicant", "成都市")
        add_user(session, "诊断企业", PASSWORD, "applicant", "成都市")
        add_user(session, "成都市经信局", PASSWORD, "bureau", "成都市")
        add_user(session, "管理员", PASSWORD, "admin", "")
    sent = _submitted(app, "诊断企业", ENTERPRISE)
    draft = _draft(app, "蜀安公司", PROVIDER)
    with app.state.portal.db() as session:  # a notice brought in, on its review and publish page
        imported = notice_drafts.create(
            session, [("主要生产设备表.docx", rows_two_level().content)], "demo-phone"
        )
        imported_id = imported.id
    steps = Steps("phone")
    page = browser.new_page()
    page.set_viewport_size(PHONE)

    sign_in(page, base, "蜀安公司")
    sections = forms.sections(formgen.registry().packet(PROVIDER).model)
    visited = [_fits(page, steps, f"{base}/applications", "applicant-list")]
    visited += [
        _fits(page, steps, f"{base}/applications/{draft}/sections/{n}", f"section-{n}")
        for n in range(len(sections))
    ]
    visited.append(_fits(page, steps, f"{base}/applications/{draft}/summary", "review"))
    page.get_by_role("button", name="提交申请").click()
    visited.append(("confirm-submit", page.evaluate("() => document.documentElement.scrollWidth")))
    steps.shot(page, "confirm-submit")
    page.get_by_role("button", name="确定提交").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("提交回执")
    pages = {
        "receipt": f"/applications/{draft}/receipt",
        "applicant-read-only": f"/applications/{draft}/sections/3",
        "applicant-paper": f"/applications/{draft}/paper",
        "password": "/account/password",
    }
    visited += [_fits(page, steps, base + url, name) for name, url in pages.items()]
    sign_out(page)
    for user, pages in (
        (
            "成都市经信局",
            {
                "bureau-list": "/bureau",
                "bureau-provider": f"/bureau/applications/{draft}",
                "bureau-enterprise": f"/bureau/applications/{sent}",
                "bureau-profile": f"/bureau/packets/{CITY}/profile",
            },
        ),
        (
            "管理员",
            {
                "admin-notices": "/admin/notices",
                "admin-users": "/admin/users",
                "admin-mail": "/admin/mail",
                "admin-drafts": "/admin/drafts",
                "admin-draft-publish": f"/admin/drafts/{imported_id}",
            },
        ),
    ):
        sign_in(page, base, user)
        visited += [_fits(page, steps, base + url, name) for name, url in pages.items()]
        if user == "成都市经信局":  # the bureau's confirmation, as a returned comment shows on it
            page.goto(f"{base}/bureau/applications/{draft}")
            page.get_by_label("退回意见").fill(
                "请注明注册地址的楼层，并补充2022年度财务报表的审计报告扫描件。"
            )
            page.get_by_role("button", name="退回", exact=True).click()
            visited.append(("confirm-return", page.evaluate("() => document.documentElement.scrollWidth")))
            steps.shot(page, "confirm-return")
        sign_out(page)
    visited.append(_fits(page, steps, f"{base}/login", "login"))
    wide = [(name, width) for name, width in visited if width > PHONE["width"]]
    assert len(visited) == len(sections) + 18
    assert wide == [], f"pages wider than a {PHONE['width']} px phone: {wide}"
    english = {name: words for name, words in ENGLISH_SEEN.items() if words}
    assert english == {}, f"English shown to users: {english}"
    assert {"pub-date", "pub-closes"} <= DATES["admin-draft-publish"].keys()
    assert "closes-1" in DATES["admin-notices"]
    unsaid = {name: [i for i, said in dates.items() if not said] for name, dates in DATES.items()}
    unsaid = {name: ids for name, ids in unsaid.items() if ids}
    assert unsaid == {}, f"date fields whose format is not said in Chinese: {unsaid}"


def _dark_share(shot: bytes) -> float:
    """The share of an element's pixels a reader sees as ink (luminance below 100 of 255)."""
    grey = Image.open(io.BytesIO(shot)).convert("L")
    histogram = grey.histogram()
    return sum(histogram[:100]) / sum(histogram)


@pytest.mark.pdf
def test_a_providers_only_bureau_downloads_its_annex2_and_packet_by_keyboard(
    served: tuple[str, Any], browser: BrowserContext, tmp_path: Path
) -> None:
    base, app = served
    with app.state.portal.db() as session:
        add_user(session, "蜀安公司", PASSWORD, "applicant", "成都市")
        add_user(session, "成都市经信局", PASSWORD, "bureau", "成都市")
    report = _submitted(app, "蜀安公司", PROVIDER)
    unit = example(PROVIDER)["report"]["profile"]["unit_name"]
    steps = Steps("providers-only")
    page = browser.new_page()
    page.set_viewport_size({"width": 1100, "height": 900})
    sign_in(page, base, "成都市经信局")
    steps.shot(page, "bureau-list-provider-only")

    # The read-only view: ticked boxes read as ink, not greyed out.
    page.get_by_role("link", name=unit).click()
    page.get_by_role("link", name="查看填写内容").click()
    ticked = page.locator('input[name="report.directions"]:checked').first
    expect(ticked).to_be_disabled()
    unticked = page.locator('input[name="report.directions"]:not(:checked)').first
    assert _dark_share(ticked.screenshot()) > 0.25  # dark frame and tick
    assert _dark_share(ticked.screenshot()) > 1.5 * _dark_share(unticked.screenshot())
    steps.shot(page, "bureau-read-only")
    page.goto(f"{base}/bureau/applications/{report}")
    page.get_by_role("button", name="受理", exact=True).click()
    page.get_by_role("button", name="确定受理").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已受理")

    # The 推荐单位 form, completed with the keyboard only: Tab from field to field, type,
    # Enter to save. The 市（州） is the bureau's own region already, and stays so.
    page.goto(f"{base}/bureau/packets/{CITY}/profile")
    expect(page.locator('[name="bureau.city"]')).to_have_value("成都市")
    first = page.locator("main input:not([type=hidden]), main select").first
    first.focus()
    answers = {"推荐单位": "成都市经济和信息化局", "联系人": "张强", "联系电话": "028-61881234"}
    filled: list[str] = []
    for _ in range(12):
        focused = page.evaluate(
            "() => { const e = document.activeElement; const l = e.labels && e.labels[0];"
            " return [e.tagName, e.name || '', l ? l.textContent.trim() : '']; }"
        )
        tag, name, label = focused
        key = next((k for k in answers if label.startswith(k)), None)
        if tag == "SELECT" and name.endswith("city"):
            filled.append(name)
        elif tag == "INPUT" and key:
            page.keyboard.type(answers[key])
            filled.append(name)
        if len(filled) == 4:
            break
        page.keyboard.press("Tab")
    steps.shot(page, "profile-typed-by-keyboard")
    page.keyboard.press("Enter")
    expect(page.locator('[name="bureau.city"]')).to_have_value("成都市")
    expect(page.locator("main")).not_to_contain_text("缺少必填项")
    assert len(filled) == 4, filled

    page.goto(f"{base}/bureau")
    expect(page.get_by_role("link", name=f"{CITY}.pdf（汇总装订材料）")).to_be_visible()
    steps.shot(page, "bureau-packet-ready-providers-only")
    annex2 = page.locator(f'a[href^="/bureau/packets/{CITY}/tables/"]', has_text="annex2")
    with page.expect_download() as table:
        annex2.click()
    sheet = cells.open_workbook(Path(table.value.path()).read_bytes()).worksheets[0]
    rows = [r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] is not None]
    assert [r[1] for r in rows] == [unit] and "医药制造" in str(rows[0][9])
    with page.expect_download(timeout=180000) as packet:
        page.get_by_role("link", name=f"{CITY}.pdf（汇总装订材料）").click()
    pdf = tmp_path / "city.pdf"
    packet.value.save_as(pdf)
    text = pdf_text(pdf)
    assert "四川省技术改造综合服务商汇总表" in text and unit in text
    assert "四川省技术改造综合诊断服务企业申请表" not in text  # no 附件5 without enterprises
    (ARTIFACTS / "providers-only" / "city.pdf").write_bytes(pdf.read_bytes())


@pytest.mark.pdf
def test_the_county_list_follows_the_city_chosen(served: tuple[str, Any], browser: BrowserContext) -> None:
    base, app = served
    with app.state.portal.db() as session:
        add_user(session, "蜀安公司", PASSWORD, "applicant", "成都市")
    draft = _draft(app, "蜀安公司", PROVIDER)
    sections = forms.sections(formgen.registry().packet(PROVIDER).model)
    index = next(n for n, s in enumerate(sections) if s.path == "report.profile")
    page = browser.new_page()
    sign_in(page, base, "蜀安公司")
    page.goto(f"{base}/applications/{draft}/sections/{index}")
    county = page.locator('[name="report.profile.region.county"]')
    expect(county).to_have_value("武侯区")
    page.locator('[name="report.profile.region.city"]').select_option("德阳市")
    options = county.locator("option").all_text_contents()
    assert options == ["— 请选择 —", "旌阳区", "罗江区", "中江县", "广汉市", "什邡市", "绵竹市"]
    county.select_option("广汉市")
    page.locator('[name="report.profile.region.county"]').press("Tab")
    Steps("county").shot(page, "county-follows-city")
