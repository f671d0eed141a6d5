"""A request's session is read where its route works, once, with its user.

`ServerSessions` no longer reads the session before every request: the first question a route
asks reads it, in the thread that asks (a coroutine route's is read in a worker thread before
it starts, unless the route reads it in its own). These tests watch the statements the
database receives and the warning a read on the event loop leaves.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import pytest
from fastapi import Request
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

import formgen
from formgen.workflows.portal import accounts, forms, sessions
from formgen.workflows.portal.db import User, now
from tests.workflows.portal.conftest import PROVIDER, Site
from tests.workflows.portal.test_pages import csrf_of

SESSIONS_LOG = "formgen.workflows.portal.sessions"


@contextlib.contextmanager
def statements(site: Site) -> Iterator[list[str]]:
    """The SQL statements the portal's database receives meanwhile, lower-cased."""
    engine: Engine = site.portal.sessions.kw["bind"]
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        seen.append(" ".join(statement.lower().split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _reading(table: str, found: list[str]) -> list[str]:
    return [s for s in found if s.startswith("select") and f" {table} " in f" {s} ".replace(",", " ")]


def test_a_draft_save_reads_its_user_with_its_session_and_writes_once(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    made = client.post("/api/applications", json={"packet_id": PROVIDER}).json()
    with statements(site) as seen:
        saved = client.put(
            f"/api/applications/{made['id']}/data", json={"data": {}, "version": made["version"]}
        )
    assert saved.status_code == 200, saved.text
    (session_read,) = _reading("sessions", seen)
    assert _reading("users", seen) == [session_read], "the user comes with the session, not again"
    assert len(_reading("applications", seen)) == 1
    (update,) = [s for s in seen if s.startswith("update")]
    assert update.startswith("update applications")


def test_a_static_file_reads_no_session(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    with statements(site) as seen:
        assert client.get("/static/portal.css").status_code == 200
    assert seen == []


def test_a_page_and_a_save_by_form_read_the_session_once_each(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    made = client.post("/api/applications", json={"packet_id": PROVIDER}).json()
    url = f"/applications/{made['id']}/sections/2"
    with statements(site) as seen:
        token = csrf_of(client.get(url).text)
    assert len(_reading("sessions", seen)) == 1
    with statements(site) as seen:
        saved = client.post(
            url, data={"csrf": token, "version": "1", "report.recommender": "某局"}, follow_redirects=False
        )
    assert saved.status_code == 303, saved.text
    assert len(_reading("sessions", seen)) == 1


def test_a_signed_out_request_with_no_session_reads_nothing_and_is_refused(site: Site) -> None:
    client = site.client()
    with statements(site) as seen:
        refused = client.put("/api/applications/1/data", json={"data": {}, "version": 1})
    assert refused.status_code == 403  # no CSRF token: no session can hold one
    assert _reading("sessions", seen) == []


def test_no_route_reads_a_session_on_the_event_loop(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    """Coroutine routes (sign-in and sign-out by form, the saves), plain ones and an error page
    alike: the event loop never waits for the database to read a session."""
    site.user("a", "applicant", "成都市")
    client = site.client()
    client.follow_redirects = False
    with caplog.at_level(logging.WARNING, logger=SESSIONS_LOG):
        token = csrf_of(client.get("/login").text)
        signed_in = client.post(
            "/login", data={"csrf": token, "name": "a", "password": "correct horse battery"}
        )
        assert signed_in.status_code == 303, signed_in.text
        made = client.post(
            "/applications", data={"csrf": csrf_of(client.get("/applications").text), "packet_id": PROVIDER}
        )
        assert made.status_code == 303, made.text
        url = made.headers["location"].split("/sections/")[0]
        token = csrf_of(client.get(f"{url}/sections/2").text)
        form = {"csrf": token, "version": "1", "report.recommender": "某局"}
        assert client.post(f"/api{url}/sections/2", data=form).status_code == 200
        form["version"] = "2"
        assert client.post(f"{url}/sections/2", data=form).status_code == 303
        client.headers["X-CSRF-Token"] = token
        assert client.put(f"/api{url}/data", json={"data": {}, "version": 3}).status_code == 200
        assert client.get("/no-such-page").status_code == 404  # an error page, with its CSRF token
        assert client.post("/logout", data={"csrf": token}).status_code == 303
    assert [r.getMessage() for r in caplog.records if r.name == SESSIONS_LOG] == []


def test_the_warning_is_left_when_a_session_is_read_on_the_event_loop(
    site: Site, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watch above can see: sign-out by form marked as reading its session in a worker
    thread, which it does not, reads it on the event loop, and the portal says so."""
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    monkeypatch.setattr(accounts.logout, "reads_session_in_thread", True, raising=False)
    with caplog.at_level(logging.WARNING, logger=SESSIONS_LOG):
        signed_out = client.post(
            "/logout", data={"csrf": client.headers["X-CSRF-Token"]}, follow_redirects=False
        )
    assert signed_out.status_code == 303
    assert [r.getMessage() for r in caplog.records if r.name == SESSIONS_LOG] == [
        "a session read on the event loop: its route should read it in a thread"
    ]


def test_the_user_read_with_the_session_serves_the_first_question_only(site: Site) -> None:
    """A route that changes its own account and asks again, in another database session, gets
    the account as changed, not the copy read with the session."""
    site.user("a", "applicant", "成都市")
    with site.portal.db() as db:
        snapshot = db.scalars(select(User).where(User.name == "a")).one()
        db.expunge(snapshot)
    lazy = sessions.Lazy(lambda: sessions._Loaded("k", now(), {"csrf": "c", "uid": snapshot.id}, snapshot))
    request = Request({"type": "http", "session": lazy})
    with site.portal.db() as db:
        first = sessions.signed_in(request, db)
        assert first is not None and first.unit_name == ""
        first.unit_name = "成都蜀安智造技术服务有限公司"
        db.commit()
    with site.portal.db() as db:
        again = sessions.signed_in(request, db)
        assert again is not None and again.unit_name == "成都蜀安智造技术服务有限公司"


def test_the_attachments_page_reads_the_uploads_once(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    made = client.post("/api/applications", json={"packet_id": PROVIDER}).json()
    model = formgen.api.registry().packet(PROVIDER).model
    (index,) = [n for n, section in enumerate(forms.sections(model)) if section.attachments]
    with statements(site) as seen:
        page = client.get(f"/applications/{made['id']}/sections/{index}")
    assert page.status_code == 200 and "上传" in page.text
    assert len(_reading("attachments", seen)) == 1
