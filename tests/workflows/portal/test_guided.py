"""The guided filling as an applicant meets it: suffixes the paper prints shown beside their
inputs, problems only where a field was left, links that land on their field, a review before
submitting, confirmations, a receipt."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import openpyxl
from fastapi.testclient import TestClient

from formgen.workflows.portal import notices
from formgen.workflows.portal.accounts import add_user
from formgen.workflows.portal.db import ApplicationEvent
from tests.workflows.portal.conftest import (
    CITY,
    ENTERPRISE,
    PASSWORD,
    PROVIDER,
    SCAN,
    Site,
    example,
    start,
    stored_uploads,
    table_cells,
)
from tests.workflows.portal.test_pages import csrf_of


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
        if f'name="{path}"' in page.text or f'name="{path.removeprefix("_present:")}"' in page.text:
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


def test_an_applicant_is_offered_the_notices_of_its_region_only(site: Site) -> None:
    site.user("chengdu", "applicant", "成都市")
    site.user("bishan", "applicant", "璧山区")
    chengdu, bishan = site.client("chengdu"), site.client("bishan")
    assert {p["notice"] for p in chengdu.get("/api/packets").json()} == {"sichuan-2023-110"}
    assert {p["notice"] for p in bishan.get("/api/packets").json()} == {"chongqing-2023-1"}
    page = chengdu.get("/applications").text
    assert "川经信办函〔2023〕110号" in page and "渝经信节能〔2023〕1号" not in page
    refused = chengdu.post("/api/applications", json={"packet_id": "chongqing-2023-1.platform"})
    assert refused.status_code == 422


def test_account_regions_come_from_the_notices_lists(site: Site) -> None:
    with site.portal.db() as session:
        for region in ("火星市", "高新区", ""):
            try:
                add_user(session, f"x{region}", PASSWORD, "applicant", region)
            except ValueError as exc:
                assert "所在地区" in str(exc)
            else:
                raise AssertionError(region)
        assert add_user(session, "ok", PASSWORD, "bureau", "万州区").region == "万州区"
        assert add_user(session, "admin", PASSWORD, "admin", "").role == "admin"


def test_a_second_click_opens_the_draft_and_another_is_asked_for_and_deletable(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    token = csrf_of(client.get("/applications").text)
    first = client.post("/applications", data={"csrf": token, "packet_id": PROVIDER}, follow_redirects=False)
    again = client.post("/applications", data={"csrf": token, "packet_id": PROVIDER}, follow_redirects=False)
    assert first.headers["location"] == again.headers["location"] == "/applications/1/sections/0"
    assert client.post("/api/applications", json={"packet_id": PROVIDER}).json()["existing"] == 1
    other = client.post(
        "/applications", data={"csrf": token, "packet_id": PROVIDER, "another": "1"}, follow_redirects=False
    )
    assert other.headers["location"] == "/applications/2/sections/0"
    page = client.get("/applications").text
    assert page.count("删除草稿") == 2 and "另起一份" in page
    # Deleting asks first; the confirmation is a page with its own form, no script needed.
    asked = client.post("/applications/2/delete", data={"csrf": token})
    assert asked.status_code == 200 and "确定删除第2号草稿" in asked.text
    assert 'name="confirm" value="1"' in asked.text
    assert client.get("/api/applications/2").status_code == 200
    scan = client.post(
        "/applications/2/attachments",
        data={"csrf": token, "title": "营业执照（副本）"},
        files={"file": ("licence.png", SCAN.read_bytes())},
    )
    assert scan.status_code == 200 and len(stored_uploads(site)) == 1
    done = client.post("/applications/2/delete", data={"csrf": token, "confirm": "1"}, follow_redirects=False)
    assert done.status_code == 303
    assert client.get("/api/applications/2").status_code == 404
    assert stored_uploads(site) == {}  # the draft's scans go with it, from the database too
    assert [a["id"] for a in client.get("/api/applications").json()] == [1]


def test_submit_asks_first_then_gives_a_receipt_and_a_return_comment_goes_on_resubmission(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    site.user("chengdu", "bureau", "成都市")
    client, bureau = site.client("a"), site.client("chengdu")
    report = start(client, PROVIDER, example(PROVIDER))
    token = csrf_of(client.get(f"/applications/{report}/summary").text)
    asked = client.post(f"/applications/{report}/submit", data={"csrf": token})
    assert "确定提交" in asked.text
    assert client.get(f"/api/applications/{report}").json()["status"] == "draft"
    done = client.post(f"/applications/{report}/submit", data={"csrf": token, "confirm": "1"})
    assert done.url.path == f"/applications/{report}/receipt"
    number = re.search(r'id="receipt-number">([^<]+)<', done.text)
    assert number is not None and number.group(1).endswith(f"-{report:06d}-3")
    assert "申请已提交" in done.text and "成都蜀安" in done.text
    assert f"/applications/{report}/packet.pdf" in done.text
    assert "sichuan-2023-110.annex3.docx" in done.text

    # The bureau returns it, after confirming; the applicant sees why, mends, resubmits.
    btoken = csrf_of(bureau.get(f"/bureau/applications/{report}").text)
    asked = bureau.post(
        f"/bureau/applications/{report}/return", data={"csrf": btoken, "comment": "请补充证明"}
    )
    assert "确定退回" in asked.text and "退回意见：请补充证明" in asked.text
    assert client.get(f"/api/applications/{report}").json()["status"] == "submitted"
    bureau.post(
        f"/bureau/applications/{report}/return",
        data={"csrf": btoken, "comment": "请补充证明", "confirm": "1"},
    )
    assert "请补充证明" in client.get(f"/applications/{report}/sections/0").text
    client.post(f"/applications/{report}/submit", data={"csrf": token, "confirm": "1"})
    assert "请补充证明" not in client.get(f"/applications/{report}/sections/0").text
    with site.portal.db() as session:
        history = [(e.kind, e.comment) for e in session.query(ApplicationEvent).order_by(ApplicationEvent.id)]
    assert history == [("submitted", ""), ("return", "请补充证明"), ("submitted", "")]


def test_after_the_closing_date_nothing_is_submitted_and_drafts_stay_readable(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER, example(PROVIDER))
    site.user("admin", "admin")
    admin = site.client("admin")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    token = csrf_of(admin.get("/admin/notices").text)
    assert (
        admin.post("/admin/notices/sichuan-2023-110", data={"csrf": token, "closes": "明天"}).status_code
        == 422
    )
    admin.post("/admin/notices/sichuan-2023-110", data={"csrf": token, "closes": yesterday.isoformat()})
    assert f'value="{yesterday.isoformat()}"' in admin.get("/admin/notices").text
    assert client.get("/admin/notices").status_code == 403
    page = client.get("/applications").text
    assert "申报截止日期" in page and "已截止" in page
    assert client.post(f"/api/applications/{report}/submit").status_code == 409
    assert client.post("/api/applications", json={"packet_id": PROVIDER, "another": True}).status_code == 409
    assert client.get(f"/applications/{report}/sections/0").status_code == 200
    with site.portal.db() as session:
        notices.set_closes(session, "sichuan-2023-110", dt.date.today())
    assert client.post(f"/api/applications/{report}/submit").status_code == 200


def test_the_bureau_list_filters_searches_counts_accepts_in_bulk_and_exports(site: Site) -> None:
    site.user("p1", "applicant", "成都市")
    site.user("p2", "applicant", "成都市")
    site.user("e1", "applicant", "成都市")
    site.user("chengdu", "bureau", "成都市")
    hostile = example(PROVIDER)
    hostile["report"]["profile"]["unit_name"] = '=HYPERLINK("http://x")有限公司'
    first = start(site.client("p1"), PROVIDER, example(PROVIDER))
    second = start(site.client("p2"), PROVIDER, hostile)
    start(site.client("e1"), ENTERPRISE, example(ENTERPRISE))  # a draft: never listed
    for name, application in (("p1", first), ("p2", second)):
        assert site.client(name).post(f"/api/applications/{application}/submit").status_code == 200
    bureau = site.client("chengdu")
    page = bureau.get("/bureau").text
    assert "共2份" in page and "已提交2份" in page
    shown = re.sub(r"<[^>]+>", " ", page.split("<main")[1])  # what a reader sees, not a token
    assert "成都蜀安智造技术服务有限公司" in shown and not re.search(r"\bp1\b", shown)
    assert ENTERPRISE not in page and "诊断企业" not in page.split("汇总材料")[0]
    searched = bureau.get("/bureau", params={"q": "蜀安"}).text
    assert f'href="/bureau/applications/{first}"' in searched
    assert f'href="/bureau/applications/{second}"' not in searched
    by_code = bureau.get("/bureau", params={"q": example(PROVIDER)["report"]["profile"]["credit_code"]}).text
    assert f'href="/bureau/applications/{first}"' in by_code
    assert "没有符合条件的申请" in bureau.get("/bureau", params={"status": "accepted"}).text

    token = csrf_of(page)
    asked = bureau.post("/bureau/accept", data={"csrf": token, "ids": [str(first), str(second)]})
    assert "确定受理以下2份申请" in asked.text
    assert bureau.get(f"/api/applications/{first}").json()["status"] == "submitted"
    bureau.post("/bureau/accept", data={"csrf": token, "ids": [str(first), str(second)], "confirm": "1"})
    assert {a["status"] for a in bureau.get("/api/applications").json()} == {"accepted"}

    sheet = openpyxl.load_workbook(io.BytesIO(bureau.get("/bureau/export.xlsx").content)).active
    assert sheet is not None
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [r[0].value for r in rows] == [first, second] and rows[0][0].data_type == "n"
    assert rows[1][1].value == hostile["report"]["profile"]["unit_name"] and rows[1][1].data_type == "s"
    text = bureau.get("/bureau/export.csv", params={"q": "HYPERLINK"}).content.decode("utf-8-sig")
    listed = list(csv.reader(io.StringIO(text)))
    assert listed[0][:2] == ["编号", "单位名称"] and len(listed) == 2
    assert listed[1][1] == "'" + hostile["report"]["profile"]["unit_name"]


def test_a_city_bureau_with_providers_only_downloads_its_annex2(site: Site) -> None:
    site.user("p1", "applicant", "成都市")
    site.user("chengdu", "bureau", "成都市")
    report = start(site.client("p1"), PROVIDER, example(PROVIDER))
    site.client("p1").post(f"/api/applications/{report}/submit")
    bureau = site.client("chengdu")
    bureau.post(f"/api/applications/{report}/accept", json={})
    token = csrf_of(bureau.get(f"/bureau/packets/{CITY}/profile").text)
    bureau.post(
        f"/bureau/packets/{CITY}/profile",
        data={
            "csrf": token,
            "bureau.name": "成都市经济和信息化局",
            "bureau.city": "成都市",
            "bureau.contact": "张强",
            "bureau.phone": "028-61881234",
        },
    )
    home = bureau.get("/bureau").text
    assert "至少需要" not in home
    names = re.findall(rf"/bureau/packets/{CITY}/tables/([\w.-]+\.xlsx)", home)
    assert names == ["sichuan-2023-110.annex2.xlsx"]
    assert f"/bureau/packets/{CITY}/packet.pdf" in home
    table = bureau.get(f"/bureau/packets/{CITY}/tables/{names[0]}")
    cells = table_cells(table.content)
    assert "成都蜀安智造技术服务有限公司" in cells


def _problem_lines(html: str) -> list[str]:
    return re.findall(r'<p class="problem (?:error|warning)">([^<]*)</p>', html)


def test_a_new_page_shows_no_error_until_a_field_is_filled_or_the_user_goes_on(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    index, html = section_with(client, report, "report.profile.unit_name")
    assert _problem_lines(html) == []
    assert "缺少必填项" not in html
    # What was typed is checked at once; what nobody reached is not.
    token = csrf_of(html)
    client.post(
        f"/applications/{report}/sections/{index}",
        data={"csrf": token, "version": "1", "report.profile.credit_code": "91510107MA62L3R5XA"},
    )
    html = client.get(f"/applications/{report}/sections/{index}").text
    box = re.search(r'data-problems-for="report\.profile\.credit_code"[^>]*>(.*?)</div>', html, re.S)
    assert box is not None and "错误" in box.group(1) and "校验" in box.group(1)
    assert "缺少必填项" not in html
    # Going on with errors stays on the page, lists each problem by its field's label and
    # links it to the field's own input.
    went = client.post(
        f"/applications/{report}/sections/{index}",
        data={"csrf": token, "version": "2", "_goto": str(index + 1)},
        follow_redirects=False,
    )
    assert went.headers["location"] == f"/applications/{report}/sections/{index}?check=1#problems"
    checked_page = client.get(went.headers["location"]).text
    summary = re.search(r'<div class="error-summary".*?</div>', checked_page, re.S)
    assert summary is not None
    assert '<a href="#f-report.profile.unit_name" data-focus="f-report.profile.unit_name">' in summary.group(
        0
    )
    assert 'id="f-report.profile.unit_name"' in checked_page
    assert "单位名称</a>：缺少必填项" in summary.group(0)


def _steps(client: TestClient, report: int) -> dict[str, str]:
    html = client.get(f"/applications/{report}/sections/0").text
    return dict(
        re.findall(
            r'<a href="/applications/\d+/sections/\d+[^"]*">([^<]+)</a> <small class="state">([^<]+)<', html
        )
    )


def test_the_step_list_marks_each_section_done_with_problems_unfinished_or_not_started(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    data = example(PROVIDER)
    data["report"]["profile"]["credit_code"] = "91510107MA62L3R5XA"  # check character wrong
    del data["report"]["body"]
    report = start(client, PROVIDER, data)
    steps = _steps(client, report)
    assert steps["申报方向"] == "已完成"
    assert steps["基本情况表"] == "有问题"
    assert steps["申请报告正文"] == "未开始"

    # A blank left is a section begun, not a wrong value: 未填完 until something typed is wrong.
    data["report"]["profile"]["credit_code"] = example(PROVIDER)["report"]["profile"]["credit_code"]
    data["report"]["profile"]["unit_name"] = ""
    site.user("b", "applicant", "成都市")
    other = site.client("b")
    unfinished = start(other, PROVIDER, data)
    assert _steps(other, unfinished)["基本情况表"] == "未填完"


def test_the_review_shows_every_answer_as_printed_with_a_link_to_change_it(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER, example(PROVIDER))
    html = client.get(f"/applications/{report}/summary").text
    index, _ = section_with(client, report, "report.profile.unit_name")
    section = re.search(
        rf'<h3 id="review-{index}">基本情况表 <a href="/applications/{report}/sections/{index}"', html
    )
    assert section is not None
    for printed in (
        "成都蜀安智造技术服务有限公司",
        "2014年12月18日",
        "5,000.00万元",
        "☑能源化工、☑饮料食品、☑装备制造、☑钢铁、☑建材、☑其他",
    ):
        assert f'<span class="printed">{printed}</span>' in html, printed
    assert "安全评价机构资质 乙级" in html


def test_a_row_is_removed_only_after_the_row_asks(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER, example(PROVIDER))
    index, html = section_with(client, report, "report.profile.products[0].name")
    fields = {k: v for k, v in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)}
    fields.update({"version": str(client.get(f"/api/applications/{report}").json()["version"])})
    before = len(client.get(f"/api/applications/{report}").json()["data"]["report"]["profile"]["products"])
    fields["_action"] = "ask-remove:report.profile.products[0]"
    asked = client.post(f"/applications/{report}/sections/{index}", data=fields)
    assert "确定删除所选申报方向提供的主要服务或产品的第1行" in asked.text
    assert (
        len(client.get(f"/api/applications/{report}").json()["data"]["report"]["profile"]["products"])
        == before
    )


def test_a_box_ticked_by_default_starts_ticked(site: Site) -> None:
    site.user("b", "applicant", "璧山区")
    client = site.client("b")
    platform = start(client, "chongqing-2023-1.platform")
    _, html = section_with(client, platform, "_present:application.kpis.energy_supply.summed")
    box = re.search(r'<input type="checkbox" id="f-application\.kpis\.energy_supply\.summed"[^>]*>', html)
    assert box is not None and "checked" in box.group(0)
    assert "数量和增量指标勾选" in html


def test_no_page_shows_developer_english(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    site.user("chengdu", "bureau", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER, example(PROVIDER))
    pages = [client.get("/applications").text, client.get(f"/applications/{report}/summary").text]
    index = 0
    while (page := client.get(f"/applications/{report}/sections/{index}")).status_code == 200:
        pages.append(page.text)
        index += 1
    client.post(f"/api/applications/{report}/submit")
    pages.append(client.get(f"/applications/{report}/receipt").text)
    bureau = site.client("chengdu")
    pages += [bureau.get("/bureau").text, bureau.get(f"/bureau/applications/{report}").text]
    allowed = {
        "PDF",
        "JPG",
        "PNG",
        "TIFF",
        "MB",
        "KB",
        "XLSX",
        "CSV",
        "CNAS",
        "CMA",
        "CMMI",
        "ISO",
        "Excel",
        "docx",
        "xlsx",
        "pdf",
        "sichuan",
        "annex",
    }
    for html in pages:
        text = re.sub(r"<[^>]+>|&\w+;", " ", html.split("<main", 1)[1].split(">", 1)[1])
        # The applicant's own answers (an e-mail address, EMC) are the applicant's words.
        typed = json.dumps(example(PROVIDER), ensure_ascii=False)
        words = {w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in allowed and w not in typed}
        assert not words, words


def test_a_bureaus_own_fields_show_no_problem_before_saving_then_each_under_its_field(site: Site) -> None:
    site.user("chengdu", "bureau", "成都市")
    bureau = site.client("chengdu")
    fresh = bureau.get(f"/bureau/packets/{CITY}/profile").text
    assert "缺少必填项" not in fresh
    saved = bureau.post(
        f"/bureau/packets/{CITY}/profile",
        data={"csrf": csrf_of(fresh), "bureau.name": "成都市经济和信息化局", "bureau.city": "成都市"},
    )
    assert saved.url.path == f"/bureau/packets/{CITY}/profile" and saved.url.query == b"check=1"
    boxes = dict(re.findall(r'data-problems-for="([\w.]+)"[^>]*>(.*?)</div>', saved.text, re.S))
    assert "缺少必填项" in boxes["bureau.contact"] and "缺少必填项" in boxes["bureau.phone"]
    assert "缺少必填项" not in boxes.get("bureau", "") and "缺少必填项" not in boxes["bureau.name"]
