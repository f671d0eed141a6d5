"""End to end in Debian's Chromium: an administrator brings a small Word form in, corrects a
field, marks a place as the office's and publishes the notice for 成都市; an applicant of
成都市 fills and submits it and the bureau sees it, while an applicant of 绵阳市 is not offered it.
An administrator brings an Excel table in, corrects a column's label and type and gives a
column to the office; the applicant's row and the downloaded table follow the corrections.

Screenshots of each step go to test-artifacts/portal/importer/ (git-ignored) to be looked at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import BrowserContext, Page, expect

from formgen.workflows.portal import notice_drafts
from formgen.workflows.portal.accounts import add_user
from tests.drafting.small_forms import label_beside, rows_two_level
from tests.packages import write_published_summary
from tests.reading import docx_text, pdf_text
from tests.workflows.portal.browsing import ARTIFACTS
from tests.workflows.portal.conftest import PASSWORD
from tests.workflows.portal.test_browser import saved, sign_in, sign_out

SHOTS = ARTIFACTS / "importer"
TITLE = "关于征集示范企业的通知"


class Shots:
    """Screenshots numbered in the order taken, in a folder of their own."""

    def __init__(self, folder: Path = SHOTS) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def take(self, page: Page, name: str) -> None:
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)


def upload_as_admin(page: Page, base: str, published: Path, notice_id: str) -> None:
    """The administrator uploads one published file as notice `notice_id`; its draft's review page."""
    sign_in(page, base, "管理员")
    page.get_by_role("link", name="导入通知").click()
    page.get_by_label("附件文件").set_input_files(str(published))
    page.get_by_label("通知编号").fill(notice_id)
    page.get_by_role("button", name="上传并生成草稿").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("审核通知草稿")


