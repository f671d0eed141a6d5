"""E-mail at the moments that matter: a receipt on submitting, a letter on return (with the
comment) and on acceptance; through a real SMTP server on loopback, or into the admin's mail
log when none is configured. A failed send never loses the action and is retried; sending
never holds up a request."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select, update
from typer.testing import CliRunner

from formgen.cli import app as cli_app
from formgen.model.checks import uscc_check_character
from formgen.workflows.portal import notify
from formgen.workflows.portal.db import Application, Mail, Stale, save_application
from formgen.workflows.portal.mail import BadSmtpUrl, SmtpServer
from formgen.workflows.portal.outbox import RETRY_DELAYS
from tests.workflows.portal.conftest import PROVIDER, Site, example, start
from tests.workflows.portal.smtp import Inbox, free_port, html_of, link_in, text_of

ADDRESS = "shuan@example.cn"
COMMENT = "请补充2022年营业收入证明 <附件>"


def submitted(site: Site) -> tuple[Any, Any, int]:
    """An applicant with an e-mail address, its bureau, and its submitted 附件3 packet."""
    site.user("provider", "applicant", "成都市", ADDRESS)
    site.user("chengdu", "bureau", "成都市")
    applicant, bureau = site.client("provider"), site.client("chengdu")
    report = start(applicant, PROVIDER, example(PROVIDER))
    answer = applicant.post(f"/api/applications/{report}/submit")
    assert answer.status_code == 200, answer.text
    return applicant, bureau, report


def test_a_receipt_on_submitting_and_letters_on_return_and_acceptance(
    mail_site: Site, inbox: tuple[str, Inbox]
) -> None:
    applicant, bureau, report = submitted(mail_site)
    assert mail_site.outbox.deliver_due() == 1
    (receipt,) = inbox[1].wait_for(1)
    assert receipt["to"] == ADDRESS and "已收到您的申请" in receipt["subject"]
    text = text_of(receipt)
    assert f"申请编号：{report}" in text
    assert "申报材料：技术改造综合服务商申请材料" in text
    assert "川经信办函〔2023〕110号" in text and "受理部门：成都市" in text
    assert link_in(receipt, f"/applications/{report}/summary")
    assert f"<td>{report}</td>" in html_of(receipt)

    assert bureau.post(f"/api/applications/{report}/return", json={"comment": COMMENT}).status_code == 200
    mail_site.outbox.deliver_due()
    returned = inbox[1].wait_for(2)[1]
    assert "已退回" in returned["subject"]
    assert COMMENT in text_of(returned), "the comment as the bureau wrote it"
    assert "&lt;附件&gt;" in html_of(returned) and "<附件>" not in html_of(returned), "escaped in HTML"

    assert applicant.post(f"/api/applications/{report}/submit").status_code == 200
    assert bureau.post(f"/api/applications/{report}/accept", json={}).status_code == 200
    mail_site.outbox.deliver_due()
    subjects = [m["subject"] for m in inbox[1].wait_for(4)]
    assert "已收到您的申请" in subjects[2] and "已受理" in subjects[3]


def test_a_letter_goes_with_its_change_or_not_at_all(mail_site: Site) -> None:
    _applicant, _bureau, report = submitted(mail_site)
    with mail_site.portal.db() as session:
        application = session.get(Application, report)
        assert application is not None
        notify.status_changed(session, application, "accepted")
        with pytest.raises(Stale):
            save_application(session, application, application.version - 1, status="accepted")
    with mail_site.portal.db() as session:
        subjects = session.scalars(select(Mail.subject)).all()
        assert len(subjects) == 1 and "已收到您的申请" in subjects[0], "the stale acceptance's letter is gone"
        assert session.get(Application, report).status == "submitted"  # type: ignore[union-attr]


def test_an_account_without_an_address_gets_no_letter(mail_site: Site, inbox: tuple[str, Inbox]) -> None:
    mail_site.user("provider", "applicant", "成都市")
    applicant = mail_site.client("provider")
    report = start(applicant, PROVIDER, example(PROVIDER))
    assert applicant.post(f"/api/applications/{report}/submit").status_code == 200
    assert mail_site.outbox.deliver_due() == 0
    assert inbox[1].messages == []


def test_without_an_smtp_server_the_admin_log_shows_what_would_have_been_sent(site: Site) -> None:
    submitted(site)
    assert site.outbox.deliver_due() == 0
    site.user("admin", "admin")
    page = site.client("admin").get("/admin/mail")
    assert page.status_code == 200
    assert "未配置邮件服务器" in page.text
    assert ADDRESS in page.text and "已收到您的申请" in page.text and "申请编号：" in page.text
    assert "未发送（未配置邮件服务器）" in page.text
    assert site.client("chengdu").get("/admin/mail").status_code == 403


def test_a_refused_send_keeps_the_action_is_retried_and_shown_to_the_admin(
    mail_site: Site, inbox: tuple[str, Inbox]
) -> None:
    inbox[1].refuse = 1
    _applicant, _bureau, report = submitted(mail_site)
    assert mail_site.outbox.deliver_due() == 0
    with mail_site.portal.db() as session:
        assert session.get(Application, report).status == "submitted"  # type: ignore[union-attr]
        (mail,) = session.scalars(select(Mail)).all()
        assert (mail.status, mail.attempts) == ("queued", 1)
        assert "451" in mail.error
        assert mail.next_try > dt.datetime.now(dt.UTC).replace(tzinfo=None), "waits before the retry"
    mail_site.user("admin", "admin")
    log = mail_site.client("admin").get("/admin/mail").text
    assert "待发送" in log and "第1次发送失败" in log

    assert mail_site.outbox.deliver_due() == 0, "not before its time"
    with mail_site.portal.db() as session:
        session.execute(update(Mail).values(next_try=dt.datetime(2020, 1, 1)))
        session.commit()
    assert mail_site.outbox.deliver_due() == 1
    (receipt,) = inbox[1].wait_for(1)
    assert "已收到您的申请" in receipt["subject"]


def test_a_letter_fails_after_its_last_retry_and_the_admin_sends_it_again(
    mail_site: Site, inbox: tuple[str, Inbox]
) -> None:
    submitted(mail_site)
    inbox[1].refuse = 1
    with mail_site.portal.db() as session:
        session.execute(update(Mail).values(attempts=len(RETRY_DELAYS)))
        session.commit()
    mail_site.outbox.deliver_due()
    with mail_site.portal.db() as session:
        (mail,) = session.scalars(select(Mail)).all()
        assert mail.status == "failed"
    mail_site.user("admin", "admin")
    admin = mail_site.client("admin")
    page = admin.get("/admin/mail").text
    assert "发送失败" in page and "重新发送" in page
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert admin.post(f"/admin/mail/{mail.id}/retry", data={"csrf": csrf}).status_code == 200
    assert mail_site.outbox.deliver_due() == 1
    inbox[1].wait_for(1)


def test_an_unreachable_server_loses_nothing(mail_site: Site) -> None:
    mail_site.outbox.server = SmtpServer.from_url(f"smtp://127.0.0.1:{free_port()}")
    _applicant, _bureau, report = submitted(mail_site)
    assert mail_site.outbox.deliver_due() == 0
    with mail_site.portal.db() as session:
        assert session.get(Application, report).status == "submitted"  # type: ignore[union-attr]
        (mail,) = session.scalars(select(Mail)).all()
        assert mail.status == "queued" and "ConnectionRefusedError" in mail.error


def test_the_background_sender_never_holds_up_the_request(mail_site: Site, inbox: tuple[str, Inbox]) -> None:
    release = inbox[1].hold = threading.Event()
    mail_site.user("provider", "applicant", "成都市", ADDRESS)
    applicant = mail_site.client("provider")
    report = start(applicant, PROVIDER, example(PROVIDER))
    with mail_site.outbox.running():
        assert applicant.post(f"/api/applications/{report}/submit").status_code == 200
        assert inbox[1].held.wait(30), "the sender took the letter"
        # The server holds the letter: the portal has answered and answers meanwhile.
        assert applicant.get(f"/api/applications/{report}").json()["status"] == "submitted"
        assert inbox[1].messages == [], "the submission was answered before its letter went"
        release.set()
        (receipt,) = inbox[1].wait_for(1)
    assert "已收到您的申请" in receipt["subject"]


def test_the_sender_signs_in_with_the_urls_user_and_password(tmp_path: Any) -> None:
    seen: list[tuple[bytes, bytes]] = []

    def authenticator(_server: Any, _session: Any, _envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        seen.append((data.login, data.password))
        return AuthResult(success=data.password == b"p@ss:word")

    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    try:
        server = SmtpServer.from_url(f"smtp://mailer:p%40ss%3Aword@127.0.0.1:{controller.port}?from=a@b.cn")
        server.send("x@example.cn", "主题", "正文", "<p>正文</p>")
        (message,) = inbox.wait_for(1)
    finally:
        controller.stop()
    assert seen == [(b"mailer", b"p@ss:word")]
    assert message["subject"] == "主题" and text_of(message).strip() == "正文"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.cn", ("mail.example.cn", 25, "plain", "", "")),
        ("smtps://u:p@mail.example.cn", ("mail.example.cn", 465, "tls", "u", "p")),
        ("smtp+starttls://u@mail.example.cn:2525", ("mail.example.cn", 2525, "starttls", "u", "")),
    ],
)
def test_smtp_urls(url: str, expected: tuple[str, int, str, str, str]) -> None:
    server = SmtpServer.from_url(url)
    assert (server.host, server.port, server.security, server.user, server.password) == expected


@pytest.mark.parametrize(
    ("url", "why"), [("http://x", "应以"), ("smtp://", "主机名"), ("smtp://h:port", "端口")]
)
def test_a_bad_smtp_url_says_why(url: str, why: str) -> None:
    with pytest.raises(BadSmtpUrl, match=why):
        SmtpServer.from_url(url)


def test_formgen_serve_sends_its_letters_through_the_smtp_url(
    tmp_path: Path, inbox: tuple[str, Inbox]
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(Path(sys.executable).with_name("formgen")), "serve", "--port", str(port)]
    command += ["--data", str(tmp_path / "portal"), "--smtp", inbox[0], "--public-url", base]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, page = time.monotonic() + 60, ""
        while time.monotonic() < deadline and not page:  # until it listens
            try:
                with urllib.request.urlopen(base + "/login", timeout=5) as response:
                    page = response.read().decode()
            except OSError:
                time.sleep(0.3)
        body = json.dumps(
            {
                "unit_name": "成都蜀安智造技术服务有限公司",
                "credit_code": "91510100MA61R8XK0" + uscc_check_character("91510100MA61R8XK0"),
                "region": "成都市",
                "email": ADDRESS,
                "password": "correct horse battery",
            }
        ).encode()
        asked = urllib.request.Request(
            base + "/api/signup", data=body, headers={"content-type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(asked, timeout=30) as response:
            assert response.status == 202
        (letter,) = inbox[1].wait_for(1)
        link = link_in(letter, "/confirm/")
        assert link.startswith(base + "/confirm/"), "links start with --public-url"
        with urllib.request.urlopen(link, timeout=30) as response:
            assert "邮箱已确认" in response.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_formgen_serve_refuses_a_bad_smtp_url(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli_app, ["serve", "--data", str(tmp_path), "--smtp", "http://mail.example.cn"]
    )
    assert result.exit_code == 2
    assert "--smtp" in result.output and "应以" in result.output
