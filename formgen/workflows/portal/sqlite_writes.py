"""One SQLite writer at a time, in the order they came: a queue, not SQLite's polling.

SQLite lets one transaction write at a time. A connection that finds the write lock taken
waits in SQLite's busy handler, which sleeps and tries again (1, 2, 5 … 100 ms between
tries), so a writer that keeps arriving while the lock is taken can wait for seconds while
later ones get it first. Under the portal's load (50 applicants saving at once, measured by
`bench/bench_portal.py --compare-sqlite`) that polling, not the work, made the slow tail of
draft saves.

Here the threads of one process take turns before their first write: a transaction asks for
its turn before its first INSERT, UPDATE or DELETE (pysqlite begins the transaction there)
and gives it back at its commit or rollback, or when its connection goes back to the pool.
Turns are given first come, first served.

Several processes on one database file (app processes serving one portal, a `formgen users`
command beside it) share the turns through an exclusive `flock` on a file beside the
database (``portal.sqlite3-writers``): a process's turn holder takes it before writing and
lets it go with the turn. A writer of another process waits for it in the kernel, woken when
it is free, instead of polling SQLite's lock from inside its own process's turn, which would
hold up every writer of that process behind it. A process that dies lets the lock go with
its file. Writers that do not take turns (an untuned engine, the sqlite3 shell) still meet
SQLite's own lock; the busy handler waits for them as before.

A thread that already holds a turn on one connection and writes on a second one does not
queue behind itself: that second connection waits in SQLite's busy handler, as without the
queue.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITES = ("insert", "update", "delete", "replace")
WAL_PAUSE_S = 0.01
"""The pause before trying a database's switch to WAL mode again (`into_wal`)."""


def into_wal(
    connection: sqlite3.Connection, seconds: float = 30.0, pause: Callable[[float], None] = time.sleep
) -> None:
    """Put `connection`'s database in write-ahead-log mode, kept in the file once set.

    A file in SQLite's rollback-journal mode (a new one) needs its exclusive lock to switch,
    and SQLite gets it by raising the statement's read lock: while another connection holds
    the write lock, that fails at once with SQLITE_BUSY, without the busy handler (its
    timeout), since waiting with a read lock held could deadlock. Processes opening a new
    file together met it ("database is locked" on the first connection of one). The switch
    is tried again after a pause, for at most `seconds` (the connection's busy timeout);
    once the file is in WAL mode the statement changes nothing and takes no lock."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL").close()
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            pause(WAL_PAUSE_S)


class ProcessLock:
    """An exclusive `flock` on `path`, held by one process at a time (not by a thread).

    Each process opens the file anew on its first take: a process forked from one that had
    it open would otherwise share that opening, and with it the lock. It is opened for reading
    (a lock needs no more), so the portal and an administrator's command run as another user
    who may read the folder share it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = -1
        self._pid = 0
        """The process that opened `_fd`."""

    def take(self) -> None:
        """Wait until no other process holds the lock, then hold it."""
        if self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
            self._pid = os.getpid()
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def give_back(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)


class WriteTurns:
    """First come, first served turns to write; a turn belongs to one DBAPI connection, and
    with `across` (a `ProcessLock` beside the database) to one process of those on the file."""

    def __init__(self, across: ProcessLock | None = None) -> None:
        self.across = across
        self._lock = threading.Lock()
        self._waiting: collections.deque[threading.Event] = collections.deque()
        self._owner: tuple[int, int] | None = None
        """(thread id, connection id) of the holder."""
        self.on_wait: Any = None
        """Called (no arguments) when a writer starts to wait for its turn (tests watch it)."""

    @property
    def waiting(self) -> int:
        """How many writers wait for their turn now."""
        with self._lock:
            return len(self._waiting)

    def take(self, connection: Any) -> bool:
        """Wait for `connection`'s turn; False (not taken) when this thread holds the turn on
        another connection."""
        me = (threading.get_ident(), id(connection))
        with self._lock:
            if self._owner is not None and self._owner[0] == me[0]:
                return False
            if self._owner is None and not self._waiting:
                self._owner = me
                ready = None
            else:
                ready = threading.Event()
                self._waiting.append(ready)
        if ready is not None:
            if self.on_wait is not None:
                self.on_wait()
            ready.wait()
            with self._lock:
                self._owner = me
        self._take_across()
        return True

    def _take_across(self) -> None:
        """Hold the other processes' writers off too, once this process's turn is ours; on
        failure the turn goes on to the next writer here."""
        if self.across is None:
            return
        try:
            self.across.take()
        except BaseException:
            self._hand_on()
            raise

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Hold the turn in this thread, on whatever connection writes, for a whole piece of
        work (the schema's migration: two processes starting at once must not both make the
        tables). Writes of this thread inside need no turn of their own (`take` says False)."""
        if not self.take(None):
            yield
            return
        try:
            yield
        finally:
            self.give_back()

    def held_here(self) -> bool:
        """Whether this thread holds the turn (on any connection)."""
        with self._lock:
            return self._owner is not None and self._owner[0] == threading.get_ident()

    def give_back(self) -> None:
        """End the current turn; the writer that waited longest here gets the next. The other
        processes' lock is let go first, so their writers waiting for it get their chance."""
        if self.across is not None:
            self.across.give_back()
        self._hand_on()

    def _hand_on(self) -> None:
        with self._lock:
            self._owner = None
            if self._waiting:
                # Marked as owner at once, so a newcomer cannot slip in before it wakes.
                self._owner = (-1, -1)
                self._waiting.popleft().set()


def connection_class(turns: WriteTurns) -> type[sqlite3.Connection]:
    """A pysqlite connection class (`sqlite3.connect`'s ``factory``) that gives `turns`' turn
    back after its commit or rollback has ended, or when it closes."""

    class TurnConnection(sqlite3.Connection):
        holding = False
        """Whether this connection holds the turn (from its first write to its commit)."""
        shared = turns

        def take_turn(self) -> None:
            if not self.holding:
                self.holding = turns.take(self)

        def _give_back(self) -> None:
            if self.holding:
                self.holding = False
                turns.give_back()

        def commit(self) -> None:
            try:
                super().commit()
            finally:
                self._give_back()

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                self._give_back()

        def close(self) -> None:
            try:
                super().close()
            finally:
                self._give_back()

    return TurnConnection


def queue_writes(engine: Engine) -> None:
    """Make the writers of `engine` (made with `connection_class`'s connections) take turns."""

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        dbapi = conn.connection.dbapi_connection
        if statement.lstrip()[:7].lower().startswith(WRITES) and hasattr(dbapi, "take_turn"):
            dbapi.take_turn()


def turns_of(engine: Engine) -> WriteTurns | None:
    """The turns `engine`'s writers take, if they take turns."""
    with engine.connect() as connection:
        found = getattr(connection.connection.dbapi_connection, "shared", None)
    return found if isinstance(found, WriteTurns) else None
