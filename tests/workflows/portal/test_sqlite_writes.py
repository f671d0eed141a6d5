"""The portal's SQLite writers take turns in the order they came, and every way a transaction
ends (commit, rollback, a stale save, a connection handed back) gives the turn back; the
processes on one file share the turns.

Writers are held at known points (a transaction left open until a test lets it go, the queue's
`on_wait` hook), never by sleeping."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from formgen.workflows.portal import db, sqlite_writes

LONG_ENOUGH = 60
"""Seconds a test waits before it calls a writer stuck (a bound, not a measurement)."""


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    made = db.make_engine(db.database_url(None, tmp_path), tuned=True)
    with made.begin() as connection:
        connection.execute(text("CREATE TABLE rows (id INTEGER PRIMARY KEY, writer TEXT)"))
    yield made
    made.dispose()


def _turns(engine: Engine) -> sqlite_writes.WriteTurns:
    found = sqlite_writes.turns_of(engine)
    assert found is not None
    return found


def _waiting(turns: sqlite_writes.WriteTurns, count: int) -> threading.Event:
    """Set once `count` writers wait for their turn."""
    reached = threading.Event()

    def seen() -> None:
        if turns.waiting >= count:  # called once this writer is in the queue
            reached.set()

    turns.on_wait = seen
    return reached


def _write(engine: Engine, writer: str) -> None:
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO rows (writer) VALUES (:w)"), {"w": writer})


def _finish(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(LONG_ENOUGH)
        assert not thread.is_alive(), "a writer never got its turn"


def test_writers_that_wait_write_in_the_order_they_came(engine: Engine) -> None:
    turns = _turns(engine)
    first_wrote, let_go = threading.Event(), threading.Event()

    def first() -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO rows (writer) VALUES ('first')"))
            first_wrote.set()
            let_go.wait(LONG_ENOUGH)

    holder = threading.Thread(target=first)
    holder.start()
    assert first_wrote.wait(LONG_ENOUGH)
    order = [f"w{n}" for n in range(6)]
    threads = []
    for n, name in enumerate(order, start=1):
        queued = _waiting(turns, n)
        thread = threading.Thread(target=_write, args=(engine, name))
        thread.start()
        assert queued.wait(LONG_ENOUGH)
        threads.append(thread)
    assert turns.waiting == len(order)
    let_go.set()
    _finish([holder, *threads])
    with engine.connect() as connection:
        written = [row[0] for row in connection.execute(text("SELECT writer FROM rows ORDER BY id"))]
    assert written == ["first", *order]
    assert turns.waiting == 0


def test_a_rollback_and_a_stale_save_give_the_turn_back(engine: Engine, tmp_path: Path) -> None:
    with engine.connect() as connection:
        connection.execute(text("INSERT INTO rows (writer) VALUES ('rolled back')"))
        connection.rollback()
    with engine.connect() as connection:  # handed back to the pool without commit or rollback
        connection.execute(text("INSERT INTO rows (writer) VALUES ('never committed')"))
    portal = db.open_database(tmp_path / "portal", None)
    sessions = sessionmaker(portal, expire_on_commit=False)
    with sessions() as session:
        user = db.User(name="a", password_hash="x", role="applicant", region="成都市")
        session.add(user)
        session.flush()
        application = db.Application(owner_id=user.id, packet_id="p", region="成都市")
        session.add(application)
        session.commit()
        application_id = application.id
        with pytest.raises(db.Stale):
            db.save_application(session, application, application.version + 5, data_json="{}")
    other = threading.Thread(target=_write, args=(engine, "after"))
    other.start()
    _finish([other])
    saver = threading.Thread(target=_save_once, args=(sessions, application_id))
    saver.start()
    _finish([saver])
    with engine.connect() as connection:
        written = [row[0] for row in connection.execute(text("SELECT writer FROM rows ORDER BY id"))]
    assert written == ["after"]
    portal.dispose()


def _save_once(sessions: sessionmaker[Session], application_id: int) -> None:
    with sessions() as session:
        found = session.get(db.Application, application_id)
        assert found is not None
        db.save_application(session, found, found.version, data_json='{"saved": 1}')


def test_a_second_connection_of_the_turn_holder_does_not_wait_for_itself(engine: Engine) -> None:
    """A thread holding the turn that writes on another connection is not queued behind
    itself: SQLite's own lock answers it (here: the file is locked; before, the same)."""
    turns = _turns(engine)
    done = threading.Event()

    def nested() -> None:
        with engine.begin() as outer:
            outer.execute(text("INSERT INTO rows (writer) VALUES ('outer')"))
            with engine.connect() as inner:
                inner.execute(text("PRAGMA busy_timeout = 0"))
                with pytest.raises(Exception, match="locked"):
                    inner.execute(text("INSERT INTO rows (writer) VALUES ('inner')"))
        done.set()

    thread = threading.Thread(target=nested)
    thread.start()
    _finish([thread])
    assert done.is_set()
    assert turns.waiting == 0


def test_the_untuned_engine_polls_sqlite_as_before(tmp_path: Path) -> None:
    untuned = db.make_engine(db.database_url(None, tmp_path), tuned=False)
    assert sqlite_writes.turns_of(untuned) is None
    with untuned.connect() as connection:
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    tuned = db.make_engine(db.database_url(None, tmp_path), tuned=True)
    with tuned.connect() as connection:
        assert (
            connection.execute(text("PRAGMA synchronous")).scalar() == 2
        )  # FULL: a receipt survives a power cut
    untuned.dispose()
    tuned.dispose()