def publish_as_admin(page: Page, title: str, number: str, *, closing: str = "") -> None:
    """The administrator publishes the draft on its review page for 成都市's applicants."""
    page.get_by_label("通知标题").fill(title)
    page.get_by_label("发文机关").fill("示范省经济和信息化厅")
    page.get_by_label("文号").fill(number)
    page.get_by_label("成都市", exact=True).check()
    if closing:
        page.get_by_label("申报截止日期").fill(closing)
    page.get_by_role("button", name="发布通知").click()
    expect(page.locator("table.list")).to_contain_text("已发布")


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
        upload_as_admin(page, base, form, "demo-import-1")
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

        # At a phone's width the draft beside its paper, the drafts and the mail log fit the screen.
        draft_url = page.url.split("?")[0]
        page.set_viewport_size({"width": 390, "height": 844})
        for name, url in (
            ("draft", draft_url),
            ("drafts", f"{base}/admin/drafts"),
            ("mail", f"{base}/admin/mail"),
        ):
            page.goto(url)
            shots.take(page, f"phone-{name}")
            width = page.evaluate(
                "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            )
            assert width <= 390, f"{url} is {width} px wide at a 390 px phone"
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(draft_url)

        publish_as_admin(page, TITLE, "示经信〔2024〕9号", closing="2099-06-30")
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


@pytest.mark.pdf
def test_an_administrator_corrects_an_excel_tables_columns_and_the_table_follows(
    served: tuple[str, Any], browser: BrowserContext, tmp_path: Path
) -> None:
    base, app = served
    shots = Shots(ARTIFACTS / "importer-table")
    with app.state.portal.db() as session:
        add_user(session, "管理员", PASSWORD, "admin")
        add_user(session, "成都示范科技", PASSWORD, "applicant", "成都市")
    table = tmp_path / "示范项目推荐汇总表.xlsx"
    write_published_summary(table)

    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    try:
        upload_as_admin(page, base, table, "demo-import-2")
        expect(page.get_by_label("第4列的标签")).to_have_value("单位性质")
        shots.take(page, "table-drafted")

        # 单位性质 becomes 单位类型, a drop-down of two options; 手机 is the office's to write.
        page.get_by_label("第4列的标签").fill("单位类型")
        page.get_by_label("第4列的类型").select_option(label="下拉选择")
        page.get_by_role("button", name="保存修改").click()
        expect(page.locator(".alert")).to_contain_text("第4列「单位性质」")
        expect(page.locator(".alert")).to_contain_text("下拉选项不能为空")
        shots.take(page, "options-missing")
        page.get_by_label("第4列的标签").fill("单位类型")
        page.get_by_label("第4列的类型").select_option(label="下拉选择")
        page.get_by_label("第4列的下拉选项").fill("国有企业、民营企业")
        page.get_by_label("第7列仅供机关填写").check()
        page.get_by_role("button", name="保存修改").click()
        expect(page.get_by_label("第4列的标签")).to_have_value("单位类型")
        expect(page.get_by_label("第4列的下拉选项")).to_have_value("国有企业、民营企业")
        expect(page.get_by_label("第7列的标签")).to_have_count(0)
        expect(page.locator("text=恢复为申报人填写：第4行 第7格")).to_be_visible()
        expect(page.locator(".ok")).to_contain_text("材料包检查通过")
        shots.take(page, "columns-corrected")

        publish_as_admin(page, "关于征集示范项目的通知", "示经信〔2024〕10号")
        sign_out(page)

        sign_in(page, base, "成都示范科技")
        page.get_by_role("button", name="申报：申报材料（申报单位）").click()
        shots.take(page, "applicant-starts")
        page.get_by_label("推荐单位").fill("成都示范科技有限公司")
        saved(page)
        page.get_by_role("button", name="保存并继续").click()
        expect(page.locator("legend").first).to_have_text("示范项目推荐汇总表")
        page.get_by_role("button", name="增加一行").click()
        expect(page.get_by_role("group", name="单位类型")).to_be_visible()
        main = page.locator("main")
        expect(main).not_to_contain_text("缺少必填项")  # a new row: nothing left yet
        shots.take(page, "new-row")
        expect(main).not_to_contain_text("手机")
        page.get_by_label("单位名称").fill("成都示范科技有限公司")
        page.get_by_label("统一社会信用代码").fill("91510107MA62L3R5XE")
        page.get_by_label("民营企业").check()
        page.get_by_label("注册资本（万元）").fill("1200.5")
        page.get_by_label("联系人").fill("王五")
        saved(page)
        shots.take(page, "row-filled")
        page.get_by_role("button", name="保存并核对").click()
        expect(main).to_contain_text("民营企业")
        tops = [
            page.locator("dl.answers dt", has_text=label).first.bounding_box() or {"y": 0.0}
            for label in ("单位名称", "统一社会信用代码")
        ]
        assert tops[1]["y"] - tops[0]["y"] < 120, "a row's answers follow each other, no blank lines"
        with page.expect_download(timeout=180000) as download:
            page.locator("main a[href$='.xlsx']").first.click()
        got = tmp_path / "annex2.xlsx"
        download.value.save_as(got)
        shots.take(page, "review")
    finally:
        page.screenshot(path=str(shots.folder / "last.png"), full_page=True)
        page.close()
        notice_drafts.forget()

    sheet = load_workbook(got).worksheets[0]
    assert [c.value for c in sheet[4]] == [
        "序号",
        "单位名称",
        "统一社会信用代码",
        "单位类型",
        "注册资本（万元）",
        "联系人",
        "手机",
    ]
    row = [c.value for c in sheet[5]]
    assert row[:6] == [1, "成都示范科技有限公司", "91510107MA62L3R5XE", "民营企业", 1200.5, "王五"]
    assert row[6] is None, "the office's column is left for the office"
    assert sheet["E5"].number_format == "#,##0.00", "a money column prints in 万元"


@pytest.mark.pdf
def test_an_administrator_corrects_a_word_rows_tables_columns_and_the_documents_follow(
    served: tuple[str, Any], browser: BrowserContext, tmp_path: Path
) -> None:
    base, app = served
    shots = Shots(ARTIFACTS / "importer-word-rows")
    with app.state.portal.db() as session:
        add_user(session, "管理员", PASSWORD, "admin")
        add_user(session, "成都示范科技", PASSWORD, "applicant", "成都市")
    form = tmp_path / "主要生产设备表.docx"
    form.write_bytes(rows_two_level().content)

    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    try:
        upload_as_admin(page, base, form, "demo-import-3")
        expect(page.get_by_label("第1列的标签")).to_have_value("设备名称")
        expect(page.get_by_label("第2列的类型")).to_have_value("count")
        shots.take(page, "rows-drafted")

        # 设备名称 becomes 设备名称及型号; 数量 takes words (2台套), no longer a whole number.
        page.get_by_label("第1列的标签").fill("设备名称及型号")
        page.get_by_label("第2列的类型").select_option(label="单行文字")
        page.get_by_role("button", name="保存修改").click()
        expect(page.get_by_label("第1列的标签")).to_have_value("设备名称及型号")
        expect(page.get_by_label("第2列的类型")).to_have_value("text")
        expect(page.locator(".ok")).to_contain_text("材料包检查通过")
        shots.take(page, "columns-corrected")

        publish_as_admin(page, "关于申报主要生产设备的通知", "示经信〔2024〕11号")
        sign_out(page)

        sign_in(page, base, "成都示范科技")
        page.get_by_role("button", name="申报：申报材料（申报单位）").click()
        page.get_by_role("button", name="增加一行").click()
        main = page.locator("main")
        expect(main.get_by_label("设备名称及型号")).to_be_visible()
        main.get_by_label("设备名称及型号").fill("数控立式加工中心 VMC850")
        main.get_by_label("购置情况数量（台）").fill("2台套")
        main.get_by_label("购置情况金额（万元）").fill("86.5")
        saved(page)
        shots.take(page, "row-filled")
        page.get_by_role("button", name="保存并核对").click()
        expect(main).to_contain_text("2台套")
        shots.take(page, "review")
        with page.expect_download(timeout=180000) as download:
            page.locator("main a[href$='.docx']").first.click()
        docx = tmp_path / "filled.docx"
        download.value.save_as(docx)
        with page.expect_download(timeout=180000) as download:
            page.get_by_role("link", name="预览PDF").click()
        pdf = tmp_path / "filled.pdf"
        download.value.save_as(pdf)
    finally:
        page.screenshot(path=str(shots.folder / "last.png"), full_page=True)
        page.close()
        notice_drafts.forget()

    for text in (docx_text(docx), pdf_text(pdf)):
        flat = "".join(text.split())
        assert "数控立式加工中心VMC850" in flat
        assert "2台套" in flat
        assert "86.50" in flat
        # The header cell prints the corrected label, not the published 设备名称 alone.
        assert "设备名称及型号" in flat and flat.count("设备名称") == flat.count("设备名称及型号")
