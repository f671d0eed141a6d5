"""The portal's state under attack, replayed: racing saves, stolen and ended sessions, sign-in
guessing and spraying, timing, and what held already (other applicants, other regions, CSRF).
Every case runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from formgen.workflows.portal import security
from formgen.workflows.portal.db import Application, User, WebSession
from formgen.workflows.portal.security import password_matches  # bound before `checked` counts it
from formgen.workflows.portal.sessions import COOKIE, IDLE, LIFETIME, token_hash
from tests.workflows.portal.conftest import PASSWORD, PROVIDER, Site, start
from tests.workflows.portal.test_pages import csrf_of

Response = Any  # the test client's response (httpx2)
SAVERS = 12
ROUNDS = 6


def race(count: int, attempt: Callable[[int], Response]) -> list[Response]:
    """`count` calls of `attempt` released at once by a barrier, each in its own thread."""
    barrier = threading.Barrier(count)

    def one(n: int) -> Response:
        barrier.wait()
        return attempt(n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def same_session(site: Site, client: TestClient, count: int) -> list[TestClient]:
    """`count` clients holding `client`'s cookie and CSRF header: one user's many tabs."""
    clones = []
    for _ in range(count):
        clone = TestClient(site.app, base_url="http://127.0.0.1")
        clone.cookies.update(client.cookies)
        clone.headers["X-CSRF-Token"] = client.headers["X-CSRF-Token"]
        clones.append(clone)
    return clones


def recommender(value: str) -> dict[str, Any]:
    return {"report": {"recommender": value}}


def test_of_concurrent_saves_from_one_version_exactly_one_is_acknowledged(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    tabs = same_session(site, client, SAVERS)
    version, acknowledged, conflicts = 1, 0, 0
    for round_ in range(ROUNDS):

        def put(n: int, version: int = version, round_: int = round_) -> Response:
            body = {"data": recommender(f"第{round_}轮第{n}个窗口"), "version": version}
            return tabs[n].put(f"/api/applications/{report}/data", json=body)

        answers = race(SAVERS, put)
        codes = sorted(a.status_code for a in answers)
        assert codes == [200] + [409] * (SAVERS - 1), codes
        winner = next(n for n, a in enumerate(answers) if a.status_code == 200)
        assert answers[winner].json()["version"] == version + 1
        stored = client.get(f"/api/applications/{report}").json()
        assert stored["version"] == version + 1
        assert stored["data"] == recommender(f"第{round_}轮第{winner}个窗口")  # the acknowledged value
        version += 1
        acknowledged += 1
        conflicts += SAVERS - 1
    print(f"\nsaves attempted {SAVERS * ROUNDS}, acknowledged {acknowledged}, refused {conflicts}")


def test_concurrent_section_saves_autosaves_and_row_actions_race_as_one(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    token = client.headers["X-CSRF-Token"]
    tabs = same_session(site, client, SAVERS)
    # 基本情况 holds the tables 主要服务或产品 and 典型案例: a row action acts on one of them.
    section = f"/api/applications/{report}/sections/3"
    page = f"/applications/{report}/sections/3"

    def mixed(n: int) -> Response:
        form = {"csrf": token, "version": "1", "report.profile.unit_name": f"窗口{n}"}
        if n % 3 == 0:  # the page's own form post (no JavaScript)
            return tabs[n].post(page, data=form, follow_redirects=False)
        if n % 3 == 1:  # the page's autosave
            return tabs[n].post(section, data=form)
        return tabs[n].post(section, data={**form, "_action": "add:report.profile.products"})

    answers = race(SAVERS, mixed)
    won = [n for n, a in enumerate(answers) if a.status_code in (200, 303)]
    assert len(won) == 1, [a.status_code for a in answers]
    assert all(a.status_code == 409 for n, a in enumerate(answers) if n not in won)
    stored = client.get(f"/api/applications/{report}").json()
    assert stored["version"] == 2
    assert stored["data"]["report"]["profile"]["unit_name"] == f"窗口{won[0]}"


def session_row(site: Site, client: TestClient) -> WebSession | None:
    """The sessions table's row for `client`'s cookie."""
    with site.portal.db() as session:
        return session.get(WebSession, token_hash(client.cookies[COOKIE]))


def count_applications(site: Site) -> int:
    with site.portal.db() as session:
        return len(list(session.scalars(select(Application))))


def test_the_cookie_holds_only_a_token_kept_hashed_and_renewed_at_sign_in(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = TestClient(site.app, base_url="http://127.0.0.1")
    client.get("/login")
    before = client.cookies[COOKIE]
    client.headers["X-CSRF-Token"] = client.post(
        "/api/login", json={"name": "a", "password": PASSWORD}
    ).json()["csrf"]
    token = client.cookies[COOKIE]
    assert token != before  # a token planted before sign-in signs nobody in
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # random, nothing readable in it
    row = session_row(site, client)
    assert row is not None and row.user_id is not None and row.id == token_hash(token) != token
    assert "testclient" in row.client
    with site.portal.db() as session:
        assert session.get(WebSession, token_hash(before)) is None


def test_logout_ends_the_session_on_the_server(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    mine = start(client, PROVIDER)
    stolen = same_session(site, client, 1)[0]
    assert stolen.get(f"/api/applications/{mine}").status_code == 200
    assert client.post("/logout", follow_redirects=False).status_code == 303
    assert stolen.get(f"/api/applications/{mine}").status_code == 401
    assert stolen.post("/api/applications", json={"packet_id": PROVIDER}).status_code in (401, 403)
    assert stolen.put(f"/api/applications/{mine}/data", json={"data": {}, "version": 1}).status_code in (
        401,
        403,
    )
    assert count_applications(site) == 1


def test_a_password_change_ends_every_other_session(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    here, elsewhere = site.client("a"), site.client("a")
    mine = start(here, PROVIDER)
    wrong = here.post("/account/password", data={"old": "not it", "new": "a new password"})
    assert wrong.status_code == 422 and "原密码不正确" in wrong.text
    changed = here.post("/account/password", data={"old": PASSWORD, "new": "a new password"})
    assert changed.status_code == 200 and "密码已修改" in changed.text
    assert elsewhere.get(f"/api/applications/{mine}").status_code == 401
    here.headers["X-CSRF-Token"] = csrf_of(changed.text)
    assert here.get(f"/api/applications/{mine}").status_code == 200  # the changing browser goes on
    assert site.client().post("/api/login", json={"name": "a", "password": PASSWORD}).status_code == 401
    site.client("a", "a new password")


def test_an_admin_disabling_an_account_ends_its_sessions_and_sign_ins(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    site.user("root", "admin")
    a, admin = site.client("a"), site.client("root")
    mine = start(a, PROVIDER)
    with site.portal.db() as session:
        uid = session.scalars(select(User.id).where(User.name == "a")).one()
    assert ">停用</button>" in admin.get("/admin/users").text
    assert admin.post(f"/admin/users/{uid}/disable", follow_redirects=False).status_code == 303
    assert "已停用" in admin.get("/admin/users").text
    assert a.get(f"/api/applications/{mine}").status_code == 401
    assert site.client().post("/api/login", json={"name": "a", "password": PASSWORD}).status_code == 401
    assert a.post(f"/admin/users/{uid}/enable").status_code in (401, 403)  # not by itself
    assert admin.post(f"/admin/users/{uid}/enable", follow_redirects=False).status_code == 303
    assert site.client("a").get(f"/api/applications/{mine}").status_code == 200


def test_sessions_end_after_their_idle_time_and_their_lifetime(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    mine = start(client, PROVIDER)

    def age(client: TestClient, **back: dt.timedelta) -> None:
        with site.portal.db() as session:
            row = session.get(WebSession, token_hash(client.cookies[COOKIE]))
            assert row is not None
            for column, by in back.items():
                setattr(row, column, getattr(row, column) - by)
            session.commit()

    age(client, last_seen=IDLE - dt.timedelta(minutes=2))
    assert client.get(f"/api/applications/{mine}").status_code == 200  # within the idle time: renewed
    age(client, last_seen=IDLE + dt.timedelta(minutes=1))
    assert client.get(f"/api/applications/{mine}").status_code == 401
    assert session_row(site, client) is None

    busy = site.client("a")
    age(busy, created=LIFETIME + dt.timedelta(minutes=1))  # used a moment ago, but too old
    assert busy.get(f"/api/applications/{mine}").status_code == 401


def wrong(client: TestClient, name: str = "a") -> int:
    code: int = client.post("/api/login", json={"name": name, "password": "wrong password"}).status_code
    return code


def test_an_attacker_cannot_lock_the_owner_out_from_another_address(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    attacker = TestClient(site.app, client=("203.0.113.66", 40000))
    codes = [wrong(attacker) for _ in range(security.LOGIN_LIMIT + 2)]
    assert codes == [401] * security.LOGIN_LIMIT + [429, 429]
    right = attacker.post("/api/login", json={"name": "a", "password": PASSWORD})
    assert right.status_code == 429 and "15分钟" in right.json()["detail"]
    # Forged X-Forwarded-For from a peer that is no trusted proxy changes nothing.
    forged = attacker.post(
        "/api/login", json={"name": "a", "password": PASSWORD}, headers={"X-Forwarded-For": "198.51.100.1"}
    )
    assert forged.status_code == 429
    owner = TestClient(site.app, client=("198.51.100.7", 40000))
    assert owner.post("/api/login", json={"name": "a", "password": PASSWORD}).status_code == 200


def test_names_sprayed_from_one_address_are_refused_after_the_address_limit(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    sprayer = TestClient(site.app, client=("203.0.113.67", 40000))
    codes = [wrong(sprayer, f"user{n}") for n in range(25)]
    assert codes == [401] * security.CLIENT_LIMIT + [429] * (25 - security.CLIENT_LIMIT)
    print(f"\nsprayed 25 names: {codes.count(401)} checked, {codes.count(429)} refused")
    assert (
        TestClient(site.app).post("/api/login", json={"name": "a", "password": PASSWORD}).status_code == 200
    )


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every password check the portal makes, as (stored hash, password tried)."""
    seen: list[tuple[str, str]] = []

    def counting(stored: str, password: str) -> bool:
        seen.append((stored, password))
        return password_matches(stored, password)

    monkeypatch.setattr(security, "password_matches", counting)
    return seen


