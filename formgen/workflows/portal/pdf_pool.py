"""The portal's packet PDFs, made in worker processes below the portal's CPU priority.

A packet is LibreOffice's work and formgen's own: rendering the DOCX, assembling with pypdf,
stamping the page codes, about 0.1 s of Python a packet. In the portal's process that Python
holds the interpreter lock while the people typing wait for their saves; in a worker process
at `convert.BACKGROUND_NICENESS` (as LibreOffice already runs), a save takes the CPU first.
Each worker process owns one warm LibreOffice, as a batch's workers do (`batch.work`).

A job carries everything a worker needs: the packet's data as JSON, the scans it names, and the
published notices the portal serves (`notice_drafts.published`), whose packages the portal has
written under its data folder. Without running worker processes (`processes=0`, or outside
the app's lifespan) the same function makes the packet in the calling process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formgen import api
from formgen.pdf import convert
from formgen.workflows.batch import work
from formgen.workflows.portal import notice_drafts

JobHook = Callable[[convert.Worker, Path], None]
"""Called in the process that converts, as its LibreOffice takes a document (tests hold or
kill it there); it must pickle (a module's function, or a `functools.partial` of one)."""


@dataclass(frozen=True)
class PacketJob:
    """One packet to make: all a worker process needs, and nothing that needs the database."""

    packet_id: str
    data: dict[str, Any]
    """The packet's data as JSON, validated again where the packet is made."""
    scans: Mapping[str, bytes]
    """The uploads its data names (``file`` values), by stored name."""
    published: tuple[notice_drafts.Published, ...]
    on_job_start: JobHook | None = None


def make_packet(job: PacketJob) -> tuple[str, bytes]:
    """The packet's print file (its name and bytes): the scans are written beside it for
    `api.packet` to read, and rebuilt there again."""
    notice_drafts.serve(job.published)
    converter = convert.active()
    if isinstance(converter, convert.Converter):
        converter.on_job_start = job.on_job_start
    with tempfile.TemporaryDirectory(prefix="formgen-portal-") as work_dir:
        folder = Path(work_dir)
        for sub in ("scans", "out"):
            (folder / sub).mkdir()
        for name, content in job.scans.items():
            (folder / "scans" / name).write_bytes(content)
        path = api.packet(job.packet_id, job.data, folder / "out", base_dir=folder / "scans")
        return path.name, path.read_bytes()


class PdfPool:
    """`processes` worker processes making packets, while the portal runs (`running`).

    A worker process that dies (killed, out of memory) breaks its `ProcessPoolExecutor`: the
    packets under way in it fail with a `ConversionError` (the portal's 503) and the pool is
    made anew for the next. `on_job_start`, when a test sets it, goes with every job.
    """

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.on_job_start: JobHook | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._forker: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Start the worker processes now (each starts its LibreOffice), stop them on exit.

        One thread forks them, the first ones and any made anew, and lives as long as they do:
        a worker is killed by the kernel when the thread that forked it ends (its parent-death
        signal, `convert.die_with_parent`), and a request's thread may end at any time."""
        if self.processes > 0:
            self._forker = ThreadPoolExecutor(1, thread_name_prefix="pdf-pool")
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
            self.processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=work.start_process,
            initargs=(True,),
        )
        for _ in range(self.processes):
            pool.submit(int)  # forks every worker here, before the portal's threads do more
        return pool

    def packet(self, packet_id: str, data: dict[str, Any], scans: Mapping[str, bytes]) -> tuple[str, bytes]:
        """Make a packet's print file in a worker process (here, when none runs)."""
        job = PacketJob(packet_id, data, dict(scans), notice_drafts.published(), self.on_job_start)
        with self._lock:
            pool = self._pool
        if pool is None:
            return make_packet(job)
        try:
            return pool.submit(make_packet, job).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool and self._forker is not None:
                    pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = self._forker.submit(self._new).result()
            raise convert.ConversionError(
                "生成PDF的工作进程意外退出 / the process making the PDF ended unexpectedly"
            ) from None
