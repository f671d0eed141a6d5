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

Conditional UPDATEs (``... WHERE version = ?``) keep their meaning in a batch: they run one
after another in the order they came, so of two saves made from one version the first
matches and the second finds no row, as when each had its own transaction.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from formgen.workflows.portal.sqlite_writes import WriteTurns


class WriterStopped(RuntimeError):
    """The save leading a batch stopped (an interrupt) before this write was written."""


@dataclass(eq=False)
class _Write:
    statement: Executable
    params: dict[str, Any]
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

    def execute(self, statement: Executable, params: dict[str, Any]) -> int:
        """Run `statement` with `params` in the next batch; its row count once committed."""
        write = _Write(statement, params)
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
                counts = [connection.execute(w.statement, w.params).rowcount for w in batch]
        except OperationalError as error:
            # The database's own trouble (locked by another process past the wait, the disk):
            # written one by one, each would meet it again, and wait again.
            for write in batch:
                write.error = error
            return
        except Exception as error:
            if len(batch) == 1:
                batch[0].error = error
            else:
                for write in batch:
                    self._write([write])
            return
        for write, count in zip(batch, counts, strict=True):
            write.rowcount = count


_GROUPS: weakref.WeakKeyDictionary[Engine, GroupCommit] = weakref.WeakKeyDictionary()


def group_writes(engine: Engine, turns: WriteTurns) -> None:
    """Give `engine`, an SQLite engine whose writers take `turns`, a `GroupCommit`."""
    _GROUPS[engine] = GroupCommit(engine, turns)


def group_of(engine: Any) -> GroupCommit | None:
    """`engine`'s `GroupCommit`, if it has one (not PostgreSQL's, which writes rows at once)."""
    return _GROUPS.get(engine) if isinstance(engine, Engine) else None
