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
from pathlib import Path
from typing import Any

from formgen import api
from formgen.data.naming import safe_name
from formgen.document.package import write_atomic
from formgen.workflows.batch import inputs, resume, work
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
    pool = ProcessPoolExecutor(
        processes, mp_context=multiprocessing.get_context("fork"), initializer=work.start_process
    )
    if inputs.count(source) != 0:
        # Start every worker (and its LibreOffice) now, while the input is hashed and read.
        for _ in range(processes):
            pool.submit(int)
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
    window: deque[tuple[Future[Outcome], str, str]] = deque()

    def finish(future: Future[Outcome], key: str, submission: str) -> None:
        try:
            outcome = future.result()
        except BrokenProcessPool as exc:  # a worker process died (killed, out of memory)
            problems = [f"{type(exc).__name__}: {exc}"]
            outcome = Outcome(submission, "failed", problems=problems, index=len(outcomes))
        if outcome.status == "ok":
            store.record(outcome.source, key, outcome.output)
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
            future, key = _prepare(
                index, submission, packet_id, out_dir, folders, tables, report, store, pool, fingerprint,
                strict=strict, force=force,
            )  # fmt: skip
            window.append((future, key, submission.source))
            while window and (window[0][0].done() or len(window) > processes * IN_FLIGHT_PER_WORKER):
                finish(*window.popleft())
        while window:
            finish(*window.popleft())
    except BaseException:
        # Ctrl-C or an error of the parent: let the packets under way finish (each is written
        # whole), record them, and start no more.
        pool.shutdown(wait=True, cancel_futures=True)
        for future, key, name in window:
            if future.done() and not future.cancelled() and future.exception() is None:
                finish(future, key, name)
        report.close()
        raise
    pool.shutdown(wait=True)
    report.close(outcomes)
    tables.write(out_dir)
    write_atomic(out_dir / RUN, json.dumps(manifest | {"finished": True}).encode())
    return outcomes


def _done(outcome: Outcome) -> Future[Outcome]:
    future: Future[Outcome] = Future()
    future.set_result(outcome)
    return future


def _prepare(
    index: int,
    submission: Submission,
    packet_id: str,
    out_dir: Path,
    folders: set[str],
    tables: Tables,
    report: ReportWriter,
    store: resume.Store,
    pool: ProcessPoolExecutor,
    fingerprint: str,
    *,
    strict: bool,
    force: bool,
) -> tuple[Future[Outcome], str]:
    """Validate one submission now; skip it, or queue its packet when it is valid."""
    if submission.error:
        return _done(Outcome(submission.source, "invalid", problems=[submission.error], index=index)), ""
    checked = api.check(packet_id, submission.data, strict=strict)
    if not checked.ok or checked.instance is None:
        problems = [str(p) for p in checked.problems]
        return _done(Outcome(submission.source, "invalid", problems=problems, index=index)), ""
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
        return _done(Outcome(submission.source, "skipped", submitter, made, list(warnings), index)), key
    job = work.Job(
        index, submission.source, packet_id, submission.data, submission.base_dir,
        out_dir / folder, out_dir, submitter, warnings, strict,
    )  # fmt: skip
    return pool.submit(work.make, job), key
