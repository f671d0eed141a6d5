"""Draft saves written together: one transaction, and one sync to disk, for all that wait.

SQLite lets one transaction write at a time, and the portal's writers take turns for it
(`sqlite_writes`). A save's turn lasts its UPDATE, its commit with the sync to disk
(``synchronous=FULL``), and every moment its thread waits for the interpreter in between,
which other threads (checks, pages, packets' answers) hold for milliseconds at a time. Under
`bench/bench_portal.py --rate 100` a turn came to about 10 ms while the disk was busy with the
packets' conversions, so 100 saves a second needed the turn all the time: saves queued for it
for 300 to 500 ms (p90, second by second) while the process used 0.8 of a core.

So a save that writes nothing else (a draft's save) hands its UPDATE to whoever is writing.
The first save to come leads: it takes every write queued by then, runs them in one
transaction, commits once and wakes each with its own row count; the first of those that
came meanwhile leads the next batch. A save is answered only after the commit that holds it,
so an acknowledged save is as durable as before. A batch refused for one write's data (a
constraint) is written again one write at a time, each in its own transaction, so that write
fails only its own save; a batch that meets the database's own trouble (locked by another
process for longer than the wait, a full disk) fails as a whole, at once, nothing of it written.

A batch's writes go to SQLite as few statements as they can: one UPDATE for all the rows
that set the same columns (``UPDATE ... FROM (VALUES (...), (...))``), not one a row. Each
statement hands the interpreter to other threads while SQLite works and waits to have it
back, and in the portal's slowest seconds that wait came to 10 to 30 ms, so a batch of 20
saves written row by row took 60 to 340 ms (p90) where one statement waits once.

Conditional writes (``... WHERE version = ?``) keep their meaning in a batch: statements run
in the order their writes came, and a row written twice in a batch is written by two
statements, so of two saves made from one version the first matches and the second finds no
row, as when each had its own transaction. A statement that matches fewer rows than it
writes (a save from an old version among others) cannot say which it missed, and SQLite's
``RETURNING`` would cost a step a row: the batch is then written again one write at a
time, each learning its own row count, which is rare (two tabs saving one form).
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, TextClause, bindparam, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from formgen.workflows.portal.sqlite_writes import WriteTurns

MOST_IN_A_STATEMENT = 100
"""Rows one batch statement writes at most (SQLite binds at most 32,766 values)."""


class WriterStopped(RuntimeError):
    """The save leading a batch stopped (an interrupt) before this write was written."""


@dataclass(frozen=True)
class RowUpdate:
    """``UPDATE table SET values WHERE id = row AND version = was``: one row's conditional write."""

    table: Table
    row: int
    was: int
    values: dict[str, Any]

    @property
    def shape(self) -> tuple[Table, tuple[str, ...]]:
        """What a statement writing several such rows at once is built for."""
        return self.table, tuple(sorted(self.values))


class _Unmatched(Exception):
    """A batch statement matched fewer rows than it wrote, and cannot say which it missed."""


@dataclass(eq=False)
class _Write:
    update: RowUpdate
    woken: threading.Event = field(default_factory=threading.Event)
    done: bool = False
    """Written (or failed); woken without it, the write leads the next batch."""
    rowcount: int | None = None
    error: BaseException | None = None

    def result(self) -> int:
        if self.error is not None:
            raise self.error
        if self.rowcount is None:
            raise WriterStopped("写入中断 / the batch's writer stopped before this write")
        return self.rowcount


