"""End to end in a real browser: Debian's Chromium driven by Playwright, against the portal
served on loopback. An applicant fills the whole 附件3 (ticks, rows, a scan), meets a rule
problem and mends it, closes the page and finds the draft, submits; the bureau returns it,
the applicant mends and resubmits, the bureau accepts and downloads the 市（州） packet.

Screenshots of each step are kept in test-artifacts/portal/ (git-ignored) to be looked at.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import BrowserContext, Page, expect

import formgen
from formgen.workflows.portal.accounts import add_user
from formgen.workflows.portal.app import create_app
from tests.reading import pdf_text
from tests.workflows.portal.browsing import ARTIFACTS, Steps, serving
from tests.workflows.portal.conftest import CITY, ENTERPRISE, PASSWORD, PROVIDER, example

EXAMPLES = Path(formgen.__file__).resolve().parents[1] / "data_models" / "sichuan_2023_110" / "examples"


class SlowAnswers:
    """ASGI wrapper: every answer to a POST leaves `delay` seconds after the portal made it, as
    over a slow network (the save itself is done at once)."""

    def __init__(self, app: Any, delay: float) -> None:
        self.app = app
        self.delay = delay

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return

        async def late(message: Any) -> None:
            if message["type"] == "http.response.start":
                await asyncio.sleep(self.delay)
            await send(message)

        await self.app(scope, receive, late)


@pytest.fixture
def slow_served(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """The portal behind 300 ms of latency on every POST; and the app."""
    app = create_app(tmp_path / "data", None, workers=1, secure_cookies=False)
    with serving(SlowAnswers(app, 0.3)) as base:
        yield base, app


def sign_in(page: Page, base: str, name: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("密码").press("Enter")  # keyboard only


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()


def saved(page: Page) -> None:
    """Wait until the autosave has stored every change of the page.

    A change marks the state ``pending`` at once (portal.js), so an earlier "saved" is never
    taken for this change's; the wait ends when the last change's save has answered."""
    expect(page.locator("#save-state")).to_have_attribute("data-state", "saved", timeout=60000)
    expect(page.locator("#save-state")).to_contain_text("已保存草稿")


def fill_section(page: Page, path: str, value: Any) -> None:
    """Type the data of one section into its inputs, adding rows first as a person would."""
    for rows_path, count in _row_counts(path, value):
        marker = page.locator(f'input[name="_rows:{rows_path}"]')
        while int(marker.get_attribute("value") or "0") < count:
            page.locator(f'button[value="add:{rows_path}"]').click()
            page.wait_for_load_state()
    for name, item in _inputs(path, value):
        _type(page, name, item)


def _row_counts(path: str, value: Any) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _row_counts(f"{path}.{key}", item)
    elif isinstance(value, list) and value and isinstance(value[0], dict) and "kind" not in value[0]:
        found.append((path, len(value)))
        for n, item in enumerate(value):
            found += _row_counts(f"{path}[{n}]", item)
    return found


def _inputs(path: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [pair for key, item in value.items() for pair in _inputs(f"{path}.{key}", item)]
    if isinstance(value, list) and value and isinstance(value[0], dict):
        if "kind" in value[0]:  # a printed list of ☐ items: tick the item, then its details
            pairs: list[tuple[str, Any]] = []
            for item in value:
                pairs.append((f"{path}[{item['kind']}]", True))
                pairs += [(f"{path}[{item['kind']}].{k}", v) for k, v in item.items() if k != "kind"]
            return pairs
        return [pair for n, item in enumerate(value) for pair in _inputs(f"{path}[{n}]", item)]
    if isinstance(value, list):
        return [(path, item) for item in value]
    return [(path, value)]


def _type(page: Page, name: str, value: Any) -> None:
    if value is True:
        page.locator(f'input[name="{name}"]').check()
        return
    text = str(value)
    field = page.locator(f'[name="{name}"]').first
    if field.get_attribute("type") in ("radio", "checkbox"):
        page.locator(
            f"input[name={json.dumps(name, ensure_ascii=False)}][value={json.dumps(text, ensure_ascii=False)}]"
        ).check()
    elif field.evaluate("e => e.tagName") == "SELECT":
        field.select_option(text)
    else:
        field.fill(text)


@pytest.mark.pdf
def test_an_applicant_and_a_bureau_in_a_real_browser(
    served: tuple[str, Any], browser: BrowserContext
) -> None:
    base, app = served
    steps = Steps()
    with app.state.portal.db() as session:
        add_user(session, "蜀安公司", PASSWORD, "applicant", "成都市")
        add_user(session, "诊断企业", PASSWORD, "applicant", "成都市")
        add_user(session, "成都市经信局", PASSWORD, "bureau", "成都市")
    # An enterprise's application, sent by a bulk script through the JSON API and accepted.
    script = TestClient(app)
    script.headers["X-CSRF-Token"] = script.post(
        "/api/login", json={"name": "诊断企业", "password": PASSWORD}
    ).json()["csrf"]
    row = script.post("/api/applications", json={"packet_id": ENTERPRISE}).json()
    script.put(
        f"/api/applications/{row['id']}/data", json={"data": example(ENTERPRISE), "version": row["version"]}
    )
    assert script.post(f"/api/applications/{row['id']}/submit").json()["status"] == "submitted"

    report = example(PROVIDER)["report"]
    page = browser.new_page()
    page.set_viewport_size({"width": 1100, "height": 900})
    sign_in(page, base, "蜀安公司")
    steps.shot(page, "applicant-home")
    page.get_by_role("button", name="申报：技术改造综合服务商申请材料").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("技术改造综合服务商申请材料")
    application = page.url.split("/applications/")[1].split("/")[0]

    # 申报方向: ☐ choices, ticked with the keyboard only (Tab and Space).
    boxes = page.locator('input[name="report.directions"]')
    boxes.first.focus()
    for key in ("Space", "Tab", "Tab", "Space", "Tab", "Space"):
        page.keyboard.press(key)
    assert [boxes.nth(n).is_checked() for n in range(5)] == [True, False, True, True, False]
    fill_section(page, "report.directions", report["directions"])  # the example's ticks: all there
    saved(page)
    steps.shot(page, "directions-ticked")
    page.get_by_role("button", name="保存并继续").click()
    fill_section(page, "report.recommender", report["recommender"])
    saved(page)
    page.get_by_role("button", name="保存并继续").click()

    # 服务能力自评: too long first; the rulebook's problem shows beside the field once it is left.
    box = page.get_by_label("服务能力自评（不超过200字）")
    box.fill("很" * 205)
    box.press("Tab")
    problem = page.locator('[data-problems-for="report.self_assessment"]')
    expect(problem).to_contain_text("不超过200字，现有205字")
    expect(page.locator(".count")).to_contain_text("超出5字")
    steps.shot(page, "rule-problem-shown")
    box.fill(report["self_assessment"])
    expect(problem).to_be_empty()
    saved(page)

    # Close the page mid-way: the draft is all there in a new one.
    page.close()
    page = browser.new_page()
    page.goto(f"{base}/applications/{application}/sections/2")
    expect(page.get_by_label("服务能力自评（不超过200字）")).to_have_value(report["self_assessment"])
    steps.shot(page, "draft-found-after-closing")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    steps.shot(page, "phone-view")
    page.set_viewport_size({"width": 1100, "height": 900})

    page.get_by_role("button", name="保存并继续").click()
    fill_section(page, "report.profile", report["profile"])
    saved(page)
    steps.shot(page, "profile-filled")
    page.get_by_role("button", name="保存并继续").click()
    fill_section(page, "report.pledge", report["pledge"])
    saved(page)
    page.get_by_role("button", name="保存并继续").click()
    fill_section(page, "report.body", report["body"])
    saved(page)
    page.get_by_role("button", name="保存并继续").click()

    # 证明材料: a scan, uploaded with its title and a progress bar.
    page.get_by_label("材料名称").fill("营业执照（副本）")
    page.get_by_label("文件").set_input_files(str(EXAMPLES / "attachments" / "business-licence.png"))
    page.get_by_role("button", name="上传").click()
    expect(page.locator("ul.uploads")).to_contain_text("营业执照（副本）")
    steps.shot(page, "scan-uploaded")

    page.get_by_role("link", name="核对并提交").click()
    expect(page.locator("#summary-problems")).not_to_contain_text("错误")
    steps.shot(page, "summary-before-submitting")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_role("button", name="确定提交").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("提交回执")
    expect(page.get_by_role("status")).to_contain_text("申请已提交")
    steps.shot(page, "receipt")
    sign_out(page)

    # The bureau returns it with a comment.
    sign_in(page, base, "成都市经信局")
    steps.shot(page, "bureau-list")
    page.get_by_role("link", name=report["profile"]["unit_name"]).click()  # the row is named by its 单位名称
    page.get_by_label("退回意见").fill("请注明注册地址的楼层")
    page.get_by_role("button", name="退回", exact=True).click()
    page.get_by_role("button", name="确定退回").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已退回")
    sign_out(page)

    # The applicant mends and resubmits.
    sign_in(page, base, "蜀安公司")
    page.get_by_role("link", name="技术改造综合服务商申请材料").click()
    expect(page.locator(".alert")).to_contain_text("请注明注册地址的楼层")
    steps.shot(page, "returned-comment-shown")
    page.goto(f"{base}/applications/{application}/sections/3")
    address = page.locator('[name="report.profile.address"]')
    address.fill(report["profile"]["address"] + "1801室")
    saved(page)
    steps.shot(page, "returned-and-mended")
    page.goto(f"{base}/applications/{application}/summary")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_role("button", name="确定提交").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("提交回执")
    page.goto(f"{base}/applications")
    page.get_by_role("link", name="技术改造综合服务商申请材料").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已提交")
    expect(page.locator("main")).not_to_contain_text("请注明注册地址的楼层")  # the comment is cleared
    steps.shot(page, "resubmitted-comment-cleared")
    sign_out(page)

    # The bureau accepts both, gives its details, downloads the 市（州） packet.
    sign_in(page, base, "成都市经信局")

    for target in (application, row["id"]):
        page.goto(f"{base}/bureau/applications/{target}")
        page.get_by_role("button", name="受理", exact=True).click()
        page.get_by_role("button", name="确定受理").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("已受理")
    page.goto(f"{base}/bureau/packets/{CITY}/profile")
    page.get_by_label("推荐单位").nth(0).fill("成都市经济和信息化局")
    page.locator('[name="bureau.city"]').select_option("成都市")
    page.get_by_label("联系人").fill("张强")
    page.get_by_label("联系电话").fill("028-61881234")
    page.get_by_role("button", name="保存").click()
    page.goto(f"{base}/bureau")
    steps.shot(page, "bureau-accepted-and-packet-ready")
    with page.expect_download(timeout=180000) as download:
        page.get_by_role("link", name=f"{CITY}.pdf（汇总装订材料）").click()
    pdf = ARTIFACTS / f"{CITY}.pdf"
    download.value.save_as(pdf)
    text = pdf_text(pdf)
    assert "成都蜀安智造技术服务有限公司" in text
    assert "1801室" in text.replace(" ", "").replace("\n", "")
    assert json.dumps(report["profile"]["contact"]["mobile"]).strip('"') in text


def test_a_page_never_conflicts_with_its_own_saves_and_keeps_text_on_a_real_conflict(
    slow_served: tuple[str, Any], browser: BrowserContext
) -> None:
    base, app = slow_served
    steps = Steps("saves")
    with app.state.portal.db() as session:
        add_user(session, "蜀安公司", PASSWORD, "applicant", "成都市")
    page = browser.new_page()
    answers: list[int] = []
    page.on("response", lambda r: answers.append(r.status))
    sign_in(page, base, "蜀安公司")
    page.get_by_role("button", name="申报：技术改造综合服务商申请材料").click()
    application = page.url.split("/applications/")[1].split("/")[0]
    script = TestClient(app)
    script.headers["X-CSRF-Token"] = script.post(
        "/api/login", json={"name": "蜀安公司", "password": PASSWORD}
    ).json()["csrf"]

    def stored() -> Any:
        return script.get(f"/api/applications/{application}").json()["data"]["report"]["recommender"]

    # Type, wait half a second (the autosave is on its way, its answer 300 ms late), press
    # 保存并继续: three times, the page moves on and the text is saved.
    for n in range(3):
        page.goto(f"{base}/applications/{application}/sections/1")
        page.get_by_label("推荐单位").fill(f"成都市经济和信息化局{n}")
        page.wait_for_timeout(500)
        page.get_by_role("button", name="保存并继续").click()
        expect(page).to_have_url(f"{base}/applications/{application}/sections/2")
        assert stored() == f"成都市经济和信息化局{n}"
    steps.shot(page, "moved-on-after-own-saves")
    assert 409 not in answers, answers

    # A second tab saves; the first tab's next save is a real conflict: it says so, and keeps
    # what was typed, on the page and after pressing the button.
    page.goto(f"{base}/applications/{application}/sections/1")
    other = browser.new_page()
    other.goto(f"{base}/applications/{application}/sections/1")
    other.get_by_label("推荐单位").fill("另一个窗口写的")
    saved(other)
    page.get_by_label("推荐单位").fill("本窗口写的推荐单位")
    expect(page.locator("#save-state")).to_contain_text("另一个窗口中修改", timeout=15000)
    expect(page.locator("#save-state")).to_contain_text("您输入的内容仍在本页")
    expect(page.get_by_label("推荐单位")).to_have_value("本窗口写的推荐单位")
    steps.shot(page, "conflict-keeps-typed-text")
    page.get_by_role("button", name="保存并继续").click()
    expect(page.locator(".alert")).to_contain_text("再次点击保存，将以本页内容为准")
    expect(page.get_by_label("推荐单位")).to_have_value("本窗口写的推荐单位")
    steps.shot(page, "conflict-page-keeps-typed-text")
    assert stored() == "另一个窗口写的"
    # As the message says: saving again keeps this page's text.
    page.get_by_role("button", name="保存并继续").click()
    expect(page).to_have_url(f"{base}/applications/{application}/sections/2")
    assert stored() == "本窗口写的推荐单位"
