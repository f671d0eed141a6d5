"""Benchmark: does a password-reset request take the same time for a registered address as
for an unknown one?

The portal's way (`POST /api/password-reset`) only records the address; the mail sender
looks it up later. The plain way does the work in the request: look the address up and, when
an account has it, make a token and queue the letter. Both are timed in-process over SQLite,
N requests each for a known and an unknown address in turn, and printed side by side
(median and 95th percentile in ms, and the known/unknown ratio of the medians).

Run: ``.venv/bin/python bench/bench_reset.py [--n N]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from formgen.workflows.portal import tokens
from formgen.workflows.portal.accounts import add_user
from formgen.workflows.portal.app import create_app
from formgen.workflows.portal.db import User
from formgen.workflows.portal.letters import letter
from formgen.workflows.portal.outbox import Outbox

KNOWN = "known@example.cn"
UNKNOWN = "nobody@example.cn"


def timed(call: Callable[[str], object], address: str, n: int) -> list[float]:
    """Milliseconds of `n` calls for `address`."""
    found = []
    for _ in range(n):
        start = time.perf_counter()
        call(address)
        found.append((time.perf_counter() - start) * 1000)
    return found


def row(name: str, known: list[float], unknown: list[float]) -> str:
    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[18]

    k, u = statistics.median(known), statistics.median(unknown)
    return f"{name:<34} {k:8.2f} {p95(known):8.2f} {u:9.2f} {p95(unknown):9.2f} {k / u:7.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="requests per address and way")
    n = parser.parse_args().n
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Path(folder), None, secure_cookies=False)
        outbox: Outbox = app.state.outbox
        sessions = app.state.portal.sessions
        with sessions() as session:
            add_user(session, "known", "bench-pass-2026", "applicant", "成都市", KNOWN)
        client = TestClient(app, base_url="http://127.0.0.1")

        def portal_way(address: str) -> object:
            return client.post("/api/password-reset", json={"email": address})

        def plain_way(address: str) -> object:
            with sessions() as session:
                user = session.scalar(select(User).where(User.email == address))
                if user is not None:
                    token = tokens.issue(session, user, "reset", tokens.RESET_FOR)
                    outbox.queue(session, address, letter("reset", email=address, minutes=60, link=token))
                session.commit()
            return None

        for call in (portal_way, plain_way):  # warm-up
            timed(call, KNOWN, 5)
            timed(call, UNKNOWN, 5)
        print(f"{n} requests per address; ms")
        print(f"{'way':<34} {'known p50':>8} {'p95':>8} {'unknown p50':>9} {'p95':>9} {'ratio':>7}")
        for name, call in (
            ("portal: record, answer (HTTP)", portal_way),
            ("plain: look up, token, letter", plain_way),
        ):
            known, unknown = [], []
            for _ in range(n // 50):  # interleaved, so drift hits both alike
                known += timed(call, KNOWN, 50)
                unknown += timed(call, UNKNOWN, 50)
            print(row(name, known, unknown))


if __name__ == "__main__":
    main()