def _process(script: str, *args: str) -> subprocess.Popen[str]:
    """Another Python process running `script` (which may import formgen), talked to by lines."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _stop(process: subprocess.Popen[str]) -> None:
    """End `process` if it still runs, and close its pipes."""
    process.kill()
    process.communicate()


def _said(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdout is not None
    heard = process.stdout.readline().strip()
    assert heard == line, f"the other process said {heard!r}, exit {process.poll()}"


def _waits_for_flock(path: Path) -> bool:
    """Whether a thread of this process waits for a `flock` on `path` (the kernel's list of
    locks marks a waiter with ``->``; the file is named by its inode)."""
    file = f":{path.stat().st_ino}"  # the field major:minor:inode
    waiting = ("->", "FLOCK", str(os.getpid()))
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if all(word in fields for word in waiting) and any(field.endswith(file) for field in fields):
            return True
    return False


HOLDER = """
    import sys
    from pathlib import Path
    from sqlalchemy import text
    from formgen.workflows.portal import db

    engine = db.make_engine(db.database_url(None, Path(sys.argv[1])), tuned=True)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO rows (writer) VALUES ('other process')"))
        print("holding", flush=True)
        sys.stdin.readline()
    print("committed", flush=True)
"""


def test_a_writer_of_another_process_waits_in_the_kernel_for_the_turn(engine: Engine, tmp_path: Path) -> None:
    """Two processes on one file: while one holds the turn, the other's writer waits for the
    lock beside the database (not in SQLite's busy handler) and writes once it is let go."""
    lock = tmp_path / "portal.sqlite3-writers"
    holder = _process(HOLDER, str(tmp_path))
    try:
        _said(holder, "holding")
        writer = threading.Thread(target=_write, args=(engine, "this process"))
        writer.start()
        deadline = time.monotonic() + LONG_ENOUGH
        while not _waits_for_flock(lock):
            assert time.monotonic() < deadline, "the writer never waited for the other process's turn"
            time.sleep(0.01)
        assert writer.is_alive()
        assert holder.stdin is not None
        holder.stdin.write("go\n")
        holder.stdin.flush()
        _said(holder, "committed")
        _finish([writer])
    finally:
        _stop(holder)
    with engine.connect() as connection:
        written = [row[0] for row in connection.execute(text("SELECT writer FROM rows ORDER BY id"))]
    assert written == ["other process", "this process"]


MIGRATOR = """
    import sys
    from pathlib import Path
    from formgen.workflows.portal import db

    print("ready", flush=True)
    sys.stdin.readline()
    db.open_database(Path(sys.argv[1]), None).dispose()
    print("migrated", flush=True)
"""


def _written_while_opened(path: Path) -> tuple[sqlite3.Connection, sqlite3.Connection]:
    """A new file at `path` (rollback-journal mode), a connection holding its write lock
    (``BEGIN IMMEDIATE``, left open) and a second connection opened beside it (busy timeout
    30 s, as the portal's)."""
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY)")
    writer.execute("BEGIN IMMEDIATE")
    return writer, sqlite3.connect(path, timeout=30, isolation_level=None)


def test_a_new_file_goes_into_wal_mode_once_another_writer_lets_go(tmp_path: Path) -> None:
    """A new file (rollback-journal mode) switches to WAL under its exclusive lock, got by raising
    a read lock: while another connection writes, SQLite refuses at once ("database is locked",
    its busy timeout not consulted). One of several processes opening a new file together met
    that on its first connection; the switch is now tried again after a pause."""
    path = tmp_path / "portal.sqlite3"
    writer, opening = _written_while_opened(path)  # the write lock held until the first pause
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        if writer.in_transaction:
            writer.execute("COMMIT")

    sqlite_writes.into_wal(opening, pause=pause)
    assert pauses == [sqlite_writes.WAL_PAUSE_S]  # refused once, while the other wrote
    assert opening.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)  # kept


def test_the_switch_to_wal_gives_up_after_its_seconds(tmp_path: Path) -> None:
    """A writer that does not let go: the switch stops trying once its seconds are spent (here
    none) and says why, with SQLite's own error."""
    writer, opening = _written_while_opened(tmp_path / "portal.sqlite3")
    pauses: list[float] = []
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        sqlite_writes.into_wal(opening, seconds=-1.0, pause=pauses.append)
    assert pauses == []
    writer.execute("ROLLBACK")


def test_processes_starting_at_once_on_a_new_file_all_find_the_schema(tmp_path: Path) -> None:
    """App processes started together on a new folder migrate one after another. Before, in
    each of five tries of four processes, all but one failed: "table … already exists"."""
    folder = tmp_path / "portal"
    starting = [_process(MIGRATOR, str(folder)) for _ in range(4)]
    try:
        for process in starting:
            _said(process, "ready")
        for process in starting:  # all let go at once, imports done
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        for process in starting:
            _said(process, "migrated")
            assert process.wait(LONG_ENOUGH) == 0
    finally:
        for process in starting:
            _stop(process)
    portal = db.open_database(folder, None)
    with portal.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    portal.dispose()
