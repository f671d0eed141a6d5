"""End to end in Debian's Chromium: an administrator brings a small Word form in, corrects a
field, marks a place as the office's and publishes the notice for 成都市; an applicant of
成都市 fills and submits it and the bureau sees it, while an applicant of 绵阳市 is not offered it.

Screenshots of each step go to test-artifacts/portal/importer/ (git-ignored) to be looked at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from formgen.workflows.portal import notice_drafts
from formgen.workflows.portal.accounts import add_user
from tests.drafting.small_forms import label_beside
from tests.workflows.portal.browsing import ARTIFACTS
from tests.workflows.portal.conftest import PASSWORD
from tests.workflows.portal.test_browser import saved, sign_in, sign_out

SHOTS = ARTIFACTS / "importer"
TITLE = "关于征集示范企业的通知"


class Shots:
    """Screenshots numbered in the order taken, in a folder of their own."""

    def __init__(self) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        for old in SHOTS.glob("*.png"):
            old.unlink()
        self.count = 0

    def take(self, page: Page, name: str) -> None:
        self.count += 1
        page.screenshot(path=str(SHOTS / f"{self.count:02d}-{name}.png"), full_page=True)


@pytest.mark.pdf
def test_an_administrator_brings_a_word_form_in_and_an_applicant_fills_it(
    served: tuple[str, Any], browser: BrowserContext, tmp_path: Path
) -> None:
    base, app = served
    shots = Shots()
    with app.state.portal.db() as session:
        add_user(session, "管理员", PASSWORD, "admin")
        add_user(session, "成都示范科技", PASSWORD, "applicant", "成都市")
        add_user(session, "绵阳企业", PASSWORD, "applicant", "绵阳市")
        add_user(session, "成都市经信局", PASSWORD, "bureau", "成都市")
    form = tmp_path / "企业基本信息表.docx"
    form.write_bytes(label_beside().content)

    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    try:
        sign_in(page, base, "管理员")
        page.get_by_role("link", name="导入通知").click()
        page.get_by_label("附件文件").set_input_files(str(form))
        page.get_by_label("通知编号").fill("demo-import-1")
        page.get_by_role("button", name="上传并生成草稿").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("审核通知草稿")
        expect(page.locator(".pages img")).to_have_count(1)
        expect(page.locator(".pages img").first).to_have_js_property("complete", True)
        assert page.locator(".pages img").first.evaluate("i => i.naturalWidth") > 400
        expect(page.get_by_label("第4项的标签")).to_have_value("邮政编码")
        shots.take(page, "draft-beside-the-paper")

        page.get_by_label("第1项的标签").fill("企业名称（全称）")
        page.get_by_label("第1项的数据名").fill("企业名称")
        page.get_by_label("第5项的类型").select_option(label="单行文字")
        page.get_by_label("第4项仅供机关填写").check()
        page.get_by_role("button", name="保存修改").click()
        expect(page.get_by_label("第1项的标签")).to_have_value("企业名称（全称）")
        expect(page.locator("text=恢复为申报人填写：表1 第2行 第4格")).to_be_visible()
        expect(page.locator(".ok")).to_contain_text("材料包检查通过")
        shots.take(page, "corrected")

        page.get_by_label("通知标题").fill(TITLE)
        page.get_by_label("发文机关").fill("示范省经济和信息化厅")
        page.get_by_label("文号").fill("示经信〔2024〕9号")
        page.get_by_label("成都市", exact=True).check()
        page.get_by_label("申报截止日期").fill("2099-06-30")
        page.get_by_role("button", name="发布通知").click()
        expect(page.locator("table.list")).to_contain_text("已发布")
        shots.take(page, "published")
        sign_out(page)

        sign_in(page, base, "绵阳企业")
        expect(page.get_by_role("heading", level=1)).to_contain_text("我的申请")
        expect(page.locator("main")).not_to_contain_text(TITLE)
        shots.take(page, "another-region-not-offered")
        sign_out(page)

        sign_in(page, base, "成都示范科技")
        expect(page.locator("main")).to_contain_text(TITLE)
        expect(page.locator("main")).to_contain_text("申报截止日期：2099年06月30日")
        shots.take(page, "offered-in-chengdu")
        page.get_by_role("button", name="申报：申报材料（申报单位）").click()
        expect(page.get_by_label("企业名称（全称）")).to_be_visible()
        expect(page.locator("main")).not_to_contain_text("邮政编码")
        # A drafted form's fields are each a step of the portal's guided filling.
        for label, value in (
            ("企业名称（全称）", "成都示范科技有限公司"),
            ("统一社会信用代码", "91510107MA62L3R5XE"),
            ("成立日期", "2019-05-20"),
            ("电子邮箱", "见附件"),
            ("法定代表人身份证号", "11010519491231002X"),
        ):
            page.get_by_label(label).fill(value)
            saved(page)
            if label == "统一社会信用代码":
                shots.take(page, "filling")
            last = label == "法定代表人身份证号"
            page.get_by_role("button", name="保存并核对" if last else "保存并继续").click()
        shots.take(page, "filled")
        expect(page.locator("main")).to_contain_text("成都示范科技有限公司")
        shots.take(page, "review-before-submitting")
        page.get_by_role("button", name="提交申请").click()
        page.get_by_role("button", name="确定提交").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("提交回执")
        shots.take(page, "receipt")
        sign_out(page)

        sign_in(page, base, "成都市经信局")
        expect(page.locator("main")).to_contain_text("成都示范科技有限公司")
        shots.take(page, "bureau-sees-it")
    finally:
        page.screenshot(path=str(SHOTS / "last.png"), full_page=True)  # where it ended, passed or not
        page.close()
        notice_drafts.forget()
