"""Two `formgen serve` processes on one PostgreSQL, as behind a load balancer: one user moves
between them. Sessions, saves and sign-in limits are the database's, so either process sees
what the other did: a sign-in, a save, a sign-out, a failed try."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from formgen.workflows.portal import security
from formgen.workflows.portal.accounts import add_account
from tests.workflows.portal.conftest import PASSWORD, PROVIDER, fresh_postgres
from tests.workflows.portal.test_attacks_state import race

SAVERS = 12


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two portal processes on loopback ports over one fresh PostgreSQL; both stopped after."""
    database = fresh_postgres()
    for name in ("a", "b"):
        add_account(tmp_path / "setup", database, name, PASSWORD, "applicant", "成都市")
    formgen_command = Path(sys.executable).with_name("formgen")
    started: list[tuple[subprocess.Popen[bytes], str]] = []
    try:
        for n in range(2):
            port = _free_port()
            process = subprocess.Popen(
                [
                    str(formgen_command),
                    "serve",
                    "--port",
                    str(port),
                    "--data",
                    str(tmp_path / f"p{n}"),
                    "--database",
                    database,
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            started.append((process, f"http://127.0.0.1:{port}"))
        for process, base in started:
            _wait_until_serving(process, base)
        yield started[0][1], started[1][1]
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            process.wait(timeout=60)


def _wait_until_serving(process: subprocess.Popen[bytes], base: str) -> None:
    """Return once the process answers its sign-in page; fail if it exits or never answers."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, f"formgen serve exited with {process.returncode}"
        try:
            if httpx2.get(base + "/login", timeout=5).status_code == 200:
                return
        except httpx2.TransportError:
            time.sleep(0.2)
    pytest.fail(f"the portal at {base} did not start")


def _browser() -> httpx2.Client:
    """One browser: its cookie goes to both processes (cookies do not tell ports apart). Its
    idle connections close after 2 s, before the server's 5 s, so no request meets a close."""
    return httpx2.Client(timeout=60, limits=httpx2.Limits(keepalive_expiry=2.0))


def test_one_user_moves_between_two_processes(servers: tuple[str, str]) -> None:
    one, two = servers
    user = _browser()
    signed_in = user.post(one + "/api/login", json={"name": "a", "password": PASSWORD})
    assert signed_in.status_code == 200
    user.headers["X-CSRF-Token"] = signed_in.json()["csrf"]
    # Signed in on one, works on two.
    created = user.post(two + "/api/applications", json={"packet_id": PROVIDER})
    assert created.status_code == 201, created.text
    report = created.json()["id"]
    body = {"data": {"report": {"recommender": "第二个进程"}}, "version": 1}
    assert user.put(f"{two}/api/applications/{report}/data", json=body).status_code == 200
    assert (
        user.get(f"{one}/api/applications/{report}").json()["data"]["report"]["recommender"] == "第二个进程"
    )

    # Saves from one version sent to both processes at once: exactly one is acknowledged.
    tabs = []
    for _ in range(SAVERS):
        tab = _browser()
        tab.cookies.update(user.cookies)
        tab.headers["X-CSRF-Token"] = user.headers["X-CSRF-Token"]
        tabs.append(tab)

    def save(n: int) -> httpx2.Response:
        base = (one, two)[n % 2]
        data = {"data": {"report": {"recommender": f"窗口{n}"}}, "version": 2}
        return tabs[n].put(f"{base}/api/applications/{report}/data", json=data)

    answers = race(SAVERS, save)
    codes = [a.status_code for a in answers]
    assert sorted(codes) == [200] + [409] * (SAVERS - 1), codes
    winner = codes.index(200)
    stored = user.get(f"{one}/api/applications/{report}").json()
    assert stored["version"] == 3 and stored["data"]["report"]["recommender"] == f"窗口{winner}"
    print(f"\ntwo processes: {SAVERS} saves from one version, 1 acknowledged, found after: 窗口{winner}")

    # Signed out on one: the same cookie is refused by two.
    assert user.post(one + "/logout", follow_redirects=False).status_code == 303
    assert tabs[0].get(f"{two}/api/applications/{report}").status_code == 401
    for tab in tabs:
        tab.close()
    user.close()


def test_sign_in_limits_are_counted_across_two_processes(servers: tuple[str, str]) -> None:
    one, two = servers
    attacker = _browser()
    codes = [
        attacker.post((one, two)[n % 2] + "/api/login", json={"name": "a", "password": "wrong"}).status_code
        for n in range(security.LOGIN_LIMIT + 1)
    ]
    assert codes == [401] * security.LOGIN_LIMIT + [429]
    # 30 at once, spread over both processes: no more than the limit are checked (401).
    clients = [_browser() for _ in range(30)]
    answers = race(
        30, lambda n: clients[n].post((one, two)[n % 2] + "/api/login", json={"name": "b", "password": "x"})
    )
    refused = [a.status_code for a in answers]
    print(
        f"\ntwo processes, 30 simultaneous wrong tries: {refused.count(401)} checked, {refused.count(429)} refused"
    )
    assert sorted(refused) == [401] * security.LOGIN_LIMIT + [429] * (30 - security.LOGIN_LIMIT)
    for client in clients:
        client.close()
    attacker.close()
