"""Sign-up with e-mail confirmation and a password reset, end to end in Chromium against the
portal served on loopback, its letters delivered to a real SMTP server and their links
followed in the browser. Screenshots of each step: test-artifacts/portal/accounts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from formgen.model.checks import uscc_check_character
from formgen.workflows.portal.accounts import add_user
from formgen.workflows.portal.app import create_app
from formgen.workflows.portal.db import User
from tests.workflows.portal.browsing import Steps, chromium, serving
from tests.workflows.portal.conftest import PASSWORD
from tests.workflows.portal.smtp import Inbox, free_port, link_in

CODE = "91510100MA61R8XK0" + uscc_check_character("91510100MA61R8XK0")
WRONG_CODE = CODE[:17] + ("A" if CODE[17] != "A" else "B")
ADDRESS = "office@shuan.example.cn"
NEW_PASSWORD = "new-secret-2026"


@pytest.fixture
def mailing(tmp_path: Path, inbox: tuple[str, Inbox]) -> Iterator[tuple[str, Any, Inbox]]:
    """The portal on loopback sending through `inbox`'s server, its letters' links pointing
    at it; its base URL, the app and the inbox."""
    port = free_port()
    app = create_app(
        tmp_path / "data",
        None,
        workers=1,
        secure_cookies=False,
        smtp=inbox[0],
        public_url=f"http://127.0.0.1:{port}",
    )
    with serving(app, port) as base:
        yield base, app, inbox[1]


@pytest.fixture
def browser() -> Iterator[BrowserContext]:
    """Chromium from Debian with a fresh profile."""
    with chromium() as context:
        yield context


def sign_in(page: Page, base: str, name: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_label("密码").press("Enter")


def test_sign_up_confirm_by_e_mail_and_reset_the_password_in_a_real_browser(
    mailing: tuple[str, Any, Inbox], browser: BrowserContext
) -> None:
    base, app, inbox = mailing
    steps = Steps("accounts")
    page = browser.new_page()
    page.set_viewport_size({"width": 1100, "height": 900})

    # Sign-up: a wrong check character, a region not offered and a weak password are shown
    # beside their fields; the form keeps what was typed.
    page.goto(base + "/login")
    steps.shot(page, "login")
    page.get_by_role("link", name="申请人注册").click()
    expect(page.get_by_role("heading", name="申请人注册")).to_be_visible()
    page.get_by_label("单位名称").fill("成都蜀安智造技术服务有限公司")
    page.get_by_label("统一社会信用代码").fill(WRONG_CODE)
    page.get_by_label("所在地区").select_option("成都市")
    page.get_by_label("电子邮箱").fill(ADDRESS)
    page.get_by_label("密码").fill("short")
    steps.shot(page, "signup-filled")
    page.get_by_role("button", name="注册").click()
    expect(page.locator("#credit_code-problem")).to_contain_text(f"校验位应为 {CODE[17]}")
    expect(page.locator("#password-problem")).to_contain_text("至少10个字符")
    expect(page.get_by_label("单位名称")).to_have_value("成都蜀安智造技术服务有限公司")
    expect(page.get_by_label("所在地区")).to_have_value("成都市")
    steps.shot(page, "signup-problems")
    page.get_by_label("统一社会信用代码").fill(CODE)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_role("heading", name="请查收邮件")).to_be_visible()
    steps.shot(page, "signup-sent")

    # No sign-in before the address is confirmed.
    sign_in(page, base, ADDRESS, PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("邮箱尚未确认")
    steps.shot(page, "signin-unconfirmed")

    (confirm,) = inbox.wait_for(1)
    page.goto(link_in(confirm, "/confirm/"))
    expect(page.get_by_role("heading", name="邮箱已确认")).to_be_visible()
    steps.shot(page, "confirmed")
    page.get_by_role("link", name="去登录").click()
    sign_in(page, base, ADDRESS, PASSWORD)
    expect(page).to_have_url(base + "/applications")
    steps.shot(page, "signed-in")

    # The password is reset by the e-mailed link.
    page.get_by_role("button", name="退出").click()
    page.get_by_role("link", name="忘记密码").click()
    page.get_by_label("电子邮箱").fill(ADDRESS.upper())
    steps.shot(page, "reset-ask")
    page.get_by_role("button", name="发送重置链接").click()
    expect(page.get_by_role("status")).to_contain_text("如果该邮箱已在申报门户注册")
    steps.shot(page, "reset-asked")

    reset = inbox.wait_for(2)[1]
    assert "重置密码" in reset["subject"]
    link = link_in(reset, "/reset/")
    page.goto(link)
    page.get_by_label("新密码").fill("onlyletterslong")
    page.get_by_role("button", name="设置新密码").click()
    expect(page.get_by_role("alert")).to_contain_text("至少两类")
    steps.shot(page, "reset-weak")
    page.get_by_label("新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="设置新密码").click()
    expect(page.get_by_role("heading", name="密码已重设")).to_be_visible()
    steps.shot(page, "reset-done")

    page.goto(link)
    page.get_by_label("新密码").fill("another-pass-2026")
    page.get_by_role("button", name="设置新密码").click()
    expect(page.get_by_role("alert")).to_contain_text("已使用或已过期")
    steps.shot(page, "reset-link-used")

    sign_in(page, base, ADDRESS, PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    sign_in(page, base, ADDRESS, NEW_PASSWORD)
    expect(page).to_have_url(base + "/applications")

    # The bureau sees the account and the admin sees the letters.
    with app.state.portal.db() as session:
        add_user(session, "成都市经信局", PASSWORD, "bureau", "成都市")
        add_user(session, "管理员", PASSWORD, "admin")
    page.get_by_role("button", name="退出").click()
    sign_in(page, base, "成都市经信局", PASSWORD)
    page.get_by_role("link", name="申请人账户").click()
    expect(page.get_by_role("cell", name="成都蜀安智造技术服务有限公司", exact=True)).to_be_visible()
    steps.shot(page, "bureau-accounts")
    page.get_by_role("button", name="退出").click()
    sign_in(page, base, "管理员", PASSWORD)
    page.get_by_role("link", name="邮件记录").click()
    expect(page.get_by_role("cell", name="已发送").first).to_be_visible()
    steps.shot(page, "admin-mail-log")

    # At a phone's width no page of these flows is wider than the screen.
    page.get_by_role("button", name="退出").click()
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/signup", "/reset", "/login", link):
        page.goto(base + path if path.startswith("/") else path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.goto(base + "/signup")
    steps.shot(page, "phone-signup")


def test_an_admin_and_a_bureau_change_units_and_regions_and_an_applicant_cannot(
    served: tuple[str, Any], browser: BrowserContext
) -> None:
    """The administrator gives a bureau made without its unit's name that name and its region,
    and is told beside the field when an applicant's name is left empty; the bureau corrects
    its own applicant's name; the applicant has no such page."""
    base, app = served
    with app.state.portal.db() as session:
        add_user(session, "管理员", PASSWORD, "admin")
        add_user(session, "德阳局", PASSWORD, "bureau", "成都市")
        add_user(session, "成都市经信局", PASSWORD, "bureau", "成都市", unit_name="成都市经济和信息化局")
        shuan = add_user(session, "蜀安公司", PASSWORD, "applicant", "成都市", unit_name="成都蜀安公司")
        shuan.credit_code = CODE
        add_user(session, "自贡公司", PASSWORD, "applicant", "自贡市", unit_name="自贡示范公司")
        session.commit()
    steps = Steps("account-places")
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    try:
        sign_in(page, base, "管理员", PASSWORD)
        page.get_by_role("link", name="用户管理").click()
        page.get_by_text("修改德阳局的单位和地区").click()
        page.locator("#user-2").get_by_label("单位名称（用作推荐单位）").fill("德阳市经济和信息化局")
        page.locator("#user-2").get_by_label("所在地区").select_option("德阳市")
        steps.shot(page, "admin-edits-a-bureau")
        page.locator("#user-2").get_by_role("button", name="保存").click()
        row = page.locator("#user-2")
        expect(row).to_contain_text("德阳市经济和信息化局")
        expect(row).to_contain_text("德阳市")
        steps.shot(page, "bureau-changed")

        page.get_by_text("修改自贡公司的单位和地区").click()
        page.locator("#user-5").get_by_label("单位名称").fill("")
        page.locator("#user-5").get_by_role("button", name="保存").click()
        expect(page.get_by_role("alert")).to_contain_text("未保存")
        expect(page.locator("#user-5")).to_contain_text("单位名称：请填写单位名称")
        steps.shot(page, "empty-name-refused")
        page.get_by_role("button", name="退出").click()

        sign_in(page, base, "成都市经信局", PASSWORD)
        page.get_by_role("link", name="申请人账户").click()
        expect(page.locator("main")).to_contain_text("成都蜀安公司")
        expect(page.locator("main")).not_to_contain_text("自贡示范公司")
        page.locator("#account-4").get_by_text("修改").first.click()
        page.locator("#account-4").get_by_label("单位名称").fill("成都蜀安智造技术服务有限公司")
        steps.shot(page, "bureau-edits-its-applicant")
        page.locator("#account-4").get_by_role("button", name="保存").click()
        expect(page.locator("#account-4")).to_contain_text("成都蜀安智造技术服务有限公司")
        steps.shot(page, "applicant-renamed")
        page.get_by_role("link", name="成都蜀安智造技术服务有限公司的账户记录").click()
        renamed = page.locator("tr.event-unit_name")
        expect(renamed).to_contain_text("成都蜀安公司 → 成都蜀安智造技术服务有限公司")
        expect(renamed).to_contain_text("成都市经信局")
        steps.shot(page, "bureau-reads-the-history")
        page.get_by_role("button", name="退出").click()

        sign_in(page, base, "蜀安公司", PASSWORD)
        expect(page.get_by_role("link", name="申请人账户")).to_have_count(0)
        page.goto(base + "/accounts")
        expect(page.locator("main")).to_contain_text("无权访问")
        steps.shot(page, "applicant-refused")
        # The applicant reads who renamed it, at a phone's width too.
        page.goto(base + "/applications")
        page.get_by_role("link", name="账户记录", exact=True).click()
        expect(page.locator("tr.event-unit_name")).to_contain_text("成都市经信局")
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        steps.shot(page, "applicant-reads-its-history-phone")
    finally:
        page.close()
    with app.state.portal.db() as session:
        places = {u.name: (u.unit_name, u.region) for u in session.scalars(select(User))}
    assert places["德阳局"] == ("德阳市经济和信息化局", "德阳市")
    assert places["蜀安公司"] == ("成都蜀安智造技术服务有限公司", "成都市")
    assert places["自贡公司"] == ("自贡示范公司", "自贡市")