def test_of_30_simultaneous_wrong_tries_no_more_than_the_limit_are_checked(
    site: Site, checked: list[tuple[str, str]]
) -> None:
    site.user("a", "applicant", "成都市")
    clients = [TestClient(site.app, client=("203.0.113.68", 40000 + n)) for n in range(30)]
    answers = race(30, lambda n: clients[n].post("/api/login", json={"name": "a", "password": f"guess {n}"}))
    codes = sorted(a.status_code for a in answers)
    print(f"\n30 simultaneous wrong tries: {len(checked)} checked, {codes.count(429)} refused unchecked")
    assert len(checked) == security.LOGIN_LIMIT
    assert codes == [401] * security.LOGIN_LIMIT + [429] * (30 - security.LOGIN_LIMIT)


def test_the_client_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    site.portal.trusted_proxies = security.trusted_proxies("10.0.0.2")
    proxy = TestClient(site.app, client=("10.0.0.2", 40000))

    def via(address: str, password: str = "wrong password") -> int:
        body = {"name": "a", "password": password}
        code: int = proxy.post("/api/login", json=body, headers={"X-Forwarded-For": address}).status_code
        return code

    assert [via("203.0.113.69") for _ in range(security.LOGIN_LIMIT)] == [401] * security.LOGIN_LIMIT
    assert via("203.0.113.69", PASSWORD) == 429
    assert via("1.2.3.4, 203.0.113.69", PASSWORD) == 429  # the client's own entries prove nothing
    assert via("198.51.100.8", PASSWORD) == 200  # the owner, elsewhere behind the same proxy
    with pytest.raises(ValueError, match="可信代理"):
        security.trusted_proxies("proxy.example")


