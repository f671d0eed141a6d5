"""The portal's state under attack, replayed: racing saves, stolen and ended sessions, sign-in
guessing and spraying, timing, and what held already (other applicants, other regions, CSRF).
Every case runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient

from tests.workflows.portal.conftest import PROVIDER, Site, start

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
    section = f"/api/applications/{report}/sections/1"
    page = f"/applications/{report}/sections/1"

    def mixed(n: int) -> Response:
        form = {"csrf": token, "version": "1", "report.recommender": f"窗口{n}"}
        if n % 3 == 0:  # the page's own form post (no JavaScript)
            return tabs[n].post(page, data=form, follow_redirects=False)
        if n % 3 == 1:  # the page's autosave
            return tabs[n].post(section, data=form)
        return tabs[n].post(section, data={**form, "_action": "remove:report.recommender[0]"})

    answers = race(SAVERS, mixed)
    won = [n for n, a in enumerate(answers) if a.status_code in (200, 303)]
    assert len(won) == 1, [a.status_code for a in answers]
    assert all(a.status_code == 409 for n, a in enumerate(answers) if n not in won)
    stored = client.get(f"/api/applications/{report}").json()
    assert stored["version"] == 2
    assert stored["data"]["report"]["recommender"] == f"窗口{won[0]}"
