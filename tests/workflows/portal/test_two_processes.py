"""Two `formgen serve` processes on one database (an SQLite file, PostgreSQL), as behind a load
balancer: one user moves between them. Sessions, saves and sign-in limits are the database's,
so either process sees what the other did: a sign-in, a save, a sign-out, a failed try. And
`formgen serve --processes 2` starts two app processes on one port."""

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
FORMGEN = Path(sys.executable).with_name("formgen")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(params=["sqlite", "postgresql"])
def servers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two portal processes on loopback ports over one SQLite file (one data folder) or one
    fresh PostgreSQL (a data folder each); both stopped after."""
    on_sqlite = request.param == "sqlite"
    database = None if on_sqlite else fresh_postgres()
    setup = tmp_path / ("shared" if on_sqlite else "setup")
    for name in ("a", "b"):
        add_account(setup, database, name, PASSWORD, "applicant", "成都市")
    started: list[tuple[subprocess.Popen[bytes], str]] = []
    try:
        for n in range(2):
            port = _free_port()
            data = setup if on_sqlite else tmp_path / f"p{n}"
            where = ["--data", str(data), *(["--database", database] if database else [])]
            process = subprocess.Popen(
                [str(FORMGEN), "serve", "--port", str(port), *where],
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


def _a_draft_saved(sign_in_at: str, work_at: str, recommender: str) -> tuple[httpx2.Client, int]:
    """User "a" signed in at one address, a provider's report made and saved once (its
    推荐单位 `recommender`) at another: the browser and the report's id."""
    user = _browser()
    signed_in = user.post(sign_in_at + "/api/login", json={"name": "a", "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    user.headers["X-CSRF-Token"] = signed_in.json()["csrf"]
    created = user.post(work_at + "/api/applications", json={"packet_id": PROVIDER})
    assert created.status_code == 201, created.text
    report: int = created.json()["id"]
    body = {"data": {"report": {"recommender": recommender}}, "version": 1}
    assert user.put(f"{work_at}/api/applications/{report}/data", json=body).status_code == 200
    return user, report


def test_one_user_moves_between_two_processes(servers: tuple[str, str]) -> None:
    one, two = servers
    user, report = _a_draft_saved(one, two, "第二个进程")  # signed in on one, works on two
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


def _app_processes(server: int) -> list[int]:
    """The app processes uvicorn's supervisor `server` started (its children that multiprocessing
    spawned; not their own workers, nor multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (
                entry.name.isdigit()
                and "spawn_main" in (entry / "cmdline").read_text()
                and f"\nPPid:\t{server}\n" in (entry / "status").read_text()
            ):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_serve_with_two_processes_on_a_new_folder(tmp_path: Path) -> None:
    """`formgen serve --processes 2` on an empty folder: both app processes make or find the
    schema as they start together, serve one port with the settings serve was given (here:
    cookies a plain-HTTP loopback browser sends back), and stop with the server."""
    data, port = tmp_path / "portal", _free_port()
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "serve.log").open("wb") as log:
        server = subprocess.Popen(
            [str(FORMGEN), "serve", "--processes", "2", "--port", str(port), "--data", str(data)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_serving(server, base)
        serving = _app_processes(server.pid)
        assert len(serving) == 2, (serving, (tmp_path / "serve.log").read_text())
        add_account(data, None, "a", PASSWORD, "applicant", "成都市")  # a third writer, beside them
        user, report = _a_draft_saved(base, base, "两个进程")
        readers = [_browser() for _ in range(8)]  # connections of their own, to either process
        for reader in readers:
            reader.cookies.update(user.cookies)
            found = reader.get(f"{base}/api/applications/{report}").json()
            assert found["data"]["report"]["recommender"] == "两个进程"
            reader.close()
        user.close()
    finally:
        server.terminate()
        assert server.wait(timeout=60) == 0, (tmp_path / "serve.log").read_text()
    assert not [pid for pid in serving if Path(f"/proc/{pid}").exists()]