def test_unknown_names_and_wrong_passwords_take_the_same_time(
    site: Site, checked: list[tuple[str, str]]
) -> None:
    site.user("a", "applicant", "成都市")
    stored = security.hash_password(PASSWORD)
    verify: list[float] = []
    unknown: list[float] = []
    known: list[float] = []
    for n in range(9):  # interleaved, so a busy moment of the machine falls on all three
        began = time.perf_counter()
        password_matches(stored, "wrong password")
        verify.append(time.perf_counter() - began)
        for name, into in (("nobody", unknown), ("a", known)):
            client = TestClient(site.app, client=(f"192.0.2.{2 * n + len(into)}", 40000))  # no limit
            began = time.perf_counter()
            assert wrong(client, name) == 401
            into.append(time.perf_counter() - began)
    # Each attempt, the unknown name's too, ran exactly one argon2 verification.
    assert len(checked) == 18 and len({stored for stored, _ in checked}) == 2
    one, no_name, bad_password = (statistics.median(x) for x in (verify, unknown, known))
    print(
        f"\nsign-in medians of 9: unknown name {no_name * 1000:.1f} ms, wrong password "
        f"{bad_password * 1000:.1f} ms, one argon2 verify {one * 1000:.1f} ms"
    )
    assert no_name > one / 2 and bad_password > one / 2
    assert 0.5 < no_name / bad_password < 2


