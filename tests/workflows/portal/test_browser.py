"""End to end in a real browser: Debian's Chromium driven by Playwright, against the portal
served on loopback. An applicant fills the whole 附件3 (ticks, rows, a scan), meets a rule
problem and mends it, closes the page and finds the draft, submits; the bureau returns it,
the applicant mends and resubmits, the bureau accepts and downloads the 市（州） packet.

Screenshots of each step are kept in test-artifacts/portal/ (git-ignored) to be looked at.
"""

from __future__ import annotations

import json
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

import formgen
from formgen.workflows.portal.accounts import add_user
from formgen.workflows.portal.app import create_app
from tests.reading import pdf_text
from tests.workflows.portal.conftest import CITY, ENTERPRISE, PASSWORD, PROVIDER, example

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "portal"
EXAMPLES = Path(formgen.__file__).resolve().parents[1] / "data_models" / "sichuan_2023_110" / "examples"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class _Server(uvicorn.Server):
    """uvicorn's server, telling when it has started (its `started` is a flag, not an event)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """The portal on a loopback port, with one warm LibreOffice worker; and the app."""
    app = create_app(tmp_path / "data", None, workers=1, secure_cookies=False)
    port = _free_port()
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    # Started is a known point, however long it takes; a server that fails to start ends its thread.
    while not server.ready.wait(1.0):
        assert thread.is_alive(), "the portal did not start"
    yield f"http://127.0.0.1:{port}", app
    server.should_exit = True
    thread.join(timeout=60)


@pytest.fixture
def browser() -> Iterator[BrowserContext]:
    """Chromium from Debian with a fresh profile; never a downloaded browser."""
    with tempfile.TemporaryDirectory(prefix="formgen-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS, accept_downloads=True, locale="zh-CN"
        )
        yield context
        context.close()


class Steps:
    """Screenshots numbered in the order taken."""

    def __init__(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for old in ARTIFACTS.glob("*.png"):
            old.unlink()
        self.count = 0

    def shot(self, page: Page, name: str) -> None:
        self.count += 1
        page.screenshot(path=str(ARTIFACTS / f"{self.count:02d}-{name}.png"), full_page=True)


def sign_in(page: Page, base: str, name: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("用户名 / user name").fill(name)
    page.get_by_label("密码 / password").fill(PASSWORD)
    page.get_by_label("密码 / password").press("Enter")  # keyboard only


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="退出 / sign out").click()


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
    page.get_by_role("button", name="保存并继续 / save and go on").click()
    fill_section(page, "report.recommender", report["recommender"])
    saved(page)
    page.get_by_role("button", name="保存并继续 / save and go on").click()

    # 服务能力自评: too long first; the rulebook's problem shows beside the field as typed.
    box = page.get_by_label("服务能力自评（不超过200字）")
    box.fill("很" * 205)
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

    page.get_by_role("button", name="保存并继续 / save and go on").click()
    fill_section(page, "report.profile", report["profile"])
    saved(page)
    steps.shot(page, "profile-filled")
    page.get_by_role("button", name="保存并继续 / save and go on").click()
    fill_section(page, "report.pledge", report["pledge"])
    saved(page)
    page.get_by_role("button", name="保存并继续 / save and go on").click()
    fill_section(page, "report.body", report["body"])
    saved(page)
    page.get_by_role("button", name="保存并继续 / save and go on").click()

    # 证明材料: a scan, uploaded with its title and a progress bar.
    page.get_by_label("材料名称 / title").fill("营业执照（副本）")
    page.get_by_label("文件 / file").set_input_files(str(EXAMPLES / "attachments" / "business-licence.png"))
    page.get_by_role("button", name="上传 / upload").click()
    expect(page.locator("ul.uploads")).to_contain_text("营业执照（副本）")
    steps.shot(page, "scan-uploaded")

    page.get_by_role("link", name="检查并提交 / check and submit").click()
    expect(page.locator("#summary-problems")).not_to_contain_text("错误")
    steps.shot(page, "summary-before-submitting")
    page.get_by_role("button", name="提交申请 / submit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已提交")
    sign_out(page)

    # The bureau returns it with a comment.
    sign_in(page, base, "成都市经信局")
    steps.shot(page, "bureau-list")
    page.get_by_role("link", name="技术改造综合服务商申请材料").click()
    page.get_by_label("退回意见 / why it is returned").fill("请注明注册地址的楼层")
    page.get_by_role("button", name="退回 / return").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已退回")
    sign_out(page)

    # The applicant mends and resubmits.
    sign_in(page, base, "蜀安公司")
    page.get_by_role("link", name="技术改造综合服务商申请材料").click()
    expect(page.locator(".alert")).to_contain_text("请注明注册地址的楼层")
    page.goto(f"{base}/applications/{application}/sections/3")
    address = page.locator('[name="report.profile.address"]')
    address.fill(report["profile"]["address"] + "1801室")
    saved(page)
    steps.shot(page, "returned-and-mended")
    page.goto(f"{base}/applications/{application}/summary")
    page.get_by_role("button", name="提交申请 / submit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已提交")
    sign_out(page)

    # The bureau accepts both, gives its details, downloads the 市（州） packet.
    sign_in(page, base, "成都市经信局")

    for target in (application, row["id"]):
        page.goto(f"{base}/bureau/applications/{target}")
        page.get_by_role("button", name="受理 / accept").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("已受理")
    page.goto(f"{base}/bureau/packets/{CITY}/profile")
    page.get_by_label("推荐单位").nth(0).fill("成都市经济和信息化局")
    page.locator('[name="bureau.city"]').select_option("成都市")
    page.get_by_label("联系人").fill("张强")
    page.get_by_label("联系电话").fill("028-61881234")
    page.get_by_role("button", name="保存 / save").click()
    page.goto(f"{base}/bureau")
    steps.shot(page, "bureau-accepted-and-packet-ready")
    with page.expect_download(timeout=180000) as download:
        page.get_by_role("link", name=f"{CITY}.pdf（汇总装订材料 / bound packet）").click()
    pdf = ARTIFACTS / f"{CITY}.pdf"
    download.value.save_as(pdf)
    text = pdf_text(pdf)
    assert "成都蜀安智造技术服务有限公司" in text
    assert "1801室" in text.replace(" ", "").replace("\n", "")
    assert json.dumps(report["profile"]["contact"]["mobile"]).strip('"') in text