class GroupCommit:
    """Writes that wait for each other's commit on `engine`, written as a batch."""

    def __init__(self, engine: Engine, turns: WriteTurns) -> None:
        self._engine = weakref.ref(engine)
        """Weak, as the engine's entry in `_GROUPS` is: the group must not keep it alive."""
        self._turns = turns
        self._lock = threading.Lock()
        self._queue: list[_Write] = []
        self._leading = False
        self.on_batch: Any = None
        """Called with each batch's size before it is written (tests hold a batch with it)."""

    @property
    def queued(self) -> int:
        """How many writes wait for the next batch."""
        with self._lock:
            return len(self._queue)

    def may_take(self, session: Session) -> bool:
        """Whether `session`'s write may go in a batch: it holds nothing else to commit with it
        (pending objects, or writes already sent), since a batch commits the batch's writes only;
        and its thread holds no turn to write, which the batch's writer would wait for."""
        return not (session.new or session.dirty or session.deleted or self._turns.held_here())

    def execute(self, update: RowUpdate) -> int:
        """Write `update` in the next batch; the rows it matched (1 or 0) once committed."""
        write = _Write(update)
        with self._lock:
            self._queue.append(write)
            lead = not self._leading
            self._leading = True
        if not lead:
            write.woken.wait()
            if write.done:
                return write.result()
        self._lead()
        return write.result()

    def _lead(self) -> None:
        """Write what is queued as one batch, then wake the next leader, if any came."""
        with self._lock:
            batch, self._queue = self._queue, []
        try:
            if self.on_batch is not None:
                self.on_batch(len(batch))
            self._write(batch)
        finally:
            for write in batch:
                write.done = True
                write.woken.set()
            with self._lock:
                if self._queue:
                    self._queue[0].woken.set()  # it leads, taking itself with the rest
                else:
                    self._leading = False

    def _write(self, batch: list[_Write]) -> None:
        engine = self._engine()
        assert engine is not None, "a save's session holds its engine"
        try:
            with engine.begin() as connection:
                counts = [count for run in _runs(batch) for count in _write_run(connection, run)]
        except OperationalError as error:
            # The database's own trouble (locked by another process past the wait, the disk):
            # written one by one, each would meet it again, and wait again.
            for write in batch:
                write.error = error
            return
        except Exception as error:  # a write's data refused, or a run that missed a row
            if len(batch) == 1:
                batch[0].error = error
            else:
                for write in batch:
                    self._write([write])
            return
        for write, count in zip(batch, counts, strict=True):
            write.rowcount = count


def _write_run(connection: Connection, run: list[_Write]) -> list[int]:
    """Write `run` in one statement; each write's row count (1 or 0)."""
    matched: int = connection.execute(*batch_statement([write.update for write in run])).rowcount
    if len(run) == 1:
        return [matched]
    if matched != len(run):
        raise _Unmatched(f"{matched} of {len(run)} rows matched")
    return [1] * len(run)


def _runs(batch: list[_Write]) -> Iterator[list[_Write]]:
    """`batch` cut, in order, into runs one statement can write: the same table and columns,
    each row once, at most `MOST_IN_A_STATEMENT`."""
    run: list[_Write] = []
    for write in batch:
        if run and (
            write.update.shape != run[0].update.shape
            or any(w.update.row == write.update.row for w in run)
            or len(run) == MOST_IN_A_STATEMENT
        ):
            yield run
            run = []
        run.append(write)
    if run:
        yield run


def batch_statement(updates: Sequence[RowUpdate]) -> tuple[TextClause, dict[str, Any]]:
    """One statement writing `updates` (of one shape, each row once), and its parameters."""
    table, columns = updates[0].shape
    params: dict[str, Any] = {}
    for i, update in enumerate(updates):
        params[f"row_{i}"] = update.row
        params[f"was_{i}"] = update.was
        params.update({f"{column}_{i}": value for column, value in update.values.items()})
    return _batch_update(table, columns, len(updates)), params


@functools.cache
def _batch_update(table: Table, columns: tuple[str, ...], size: int) -> TextClause:
    """``UPDATE table SET c = v.c ... FROM (VALUES (:row_0, :was_0, :c_0 ...), ...) AS v WHERE
    table.id = v.row AND table.version = v.was`` for `size` rows, built once for each shape.

    SQLite names a VALUES list's columns ``column1``, ``column2`` ...; it takes no names in the
    alias. The statement begins with UPDATE, so pysqlite begins the transaction before it and
    the writer takes its turn (`sqlite_writes`), as for a single row's UPDATE. Each value is
    bound with its column's type, so it is stored as the ORM stores it (a datetime's text)."""
    quote = sqlite.dialect().identifier_preparer.quote
    name = quote(table.name)
    sets = ", ".join(f"{quote(table.c[c].name)} = v.column{k}" for k, c in enumerate(columns, start=3))
    rows = ", ".join(
        "(" + ", ".join(f":{p}_{i}" for p in ("row", "was", *columns)) + ")" for i in range(size)
    )
    return text(
        f"UPDATE {name} SET {sets} FROM (VALUES {rows}) AS v"
        f" WHERE {name}.id = v.column1 AND {name}.version = v.column2"
    ).bindparams(*(bindparam(f"{c}_{i}", type_=table.c[c].type) for i in range(size) for c in columns))


_GROUPS: weakref.WeakKeyDictionary[Engine, GroupCommit] = weakref.WeakKeyDictionary()


def group_writes(engine: Engine, turns: WriteTurns) -> None:
    """Give `engine`, an SQLite engine whose writers take `turns`, a `GroupCommit`."""
    _GROUPS[engine] = GroupCommit(engine, turns)


def group_of(engine: Any) -> GroupCommit | None:
    """`engine`'s `GroupCommit`, if it has one (not PostgreSQL's, which writes rows at once)."""
    return _GROUPS.get(engine) if isinstance(engine, Engine) else None
