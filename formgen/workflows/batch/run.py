"""Run a batch: read submitters one at a time, make their packets in worker processes, report.

The parent process reads and validates each submitter in input order, decides its folder,
and skips it when a previous run already made it from the same inputs; a valid one goes to
a pool of worker processes (`work`), each with its own warm LibreOffice. At most a few
packets per worker are under way at once, so memory stays flat however long the input is,
and outcomes are reported in input order as they complete.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from formgen import api
from formgen.data.naming import safe_name
from formgen.document.package import write_atomic
from formgen.pdf.convert import wait_for
from formgen.workflows.batch import hold, inputs, resume, work
from formgen.workflows.batch.inputs import Submission
from formgen.workflows.batch.report import RUN, Outcome, ReportWriter
from formgen.workflows.batch.shards import Shard
from formgen.workflows.batch.tables import Tables

IN_FLIGHT_PER_WORKER = 2
"""Packets queued per worker process: enough that none waits for the parent."""


def default_workers() -> int:
    """Worker processes: one per core the process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run(
    packet_id: str,
    source: Path,
    out_dir: Path = api.DEFAULT_OUT,
    *,
    workers: int | None = None,
    strict: bool = False,
    force: bool = False,
    shard: Shard | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_start: Callable[[int | None], None] | None = None,
) -> list[Outcome]:
    """Make every submitter's packet from `source`; return what became of each, in order.

    Invalid submitters are recorded, not raised. A submitter made before from the same inputs
    is "skipped" unless `force`. With `shard`, only that shard's submitters are taken. After
    the packets, the batch's summary tables are written (`tables`).
    """
    packet = api.registry().packet(packet_id)
    processes = workers or default_workers()
    pool = Workers(processes)
    if inputs.count(source) != 0:
        pool.start()  # every worker and its LibreOffice start while the input is hashed and read
    store = resume.Store(out_dir)
    store.remove_partial()
    fingerprint = resume.fingerprint(packet_id, strict=strict)
    manifest: dict[str, Any] = {
        "packet": packet_id,
        "input": inputs.digest(source),
        "fingerprint": fingerprint,
        "shard": [shard.index, shard.count] if shard else [0, 1],
        "finished": False,
    }
    write_atomic(out_dir / RUN, json.dumps(manifest).encode())
    if on_start is not None:
        on_start(inputs.count(source) if shard is None or shard.count == 1 else None)
    report = ReportWriter(out_dir)
    tables = Tables(packet.batch_tables)
    folders: set[str] = set()
    outcomes: list[Outcome] = []
    window: deque[InFlight] = deque()

    def finish(flight: InFlight) -> None:
        try:
            outcome = wait_for(flight.future)
        except BrokenProcessPool as exc:  # a worker process died (killed, out of memory)
            if flight.job is not None and flight.tries < PROCESS_TRIES:
                # The pool is lost with it, and with it every packet under way: a new pool
                # takes them again, so one dead process never fails the others.
                window.appendleft(pool.resubmit(flight))
                return
            problems = [f"{type(exc).__name__}: {exc}"]
            outcome = Outcome(flight.source, "failed", problems=problems, index=len(outcomes))
        report.add(outcome)
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    try:
        index = -1
        for submission in inputs.submissions(source):
            if shard is not None and not shard.takes(submission, packet.code_path):
                continue
            index += 1
            window.append(
                _prepare(
                    index, submission, packet_id, out_dir, folders, tables, report, store, pool, fingerprint,
                    strict=strict, force=force,
                )
            )  # fmt: skip
            while window and (window[0].future.done() or len(window) > processes * IN_FLIGHT_PER_WORKER):
                finish(window.popleft())
        while window:
            finish(window.popleft())
    except BaseException:
        # Ctrl-C or an error of the parent: let the packets under way finish (each is written
        # whole), record them, and start no more.
        hold.point("interrupted")
        pool.shutdown(wait=True, cancel_futures=True)
        for flight in list(window):
            future = flight.future
            if future.done() and not future.cancelled() and future.exception() is None:
                finish(flight)
        report.close()
        raise
    pool.shutdown(wait=True)
    report.close(outcomes)
    tables.write(out_dir)
    write_atomic(out_dir / RUN, json.dumps(manifest | {"finished": True}).encode())
    return outcomes


PROCESS_TRIES = 3
"""How often a packet is taken again after the worker process making it (or one beside it) died."""


@dataclass(frozen=True)
class InFlight:
    """A packet under way: its future, where it came from, and its job."""

    future: Future[Outcome]
    source: str
    job: work.Job | None = None
    tries: int = 1


class Workers:
    """The worker processes, each with a warm LibreOffice; renewed when one of them dies.

    A process killed from outside (or by the kernel for its memory) breaks the whole
    `ProcessPoolExecutor`: every packet under way in it fails with `BrokenProcessPool`. The
    pool is then made anew once, and those packets are submitted again, each at most
    `PROCESS_TRIES` times, so a packet that itself kills its process fails alone.
    """

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.processes, mp_context=multiprocessing.get_context("fork"), initializer=work.start_process
        )

    def start(self) -> None:
        """Start every worker process now rather than at the first packet."""
        for _ in range(self.processes):
            self.pool.submit(int)

    def submit(self, job: work.Job) -> InFlight:
        return InFlight(self.pool.submit(work.make, job), job.source, job)

    def resubmit(self, flight: InFlight) -> InFlight:
        """Take `flight`'s packet again, on a new pool if its pool is broken."""
        assert flight.job is not None
        try:
            future = self.pool.submit(work.make, flight.job)
        except BrokenProcessPool:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new()
            future = self.pool.submit(work.make, flight.job)
        return replace(flight, future=future, tries=flight.tries + 1)

    def shutdown(self, *, wait: bool, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _done(outcome: Outcome) -> InFlight:
    future: Future[Outcome] = Future()
    future.set_result(outcome)
    return InFlight(future, outcome.source)


def _prepare(
    index: int,
    submission: Submission,
    packet_id: str,
    out_dir: Path,
    folders: set[str],
    tables: Tables,
    report: ReportWriter,
    store: resume.Store,
    pool: Workers,
    fingerprint: str,
    *,
    strict: bool,
    force: bool,
) -> InFlight:
    """Validate one submission now; skip it, or queue its packet when it is valid."""
    if submission.error:
        return _done(Outcome(submission.source, "invalid", problems=[submission.error], index=index))
    checked = api.check(packet_id, submission.data, strict=strict)
    if not checked.ok or checked.instance is None:
        problems = [str(p) for p in checked.problems]
        return _done(Outcome(submission.source, "invalid", problems=problems, index=index))
    instance = checked.instance
    report.add_rows(submission.source, tables.rows_of(instance))
    submitter = api.registry().packet(packet_id).name_of(instance)
    folder = safe_name(submitter)
    if folder in folders:  # the same submitter twice: keep both, apart
        folder = safe_name(f"{submitter} {submission.source}")
    folders.add(folder)
    warnings = tuple(str(p) for p in checked.problems)
    key = resume.key(fingerprint, submission.data, packet_id, instance, submission.base_dir)
    made = None if force else store.finished(submission.source, key)
    if made is not None:
        return _done(Outcome(submission.source, "skipped", submitter, made, list(warnings), index))
    job = work.Job(
        index, submission.source, packet_id, submission.data, submission.base_dir,
        out_dir / folder, out_dir, submitter, warnings, strict, key,
    )  # fmt: skip
    return pool.submit(job)
