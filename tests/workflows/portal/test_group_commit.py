"""Draft saves waiting at once on SQLite are committed together, and each keeps its own
outcome: a stale save is still refused, a failing write fails only its own save, a save
holding other changes commits them itself.

Batches are held at known points (the group's `on_batch` hook waits until the test lets it
go, once the test has seen the saves it wants queued), never by sleeping."""

from __future__ import annotations

import functools
import gc
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Column, MetaData, Table, event, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from formgen.workflows.portal import db, group_commit

LONG_ENOUGH = 60
"""Seconds a test waits before it calls a save stuck (a bound, not a measurement)."""


@dataclass
class Portal:
    engine: Engine
    sessions: sessionmaker[Session]
    group: group_commit.GroupCommit
    commits: list[int] = field(default_factory=list)
    """One entry per transaction that wrote, committed on the engine."""
    updates: list[str] = field(default_factory=list)
    """Every UPDATE statement sent on the engine."""


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    engine = db.open_database(tmp_path, None)
    group = group_commit.group_of(engine)
    assert group is not None
    made = Portal(engine, sessionmaker(engine, expire_on_commit=False), group)

    def committing(connection: Connection) -> None:
        if connection.connection.dbapi_connection.holding:  # type: ignore[union-attr]
            made.commits.append(1)  # a transaction that wrote, not a read's end

    event.listen(engine, "commit", committing)
    event.listen(
        engine,
        "before_cursor_execute",
        lambda *args: made.updates.append(args[2]) if args[2].startswith("UPDATE") else None,
    )
    yield made
    engine.dispose()


def _applications(portal: Portal, count: int) -> list[int]:
    with portal.sessions() as session:
        user = db.User(name="a", password_hash="x", role="applicant", region="成都市")
        session.add(user)
        session.flush()
        made = [db.Application(owner_id=user.id, packet_id="p", region="成都市") for _ in range(count)]
        session.add_all(made)
        session.commit()
        return [a.id for a in made]


@dataclass
class Outcome:
    version: int | None = None
    error: BaseException | None = None


def _into(outcome: Outcome, call: Callable[[], int]) -> None:
    """Run `call`, keeping what it returns or raises in `outcome`."""
    try:
        outcome.version = call()
    except BaseException as error:  # the test reads it, an interrupt's stand-in too
        outcome.error = error


def _save(portal: Portal, application_id: int, version: int, data: str | None, outcome: Outcome) -> None:
    with portal.sessions() as session:
        application = session.get(db.Application, application_id)
        assert application is not None
        _into(outcome, lambda: db.save_application(session, application, version, data_json=data))


def _write(portal: Portal, update: group_commit.RowUpdate, outcome: Outcome) -> None:
    _into(outcome, lambda: portal.group.execute(update))


def _table() -> Table:
    table = db.Application.__table__
    assert isinstance(table, Table)
    return table


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + LONG_ENOUGH
    while not condition():
        assert time.monotonic() < deadline, "the saves never queued"
        time.sleep(0.001)


class Held:
    """Holds the first batch before it is written, until `let_go`; records every batch's size."""

    def __init__(self, group: group_commit.GroupCommit) -> None:
        self.sizes: list[int] = []
        self.holding = threading.Event()
        self.let_go = threading.Event()
        group.on_batch = self

    def __call__(self, size: int) -> None:
        self.sizes.append(size)
        if len(self.sizes) == 1:
            self.holding.set()
            assert self.let_go.wait(LONG_ENOUGH)


def _queue(
    portal: Portal, jobs: list[Callable[[Outcome], None]]
) -> tuple[list[Outcome], list[threading.Thread]]:
    """Start `jobs` (each filling its outcome) one after another, each queued before the next."""
    outcomes, threads = [], []
    for job in jobs:
        outcome, queued = Outcome(), portal.group.queued
        thread = threading.Thread(target=job, args=(outcome,))
        thread.start()
        _until(lambda queued=queued: portal.group.queued > queued)  # type: ignore[misc]
        outcomes.append(outcome)
        threads.append(thread)
    return outcomes, threads


def _start(
    portal: Portal, saves: list[tuple[int, int, str | None]]
) -> tuple[list[Outcome], list[threading.Thread]]:
    """Start `saves` (application, version, data) one after another, each queued before the next."""
    return _queue(portal, [functools.partial(_save, portal, *save) for save in saves])


def _join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(LONG_ENOUGH)
        assert not thread.is_alive(), "a save never returned"


def _stored(portal: Portal, application_id: int) -> tuple[int, str]:
    with portal.engine.connect() as connection:
        row = connection.execute(
            select(db.Application.version, db.Application.data_json).where(
                db.Application.id == application_id
            )
        ).one()
    return row.version, row.data_json


