"""The portal's LibreOffice work, done in worker processes below the portal's CPU priority.

A packet is LibreOffice's work and formgen's own: rendering the DOCX, assembling with pypdf,
stamping the page codes, about 0.1 s of Python a packet. A notice brought in is drafted from
its Word and Excel files and its blanks are pictured, page by page (`notice_drafts.Drafting`).
In the portal's process that Python holds the interpreter lock while the people typing wait
for their saves; in a worker process at `convert.BACKGROUND_NICENESS` (as LibreOffice already
runs), a save takes the CPU first. Each worker process owns one warm LibreOffice, as a batch's
workers do (`batch.work`); the processes themselves are `processes.Processes`.

A job carries everything a worker needs: its own data, and the published notices the portal
serves (`notice_drafts.published`), whose packages the portal has written under its data
folder. Without running worker processes (`processes=0`, or outside the app's lifespan) the
same function does the job in the calling process.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from formgen import api
from formgen.pdf import convert
from formgen.workflows.batch import work
from formgen.workflows.portal import notice_drafts
from formgen.workflows.portal.processes import Processes, WorkerDied

JobHook = Callable[[convert.Worker, Path], None]
"""Called in the process that converts, as its LibreOffice takes a document (tests hold or
kill it there); it must pickle (a module's function, or a `functools.partial` of one)."""

J = TypeVar("J")
R = TypeVar("R")


@dataclass(frozen=True)
class PacketJob:
    """One packet to make: all a worker process needs, and nothing that needs the database."""

    packet_id: str
    data: dict[str, Any]
    """The packet's data as JSON, validated again where the packet is made."""
    scans: Mapping[str, bytes]
    """The uploads its data names (``file`` values), by stored name."""


@dataclass(frozen=True)
class Job(Generic[J, R]):
    """`work(job)` with the portal's published notices served and the test's hook set."""

    work: Callable[[J], R]
    job: J
    published: tuple[notice_drafts.Published, ...]
    on_job_start: JobHook | None = None


def make_packet(job: PacketJob) -> tuple[str, bytes]:
    """The packet's print file (its name and bytes): the scans are written beside it for
    `api.packet` to read, and rebuilt there again."""
    with tempfile.TemporaryDirectory(prefix="formgen-portal-") as work_dir:
        folder = Path(work_dir)
        for sub in ("scans", "out"):
            (folder / sub).mkdir()
        for name, content in job.scans.items():
            (folder / "scans" / name).write_bytes(content)
        path = api.packet(job.packet_id, job.data, folder / "out", base_dir=folder / "scans")
        return path.name, path.read_bytes()


def _do(job: Job[J, R]) -> R:
    """Run `job` where it landed: a worker process, or the portal's own without workers."""
    notice_drafts.serve(job.published)
    converter = convert.active()
    if isinstance(converter, convert.Converter):
        converter.on_job_start = job.on_job_start
    return job.work(job.job)


class PdfPool:
    """`processes` worker processes doing LibreOffice work, while the portal runs (`running`).

    A worker process that dies (killed, out of memory) fails the job under way in it with a
    `ConversionError` (the portal's 503) and the processes are made anew for the next.
    `on_job_start`, when a test sets it, goes with every job to its LibreOffice; `workers`'s
    `on_start` to the job itself.
    """

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.on_job_start: JobHook | None = None
        self.workers = Processes(processes, work.start_process, (True,), "pdf-pool")

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Start the worker processes now (each starts its LibreOffice), stop them on exit."""
        with self.workers.running():
            yield

    def run(self, work: Callable[[J], R], job: J) -> R:
        """`work(job)` in a worker process (here, when none runs), serving the notices this
        process serves; `work` is a module's function, and `job` pickles."""
        try:
            wrapped = Job(work, job, notice_drafts.published(), self.on_job_start)
            return self.workers.run(_do, wrapped, work.__name__)
        except WorkerDied:
            raise convert.ConversionError(
                "处理文件的工作进程意外退出 / the worker process ended unexpectedly"
            ) from None

    def packet(self, packet_id: str, data: dict[str, Any], scans: Mapping[str, bytes]) -> tuple[str, bytes]:
        """Make a packet's print file in a worker process (here, when none runs)."""
        return self.run(make_packet, PacketJob(packet_id, data, dict(scans)))