def test_what_held_other_applicants_other_regions_and_csrf_stay_refused(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    site.user("b", "applicant", "成都市")
    site.user("m", "applicant", "绵阳市")
    site.user("mianyang", "bureau", "绵阳市")
    site.user("root", "admin")
    a, b = site.client("a"), site.client("b")
    mine = start(a, PROVIDER, {"report": {"recommender": "甲"}})
    token = b.headers["X-CSRF-Token"]
    # Another applicant: every read and change answers as if it did not exist.
    assert b.get(f"/api/applications/{mine}").status_code == 404
    assert b.put(f"/api/applications/{mine}/data", json={"data": {}, "version": 2}).status_code == 404
    section = {"csrf": token, "version": "2", "report.recommender": "乙"}
    assert b.post(f"/api/applications/{mine}/sections/1", data=section).status_code == 404
    assert b.post(f"/applications/{mine}/sections/1", data=section).status_code == 404
    # A bureau of another region cannot see or decide it.
    mianyang = site.client("mianyang")
    assert mianyang.get(f"/api/applications/{mine}").status_code == 404
    assert mianyang.post(f"/api/applications/{mine}/return", json={"comment": "x"}).status_code == 404
    # Without the CSRF token nothing changes: saves, sign-out, password, disabling.
    a_token = a.headers.pop("X-CSRF-Token")
    assert a.put(f"/api/applications/{mine}/data", json={"data": {}, "version": 2}).status_code == 403
    assert a.post("/logout", follow_redirects=False).status_code == 403
    assert a.post("/account/password", data={"old": PASSWORD, "new": "hijacked!"}).status_code == 403
    root = site.client("root")
    root.headers.pop("X-CSRF-Token")
    with site.portal.db() as session:
        uid = session.scalars(select(User.id).where(User.name == "a")).one()
    assert root.post(f"/admin/users/{uid}/disable").status_code == 403
    a.headers["X-CSRF-Token"] = a_token
    stored = a.get(f"/api/applications/{mine}").json()
    assert stored["data"] == {"report": {"recommender": "甲"}} and stored["version"] == 2
