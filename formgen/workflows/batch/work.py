"""The part of a batch that runs in each worker process: one packet at a time.

Each worker process owns one warm LibreOffice, so that while one process renders, assembles
and stamps a packet in Python (under its own interpreter lock), another's LibreOffice
converts: on two cores, two processes keep both busy where threads of one process could not.
"""

from __future__ import annotations

import multiprocessing.util
import signal
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formgen import api
from formgen.pdf import convert
from formgen.workflows.batch import hold, resume
from formgen.workflows.batch.report import Outcome

PACKET_TRIES = 2
"""Tries of a whole packet whose conversion failed (each document is already tried
`convert.MAX_TRIES` times): a LibreOffice killed between two documents costs a try."""


@dataclass(frozen=True)
class Job:
    """One valid submitter's packet to make."""

    index: int
    source: str
    packet_id: str
    data: Any
    base_dir: Path | None
    folder: Path
    out_dir: Path
    submitter: str
    warnings: tuple[str, ...]
    strict: bool
    key: str
    """What the packet is made from (`resume.key`), recorded with it."""


def start_process(background: bool = False) -> None:
    """Set up a worker process: Ctrl-C is the parent's to handle (it lets the packets under
    way finish, so none is left half made), and one warm LibreOffice of its own.

    `background` lowers the process's CPU priority as its LibreOffice's is lowered
    (`convert.BACKGROUND_NICENESS`): the portal's workers make packets while people type."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    convert.die_with_parent()  # a killed formgen takes its workers (and their LibreOffice) along
    if background:
        convert.in_background()
    convert.forget_inherited()
    stack = ExitStack()
    # Only packets are made here, and `packet_pdf` compresses their streams itself.
    converter = stack.enter_context(convert.service(1, compress=False))
    if isinstance(converter, convert.Converter):
        converter.warm()
    multiprocessing.util.Finalize(None, stack.close, exitpriority=100)


def make(job: Job) -> Outcome:
    """Make one packet; a failure is the outcome, never an exception."""
    hold.point(f"packet-{job.index}")
    failures: list[str] = []
    for _try in range(PACKET_TRIES):
        try:
            checked = api.check(job.packet_id, job.data, strict=job.strict)
            if not checked.ok or checked.instance is None:
                return _outcome(job, "invalid", [str(p) for p in checked.problems])
            made = api.packet(job.packet_id, checked.instance, job.folder, base_dir=job.base_dir)
        except api.InvalidDataError as exc:
            return _outcome(job, "invalid", [str(p) for p in exc.problems])
        except convert.ConversionError as exc:
            failures.append(f"ConversionError: {exc}")
            continue
        except Exception as exc:  # a packet that cannot be made must not stop the others
            return _outcome(job, "failed", [*failures, f"{type(exc).__name__}: {exc}"])
        output = str(made.relative_to(job.out_dir))
        # Recorded here, the moment the packet is in place, not when the parent hears of it: a
        # formgen killed in between would otherwise make this packet again on the next run.
        resume.Store(job.out_dir).record(job.source, job.key, output)
        return _outcome(job, "ok", list(job.warnings), output)
    return _outcome(job, "failed", failures)


def _outcome(job: Job, status: Any, problems: list[str], output: str = "") -> Outcome:
    return Outcome(job.source, status, job.submitter, output, problems, job.index)
