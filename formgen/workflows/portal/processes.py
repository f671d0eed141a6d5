"""Worker processes forked from the portal, below its CPU priority, for its heavy jobs.

A packet's PDF, a notice's drafting and its page pictures, a paper copy's OCR: in the portal's
process their Python holds the interpreter lock while the people typing wait for their saves;
in a worker process at `convert.BACKGROUND_NICENESS` a save takes the CPU first. This module
is the one piece of code that forks such processes, hands them jobs and makes them anew when
one dies (killed, out of memory): `Processes`. What a process starts with (a warm LibreOffice
or nothing) is its initializer's business.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Generic, TypeVar

from formgen.pdf import convert

J = TypeVar("J")
R = TypeVar("R")


class WorkerDied(RuntimeError):
    """The worker process running a job ended before answering; the processes are made anew."""


StartHook = Callable[[str], None]
"""Called with the job's function's name where the job runs, as it starts (tests record the
process and its priority, or hold it there); it must pickle (a module's function, or a
`functools.partial` of one)."""


@dataclass(frozen=True)
class _Call(Generic[J, R]):
    work: Callable[[J], R]
    job: J
    name: str
    on_start: StartHook | None


def _call(call: _Call[J, R]) -> R:
    if call.on_start is not None:
        call.on_start(call.name)
    return call.work(call.job)


def start_plain() -> None:
    """Set up a worker process that starts no LibreOffice: Ctrl-C is the portal's to handle,
    it dies with the portal, runs below its priority and forgets the portal's converter."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    convert.die_with_parent()
    convert.in_background()
    convert.forget_inherited()


class Processes:
    """`count` worker processes, each set up by `initializer(*initargs)`, while `running`.

    With no processes (`count` 0, or outside `running`) a job runs in the calling thread, as
    the portal did before it had workers. `on_start`, when a test sets it, goes with every job.
    """

    def __init__(
        self, count: int, initializer: Callable[..., None], initargs: tuple[object, ...] = (), name: str = ""
    ) -> None:
        self.count = count
        self._initializer = initializer
        self._initargs = initargs
        self._name = name or "workers"
        self.on_start: StartHook | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._forker: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Start the worker processes now, stop them on exit.

        One thread forks them, the first ones and any made anew, and lives as long as they do:
        a worker is killed by the kernel when the thread that forked it ends (its parent-death
        signal, `convert.die_with_parent`), and a request's thread may end at any time."""
        if self.count > 0:
            self._forker = ThreadPoolExecutor(1, thread_name_prefix=self._name)
            with self._lock:
                self._pool = self._forker.submit(self._new).result()
        try:
            yield
        finally:
            with self._lock:
                pool, self._pool = self._pool, None
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            if self._forker is not None:
                self._forker.shutdown()
                self._forker = None

    def _new(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(
            self.count,
            mp_context=multiprocessing.get_context("fork"),
            initializer=self._initializer,
            initargs=self._initargs,
        )
        for _ in range(self.count):
            pool.submit(int)  # forks every worker here, before the portal's threads do more
        return pool

    def run(self, work: Callable[[J], R], job: J, name: str = "") -> R:
        """`work(job)` in a worker process (here, when none runs); `WorkerDied` when the
        process ended under it (the next job finds new processes). `work` and `job` must
        pickle, and so must what `work` returns or raises. `name` is the job's for `on_start`
        (default: `work`'s)."""
        call = _Call(work, job, name or work.__name__, self.on_start)
        with self._lock:
            pool = self._pool
        if pool is None:
            return _call(call)
        try:
            return pool.submit(_call, call).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool and self._forker is not None:
                    pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = self._forker.submit(self._new).result()
            raise WorkerDied from None
