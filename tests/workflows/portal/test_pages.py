"""The pages as a reader and a keyboard user meet them: labels in the paper's order, inputs
bound to labels, problems beside their fields, rows added and removed without JavaScript,
drafts that two tabs cannot overwrite silently, the PDF queue's 503, the documented API."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from formgen.cli import app as cli_app
from formgen.workflows.portal.app import create_app
from formgen.workflows.portal.documents import Busy
from tests.reading import missing_in_order
from tests.workflows.portal.conftest import PROVIDER, Site, example, start


class _Inputs(HTMLParser):
    """Every input's id and name, every label's `for`, and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("input", "textarea", "select") and found.get("type") not in ("hidden", "submit"):
            self.inputs.append(found)
        if tag == "label" and found.get("for"):
            self.label_for.add(str(found["for"]))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Inputs:
    parser = _Inputs()
    parser.feed(html)
    return parser


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_the_profile_section_shows_the_papers_labels_in_order_each_bound_to_its_input(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    page = parse(client.get(f"/applications/{report}/sections/3").text)
    text = "".join(page.text)
    labels = [
        "单位名称",
        "法定代表人",
        "社会信用代码",
        "单位性质",
        "注册成立时间",
        "注册地址",
        "注册资金（万元）",
        "单位划型（大型、中型、小型）",
        "联系人",
        "姓名",
        "职务",
        "手机",
        "电子邮箱",
        "企业员工总数",
        "技术改造服务团队人员数量",
        "营业收入（万元）",
        "2021年",
        "2022年",
        "技术改造服务企业数量",
        "主要服务行业（可多选）",
        "所选申报方向提供的主要服务或产品",
        "主要案例",
        "已获资质认证情况",
    ]
    assert missing_in_order(labels, text) == []
    assert all(i.get("id") in page.label_for for i in page.inputs), "every input has its label"
    kinds = {i["name"]: i.get("type") for i in page.inputs if i.get("name")}
    assert kinds["report.profile.established"] == "date"
    assert kinds["report.profile.registered_capital"] == "number"
    assert kinds["report.profile.nature"] == "radio"
    assert kinds["report.profile.industries"] == "checkbox"
    assert kinds["report.profile.qualifications[工程设计资质]"] == "checkbox"
    assert 'aria-live="polite"' in client.get(f"/applications/{report}/sections/3").text


def test_a_rule_problem_shows_beside_its_field_in_chinese(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    html = client.get(f"/applications/{report}/sections/2").text
    saved = client.post(
        f"/api/applications/{report}/sections/2",
        data={"csrf": csrf_of(html), "version": "1", "report.self_assessment": "好" * 201},
    )
    assert saved.status_code == 200
    (problem,) = [p for p in saved.json()["problems"] if p["path"] == "report.self_assessment"]
    assert problem["target"] == "report.self_assessment"
    page = client.get(f"/applications/{report}/sections/2").text
    box = re.search(r'data-problems-for="report\.self_assessment"[^>]*>(.*?)</div>', page, re.S)
    assert box is not None
    assert "错误：不超过200字，现有201字</p>" in box.group(1)  # in Chinese only: the page is for users
    assert 'data-max-chars="200"' in page


def test_rows_are_added_and_removed_and_every_change_is_kept_without_javascript(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    url = f"/applications/{report}/sections/3"
    html = client.get(url).text
    token = csrf_of(html)
    base = {"csrf": token, "_rows:report.profile.products": "0", "report.profile.unit_name": "蜀安公司"}
    client.post(url, data={**base, "version": "1", "_action": "add:report.profile.products"})
    client.post(url, data={**base, "version": "2", "_action": "add:report.profile.products"})
    rows = {
        **base,
        "_rows:report.profile.products": "2",
        "report.profile.products[0].name": "一",
        "report.profile.products[1].name": "二",
        "version": "3",
    }
    client.post(url, data={**rows, "_action": "remove:report.profile.products[0]"})
    data = client.get(f"/api/applications/{report}").json()["data"]
    assert data["report"]["profile"]["unit_name"] == "蜀安公司"
    assert data["report"]["profile"]["products"] == [{"name": "二"}]
    assert 'value="二"' in client.get(url).text


def test_two_tabs_do_not_overwrite_each_other_silently(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    url = f"/applications/{report}/sections/1"
    token = csrf_of(client.get(url).text)
    first = client.post(
        f"/api/applications/{report}/sections/1",
        data={"csrf": token, "version": "1", "report.recommender": "第一个窗口"},
    )
    assert first.status_code == 200
    second = client.post(
        f"/api/applications/{report}/sections/1",
        data={"csrf": token, "version": "1", "report.recommender": "第二个窗口"},
    )
    assert second.status_code == 409
    assert "另一个窗口" in second.json()["detail"]
    page = client.post(url, data={"csrf": token, "version": "1", "report.recommender": "第二个窗口"})
    assert page.status_code == 409 and "另一个窗口" in page.text
    assert client.get(f"/api/applications/{report}").json()["data"]["report"]["recommender"] == "第一个窗口"


def test_errors_block_submitting_and_warnings_do_not(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    empty = start(client, PROVIDER)
    assert client.post(f"/api/applications/{empty}/submit").status_code == 422
    summary = client.get(f"/applications/{empty}/summary").text
    assert "缺少必填项" in summary and "disabled" in summary
    data = example(PROVIDER)
    data["report"]["profile"]["cooperating_experts"] = 3  # 原则上 不少于10人: a warning
    report = start(client, PROVIDER, data)
    problems = client.get(f"/api/applications/{report}").json()["problems"]
    assert [p["severity"] for p in problems] and all(p["severity"] == "warning" for p in problems)
    assert client.post(f"/api/applications/{report}/submit").json()["status"] == "submitted"
    assert (
        client.put(f"/api/applications/{report}/data", json={"data": data, "version": 99}).status_code == 409
    )


def test_a_full_pdf_queue_answers_503_with_retry_after(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER, example(PROVIDER))
    gate = site.portal.gate
    holds = [gate.enter() for _ in range(gate.limit)]
    for hold in holds:
        hold.__enter__()
    try:
        busy = client.get(f"/applications/{report}/packet.pdf")
        assert busy.status_code == 503
        assert busy.headers["retry-after"] == "5"
        try:
            with gate.enter():
                raise AssertionError("the gate let one more in")
        except Busy:
            pass
    finally:
        for hold in holds:
            hold.__exit__(None, None, None)


def test_the_json_api_is_documented(site: Site) -> None:
    spec = site.client().get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/login",
        "/api/applications",
        "/api/applications/{application_id}/data",
        "/api/applications/{application_id}/sections/{index}",
        "/api/applications/{application_id}/submit",
    ):
        assert path in paths
    assert not any(p.startswith("/applications") for p in paths), "pages are not API"
    assert "ProblemOut" in spec["components"]["schemas"]


def test_users_add_makes_an_account_that_signs_in(tmp_path: Path) -> None:
    runner = CliRunner()
    data = tmp_path / "portal"
    made = runner.invoke(
        cli_app,
        [
            *("users", "add", "成都局", "--role", "bureau", "--region", "成都市"),
            *("--unit", "成都市经济和信息化局", "--data", str(data)),
        ],
        input="s3cret-pass\ns3cret-pass\n",
    )
    assert made.exit_code == 0, made.output
    assert "成都局" in made.output
    again = runner.invoke(
        cli_app,
        [
            "users",
            "add",
            "成都局",
            "--role",
            "bureau",
            "--region",
            "成都市",
            "--password",
            "s3cret-pass",
            "--data",
            str(data),
        ],
    )
    assert again.exit_code == 2 and "用户已存在" in again.output
    short = runner.invoke(
        cli_app, ["users", "add", "x", "--role", "applicant", "--password", "short", "--data", str(data)]
    )
    assert short.exit_code == 2 and "密码至少10个字符" in short.output
    client = TestClient(create_app(data, None, secure_cookies=False))
    assert (
        client.post("/api/login", json={"name": "成都局", "password": "s3cret-pass"}).json()["role"]
        == "bureau"
    )
    # The unit name begins the bureau's 推荐单位.
    assert 'value="成都市经济和信息化局"' in client.get("/bureau/packets/sichuan-2023-110.city/profile").text


def test_formgen_serve_starts_the_portal_in_one_command(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    formgen_command = Path(sys.executable).with_name("formgen")
    data = tmp_path / "portal"
    server = subprocess.Popen(
        [str(formgen_command), "serve", "--port", str(port), "--data", str(data)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # uvicorn says on its log when it listens: read up to that line (a server that fails
        # to start ends its log first), however long the start takes.
        assert server.stderr is not None
        log = []
        for line in server.stderr:
            log.append(line)
            if "Uvicorn running on" in line:
                break
        assert log and "Uvicorn running on" in log[-1], "".join(log)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as response:
            page = response.read().decode()
        assert "登录" in page
        assert (data / "portal.sqlite3").is_file()
    finally:
        server.terminate()
        server.communicate()  # its log to the end, and the pipe closed
