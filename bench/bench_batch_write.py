"""Benchmark: a batch of draft saves written as one statement, against one statement a row.

`group_commit` writes the saves waiting at once in one transaction. It used to send one
conditional UPDATE for each; it now sends one UPDATE for all the rows that set the same
columns (`group_commit.batch_statement`). The difference is not SQLite's work, which is
small either way, but the interpreter: every statement lets other threads run while SQLite
works and must then win the interpreter back. In the portal that costs most when it is
busiest, so this bench keeps `--busy` threads turning pure Python meanwhile, as the portal's
other requests do, and measures both ways side by side, in turns, on one database
(`db.open_database`: WAL, ``synchronous=FULL``, the portal's schema), each batch one
transaction and one commit.

Printed, for each number of busy threads and batch size: each way's median and p90 ms a batch
over the rounds, and the ratio one statement / a statement a row of the medians.

Run: ``.venv/bin/python bench/bench_batch_write.py [--rounds N] [--sizes 5,20] [--busy 0,2,4]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Table, insert
from sqlalchemy.engine import Engine

from formgen.workflows.portal import db
from formgen.workflows.portal.group_commit import RowUpdate, batch_statement

DATA = '{"text": "' + "填" * 1000 + '"}'
"""About 3 KB, as a form's draft."""


@contextmanager
def _busy(threads: int) -> Iterator[None]:
    """`threads` threads turning pure Python until the block ends."""
    stop = threading.Event()

    def turn() -> None:
        while not stop.is_set():
            sum(range(2000))

    running = [threading.Thread(target=turn, daemon=True) for _ in range(threads)]
    for thread in running:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in running:
            thread.join()


def _applications(engine: Engine, count: int) -> list[int]:
    """The ids of `count` new drafts, of one new applicant."""
    with engine.begin() as connection:
        user = {"name": f"bench-{time.monotonic_ns()}", "password_hash": "x", "role": "applicant"}
        owner = connection.execute(insert(db.User).values(region="成都市", **user).returning(db.User.id))
        draft = {"owner_id": owner.scalar_one(), "packet_id": "p", "region": "成都市"}
        made = insert(db.Application).values(draft).returning(db.Application.id)
        return [connection.execute(made).scalar_one() for _ in range(count)]


def _writer(engine: Engine, rows: list[int], together: bool) -> Callable[[], None]:
    """One batch of saves, one to each row in `rows`, from the versions they are at."""
    table = db.Application.__table__
    assert isinstance(table, Table)
    versions = dict.fromkeys(rows, 1)

    def write() -> None:
        updates = [
            RowUpdate(
                table,
                row,
                versions[row],
                {"data_json": DATA, "updated": db.now(), "version": versions[row] + 1},
            )
            for row in rows
        ]
        with engine.begin() as connection:
            if together:
                matched = connection.execute(*batch_statement(updates)).rowcount
            else:
                matched = sum(connection.execute(*batch_statement([update])).rowcount for update in updates)
        assert matched == len(rows)
        for row in rows:
            versions[row] += 1

    return write


def _ms(call: Callable[[], None]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--sizes", default="5,20")
    parser.add_argument("--busy", default="0,2,4")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        engine = db.open_database(Path(folder), None)
        print(
            "busy threads  batch  a statement a row: p50 / p90 ms   one statement: p50 / p90 ms   ratio (p50)"
        )
        for busy in [int(b) for b in args.busy.split(",")]:
            for size in sizes:
                rows = _applications(engine, 2 * size)
                each, together = _writer(engine, rows[:size], False), _writer(engine, rows[size:], True)
                times: dict[bool, list[float]] = {False: [], True: []}
                with _busy(busy):
                    for _ in range(args.rounds):
                        times[False].append(_ms(each))
                        times[True].append(_ms(together))
                figures = {
                    way: (statistics.median(t), statistics.quantiles(t, n=10)[-1]) for way, t in times.items()
                }
                print(
                    f"{busy:12d}  {size:5d}  {figures[False][0]:14.1f} / {figures[False][1]:6.1f}"
                    f"            {figures[True][0]:10.1f} / {figures[True][1]:6.1f}"
                    f"        {figures[True][0] / figures[False][0]:.2f}"
                )
        engine.dispose()


if __name__ == "__main__":
    main()