def test_the_browsers_own_checks_speak_chinese_in_an_english_browser(served: tuple[str, Any]) -> None:
    """A required field left empty, a password too short, an e-mail address mistyped: the
    browser stops the form with its own words, which the portal's script gives in Chinese
    whatever the browser's language."""
    base, app = served
    with app.state.portal.db() as session:
        add_user(session, "蜀安公司", PASSWORD, "applicant", "成都市")
    with chromium("en-US") as context:
        page = context.new_page()
        try:

            def said(selector: str) -> str:
                return str(page.locator(selector).evaluate("input => input.validationMessage"))

            page.goto(base + "/login")
            page.get_by_role("button", name="登录").click()
            assert said("#name") == "请填写此项"
            assert page.url == base + "/login", "the form was not sent"
            page.locator("#name").fill("蜀安公司")
            assert said("#name") == "", "typing clears it"
            page.get_by_role("button", name="登录").click()
            assert said("#password") == "请填写此项"

            page.goto(base + "/signup")
            page.locator("#email").fill("office-at-shuan")
            page.get_by_role("button", name="注册").click()
            page.locator("#email").evaluate("input => input.reportValidity()")
            assert said("#email") == "请填写有效的电子邮箱地址，如name@example.cn"

            sign_in(page, base, "蜀安公司", PASSWORD)
            page.goto(base + "/account/password")
            page.locator("#old").fill(PASSWORD)
            page.locator("#new").fill("abc")
            page.locator("#new").evaluate("input => input.form.requestSubmit()")
            assert said("#new") == "请至少填写10个字符（现为3个）"
        finally:
            page.close()