def _hold_first(portal: Portal, application_id: int) -> tuple[Held, Outcome, threading.Thread]:
    held = Held(portal.group)
    first = Outcome()
    leader = threading.Thread(target=_save, args=(portal, application_id, 1, '{"n": "first"}', first))
    leader.start()
    assert held.holding.wait(LONG_ENOUGH)
    return held, first, leader


def test_saves_that_wait_together_are_committed_in_one_transaction(portal: Portal) -> None:
    first_id, *others = _applications(portal, 6)
    held, first, leader = _hold_first(portal, first_id)
    outcomes, threads = _start(portal, [(a, 1, f'{{"n": {a}}}') for a in others])
    portal.commits.clear()
    portal.updates.clear()
    held.let_go.set()
    _join([leader, *threads])
    assert held.sizes == [1, len(others)]
    assert len(portal.commits) == 2  # the leader's own batch, then the five that waited
    assert len(portal.updates) == 2  # and each batch in one statement, not one a row
    assert first.version == 2 and first.error is None
    assert [o.version for o in outcomes] == [2] * len(others)
    assert all(_stored(portal, a) == (2, f'{{"n": {a}}}') for a in others)
    assert _stored(portal, first_id) == (2, '{"n": "first"}')


def test_of_two_saves_from_one_version_in_a_batch_the_second_is_stale(portal: Portal) -> None:
    first_id, shared = _applications(portal, 2)
    held, _, leader = _hold_first(portal, first_id)
    (one, two), threads = _start(portal, [(shared, 1, '{"tab": 1}'), (shared, 1, '{"tab": 2}')])
    portal.updates.clear()
    held.let_go.set()
    _join([leader, *threads])
    assert held.sizes == [1, 2]
    assert len(portal.updates) == 3  # the leader's, then the row's two writes one after the other
    assert one.version == 2 and one.error is None
    assert isinstance(two.error, db.Stale)
    assert _stored(portal, shared) == (2, '{"tab": 1}')


def test_a_stale_save_among_others_is_found_and_the_others_are_stored(portal: Portal) -> None:
    """One statement matching two rows of three cannot say which it missed: the batch is
    written again write by write, and each learns its own outcome."""
    first_id, good, stale, later = _applications(portal, 4)
    held, _, leader = _hold_first(portal, first_id)
    outcomes, threads = _start(
        portal, [(good, 1, '{"ok": 1}'), (stale, 7, '{"old": 1}'), (later, 1, '{"ok": 3}')]
    )
    portal.updates.clear()
    held.let_go.set()
    _join([leader, *threads])
    assert held.sizes == [1, 3]
    assert len(portal.updates) == 1 + 1 + 3  # the leader's, the batch's, then one a write
    assert [o.version for o in outcomes] == [2, None, 2]
    assert isinstance(outcomes[1].error, db.Stale)
    assert _stored(portal, good) == (2, '{"ok": 1}')
    assert _stored(portal, stale) == (1, "{}")
    assert _stored(portal, later) == (2, '{"ok": 3}')


def test_a_batch_stores_each_column_as_the_orm_does(portal: Portal) -> None:
    """Values bound with their columns' types: a datetime is read back as a datetime, and a
    save setting other columns goes in a statement of its own."""
    first_id, draft, returned = _applications(portal, 3)
    held, _, leader = _hold_first(portal, first_id)
    before = db.now()

    def returning(outcome: Outcome) -> None:
        with portal.sessions() as session:
            application = session.get(db.Application, returned)
            assert application is not None
            _into(
                outcome,
                lambda: db.save_application(session, application, 1, status="returned", comment="补充"),
            )

    outcomes, threads = _queue(portal, [functools.partial(_save, portal, draft, 1, '{"n": 1}'), returning])
    portal.updates.clear()
    held.let_go.set()
    _join([leader, *threads])
    assert held.sizes == [1, 2]
    assert len(portal.updates) == 1 + 2  # the leader's, then one for each set of columns
    assert [o.version for o in outcomes] == [2, 2]
    with portal.sessions() as session:
        stored = {a.id: a for a in session.scalars(select(db.Application))}
    assert stored[returned].status == "returned" and stored[returned].comment == "补充"
    assert stored[draft].data == {"n": 1} and stored[draft].status == "draft"
    assert all(before <= stored[a].updated <= db.now() for a in (draft, returned))


def test_a_failing_write_fails_only_its_own_save(portal: Portal) -> None:
    first_id, good, bad, later = _applications(portal, 4)
    held, _, leader = _hold_first(portal, first_id)
    # data_json is NOT NULL: the database refuses that one write, inside the batch.
    outcomes, threads = _start(portal, [(good, 1, '{"ok": 1}'), (bad, 1, None), (later, 1, '{"ok": 3}')])
    held.let_go.set()
    _join([leader, *threads])
    assert held.sizes == [1, 3]
    assert [o.version for o in outcomes] == [2, None, 2]
    assert isinstance(outcomes[1].error, IntegrityError)
    assert _stored(portal, good) == (2, '{"ok": 1}')
    assert _stored(portal, bad) == (1, "{}")  # nothing of it written
    assert _stored(portal, later) == (2, '{"ok": 3}')


