"""The portal's SQLite writers take turns in the order they came, and every way a transaction
ends (commit, rollback, a stale save, a connection handed back) gives the turn back.

Writers are held at known points (a transaction left open until a test lets it go, the queue's
`on_wait` hook), never by sleeping."""

from __future__ import annotations

import threading
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
