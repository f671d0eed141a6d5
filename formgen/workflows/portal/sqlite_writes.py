"""One SQLite writer at a time per process, in the order they came: a queue, not SQLite's polling.

SQLite lets one transaction write at a time. A connection that finds the write lock taken
waits in SQLite's busy handler, which sleeps and tries again (1, 2, 5 … 100 ms between
tries), so a writer that keeps arriving while the lock is taken can wait for seconds while
later ones get it first. Under the portal's load (50 applicants saving at once, measured by
`bench/bench_portal.py --compare-sqlite`) that polling, not the work, made the slow tail of
draft saves.

Here the threads of one process take turns before their first write: a transaction asks for
its turn before its first INSERT, UPDATE or DELETE (pysqlite begins the transaction there)
and gives it back at its commit or rollback, or when its connection goes back to the pool.
Turns are given first come, first served. SQLite's own lock still guards against other
processes on the same file; the busy handler waits for them as before.

A thread that already holds a turn on one connection and writes on a second one does not
queue behind itself: that second connection waits in SQLite's busy handler, as without the
queue.
"""

from __future__ import annotations

import collections
import sqlite3
import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITES = ("insert", "update", "delete", "replace")


class WriteTurns:
    """First come, first served turns to write; a turn belongs to one DBAPI connection."""

    def __init__(self) -> None:
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
            if self._owner is None and not self._waiting:
                self._owner = me
                return True
            if self._owner is not None and self._owner[0] == me[0]:
                return False
            ready = threading.Event()
            self._waiting.append(ready)
        if self.on_wait is not None:
            self.on_wait()
        ready.wait()
        with self._lock:
            self._owner = me
        return True

    def held_here(self) -> bool:
        """Whether this thread holds the turn (on any connection)."""
        with self._lock:
            return self._owner is not None and self._owner[0] == threading.get_ident()

    def give_back(self) -> None:
        """End the current turn; the writer that waited longest gets the next."""
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