class Interrupted(BaseException):
    """Stands for an interrupt arriving in the leader's thread as it writes."""


def test_a_leader_stopped_before_writing_fails_its_batch_and_the_next_save_leads(portal: Portal) -> None:
    first_id, leading, waiting, after = _applications(portal, 4)
    held, first, leader = _hold_first(portal, first_id)
    (stopped_leader, stopped), threads = _start(portal, [(leading, 1, '{"n": 1}'), (waiting, 1, '{"n": 2}')])

    def interrupt(size: int) -> None:
        held.sizes.append(size)
        raise Interrupted  # in the thread of the save leading the second batch

    portal.group.on_batch = interrupt
    held.let_go.set()
    _join([leader, *threads])
    assert held.sizes == [1, 2]
    assert first.version == 2  # the batch before the interrupt was written
    assert isinstance(stopped_leader.error, Interrupted)
    assert isinstance(stopped.error, group_commit.WriterStopped)
    assert _stored(portal, leading) == (1, "{}") and _stored(portal, waiting) == (1, "{}")
    portal.group.on_batch = None
    later = Outcome()
    _save(portal, after, 1, '{"n": "after"}', later)
    assert later.version == 2
    assert _stored(portal, after) == (2, '{"n": "after"}')


def test_a_save_with_other_changes_commits_them_in_its_own_transaction(portal: Portal) -> None:
    (application_id,) = _applications(portal, 1)
    sizes: list[int] = []
    portal.group.on_batch = sizes.append
    with portal.sessions() as session:
        application = session.get(db.Application, application_id)
        assert application is not None
        session.add(
            db.ApplicationEvent(application_id=application_id, at=db.now(), actor="a", kind="submitted")
        )
        db.save_application(session, application, 1, status="submitted")
    with portal.sessions() as session:  # a write already sent holds this thread's turn
        application = session.get(db.Application, application_id)
        assert application is not None
        session.execute(
            insert(db.ApplicationEvent),
            {"application_id": application_id, "at": db.now(), "actor": "a", "kind": "returned"},
        )
        db.save_application(session, application, 2, status="returned")
    assert sizes == []  # neither went to a batch
    with portal.sessions() as session:
        kinds = session.scalars(select(db.ApplicationEvent.kind).order_by(db.ApplicationEvent.id)).all()
    assert kinds == ["submitted", "returned"]
    assert _stored(portal, application_id)[0] == 3


def test_a_draft_save_goes_to_a_batch_unless_told_to_commit_each(
    portal: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (application_id,) = _applications(portal, 1)
    sizes: list[int] = []
    portal.group.on_batch = sizes.append
    saved = Outcome()
    _save(portal, application_id, 1, '{"n": 1}', saved)
    assert sizes == [1] and saved.version == 2
    monkeypatch.setenv("FORMGEN_SQLITE_COMMIT_EACH", "1")
    each = db.make_engine(db.database_url(None, tmp_path / "each"))
    assert group_commit.group_of(each) is None
    each.dispose()
    assert (
        group_commit.group_of(db.make_engine(db.database_url(None, tmp_path / "untuned"), tuned=False))
        is None
    )


def test_an_engine_dropped_is_not_kept_alive_by_its_group(tmp_path: Path) -> None:
    engine = db.make_engine(db.database_url(None, tmp_path))
    assert group_commit.group_of(engine) is not None
    gone = weakref.ref(engine)
    engine.dispose()
    del engine
    gc.collect()
    assert gone() is None


def test_the_databases_own_trouble_fails_the_batch_at_once(portal: Portal) -> None:
    """An OperationalError (here a table that is not there; in service, a lock held by another
    process past the wait, or a full disk) is not tried again write by write: each would meet
    it again, and wait again."""
    first_id, good = _applications(portal, 2)
    held, _, leader = _hold_first(portal, first_id)
    sent: list[str] = []
    event.listen(portal.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    missing = Table("no_such_table", MetaData(), Column("id"), Column("version"), Column("data_json"))
    writes = [
        group_commit.RowUpdate(_table(), good, 1, {"data_json": '{"n": 1}'}),
        group_commit.RowUpdate(missing, 1, 1, {"data_json": "{}"}),
    ]
    outcomes, threads = _queue(portal, [functools.partial(_write, portal, w) for w in writes])
    sent.clear()
    held.let_go.set()
    _join([leader, *threads])
    assert held.sizes == [1, 2]
    assert all(isinstance(o.error, OperationalError) for o in outcomes)
    assert sum("no_such_table" in statement for statement in sent) == 1  # once, not again alone
    assert _stored(portal, good) == (1, "{}")
