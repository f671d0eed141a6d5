"""DOCX and XLSX to PDF through LibreOffice. The only module that starts LibreOffice.

Two ways, chosen from measurements (``bench/bench_convert.py``):

- a one-off call converts its files with one cold ``soffice --convert-to pdf`` process
  (about a second to start, a quarter of that for each further file);
- a packet or a batch goes through a `Converter`: warm worker processes, each a LibreOffice
  with its own user profile and a small UNO bridge (``uno_bridge.py``, run by the system's
  Python, which alone can import ``uno``). Two warm workers convert a document in about half
  the time of one cold batch process per document, on two cores.

Every conversion has a timeout. A worker that hangs or crashes is killed by its process id and
started again, and the conversion is tried again on a fresh LibreOffice, up to `MAX_TRIES`
times, before it fails with a `ConversionError` naming the file and each try's reason. Jobs wait in a bounded queue, and a worker is restarted after a set number of
conversions, which caps LibreOffice's memory (as Gotenberg does).

Every LibreOffice gets formgen's fontconfig file, which maps the 公文 font names to the free
fonts installed by setup; without it CJK text falls back to the wrong faces.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import json
import os
import queue
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any, TypeVar

DEFAULT_TIMEOUT_S = 300.0
"""A one-off cold call: start-up included."""
JOB_TIMEOUT_S = 120.0
"""One document through a warm worker (a 4-page form takes about 0.3 s)."""
START_TIMEOUT_S = 60.0
GRACE_S = 1.0
"""How long a failed conversion waits to see whether its LibreOffice is dying."""
MAX_JOBS_PER_WORKER = 200
MAX_TRIES = 3
"""Tries of one document, each on a fresh LibreOffice after a failure: a LibreOffice killed
while saving answers with an error that looks like the document's own ("illegal object
given"), so a second failure in a row is still no proof; a third one is."""
QUEUE_SIZE = 64
SYSTEM_PYTHON = "/usr/bin/python3"
_RESTART_REQUESTED = 81


SIGNAL_CHECK = 0.2
"""Seconds a wait for a conversion (or a batch's packet) lasts before it looks whether Ctrl-C
came meanwhile."""

T = TypeVar("T")


class ConversionError(RuntimeError):
    """LibreOffice did not produce a PDF."""


def wait_for(future: Future[T]) -> T:
    """`future`'s result, waited for in slices of `SIGNAL_CHECK`.

    The kernel hands a Ctrl-C to any thread of the process that does not block it: a
    converter's thread, a process pool's manager and queue threads. Python's handler then only
    marks it for the main thread, which acts on it when it next runs Python: in one long wait
    it would sleep through it until the conversion (or the batch's packet) is done, and one
    held from outside (a test's hold point) would never be. A TimeoutError the work itself
    raised (a socket's) is passed on, not taken for the slice's end."""
    while True:
        try:
            return future.result(timeout=SIGNAL_CHECK)
        except TimeoutError:
            if future.done():
                raise


def find_soffice() -> str:
    """Return the LibreOffice executable, or raise with what to install."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in sorted(Path("/opt").glob("libreoffice*/program/soffice")):
        return str(candidate)
    raise ConversionError(
        "未找到LibreOffice / LibreOffice not found: install it (Debian/Ubuntu: "
        "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui) or run `make setup`"
    )


def _office_binary() -> str:
    """The LibreOffice process itself: ``soffice`` is a script that forks ``soffice.bin`` under
    ``oosplash``, and a worker must hold the id of the process that does the work."""
    launcher = Path(find_soffice()).resolve()
    binary = launcher.parent / "soffice.bin"
    return str(binary) if binary.is_file() else str(launcher)


@contextlib.contextmanager
def fonts_conf() -> Iterator[Path]:
    """formgen's fontconfig file (the 公文 font names mapped to the installed faces), as a path
    for ``FONTCONFIG_FILE`` while the context lasts."""
    with as_file(files("formgen.pdf") / "fontconfig" / "fonts.conf") as path:
        yield path


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Have the kernel kill the calling process when its parent dies (Linux; elsewhere nothing).

    A LibreOffice or a batch worker process whose formgen was killed (``kill -9``, an
    out-of-memory kill, a scheduler's pre-emption) would otherwise run on, orphaned."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


BACKGROUND_NICENESS = 10
"""How far below formgen's own CPU priority the processes it starts for PDF work run
(LibreOffice and its bridge, Ghostscript, poppler): nice(1)'s default step. An increment, so a
formgen run at a lower priority itself (``nice formgen batch``, systemd's ``Nice=``) keeps its
PDF work below it. On a portal, a person's save then takes the CPU before a packet's
conversion does; on an idle machine the conversion loses nothing."""


def in_background() -> None:
    """Lower the calling process's CPU priority by `BACKGROUND_NICENESS` (a ``preexec_fn``)."""
    os.nice(BACKGROUND_NICENESS)


def background_worker() -> None:
    """A ``preexec_fn`` for a long-lived worker: CPU priority lowered, killed with its parent."""
    in_background()
    die_with_parent()


NO_PDF_COMPRESSION = "VCL_DEBUG_DISABLE_PDFCOMPRESSION"
"""Set, LibreOffice's PDF writer (vcl) writes its streams without deflating them."""


def _office_env(home: Path, fonts_conf: Path, *, compress: bool = True) -> dict[str, str]:
    env = dict(os.environ, FONTCONFIG_FILE=str(fonts_conf), HOME=str(home), LC_ALL="C.UTF-8")
    env.pop(NO_PDF_COMPRESSION, None)
    if not compress:
        env[NO_PDF_COMPRESSION] = "1"
    return env


def _place(made: Path, target: Path) -> Path:
    """Move a finished PDF into place, so `target` appears only when complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_suffix(".pdf.part")
    shutil.move(str(made), str(part))
    part.replace(target)
    return target


def convert_cold(
    sources: Sequence[Path],
    out_dir: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    to: str = "pdf",
    infilter: str | None = None,
) -> list[Path]:
    """Convert `sources` with one cold ``soffice --convert-to pdf`` process and its own profile.

    With `to` ("docx", "xlsx") the files are opened and saved again in that format, as a
    person using LibreOffice would (the intake demo, the read-back tests); all must be of it.
    `infilter` names the import filter: an HTML page opens as a web page, which cannot be saved
    as .docx, unless opened as a Writer document (``HTML (StarWriter)``).
    """
    if not sources:
        return []
    soffice = find_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="formgen-lo-") as work, fonts_conf() as conf:
        work_dir = Path(work)
        staging = work_dir / "pdf"
        command = [
            soffice,
            f"-env:UserInstallation={(work_dir / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to",
            to,
            "--outdir",
            str(staging),
            *(str(s.resolve()) for s in sources),
        ]
        env = _office_env(work_dir, conf)
        _copy_profile_template(work_dir / "profile", conf)
        try:
            result = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=timeout, preexec_fn=in_background
            )
        except subprocess.TimeoutExpired:
            raise ConversionError(
                f"LibreOffice转换超时 / LibreOffice timed out after {timeout:.0f} s"
            ) from None
        made: list[Path] = []
        for source in sources:
            pdf = staging / f"{source.stem}.{to}"
            if not pdf.is_file() or pdf.stat().st_size == 0:
                detail = (result.stderr or result.stdout).strip()[-500:]
                raise ConversionError(
                    f"LibreOffice未能转换 / LibreOffice did not convert {source.name} "
                    f"(exit {result.returncode}): {detail}"
                )
            made.append(_place(pdf, out_dir / pdf.name))
        return made


# -- the user profile a worker starts from ---------------------------------------------------

PROFILE_TIMEOUT_S = 60.0


def profile_cache() -> Path:
    """Where the profile template lives: formgen's folder in the user's cache."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "formgen"


PROFILE_RECIPE = 2
"""Raised when the template is made differently, so that older cached ones are not used."""
_SETUP_VERSION = re.compile(r'<prop oor:name="ooSetupVersion">\s*<value>([^<]+)</value>')


def _profile_template(conf: Path) -> Path | None:
    """A user profile LibreOffice has initialised once, made on first use and kept in the
    user's cache, one per LibreOffice installation; None where it cannot be made.

    A worker's LibreOffice starts on a profile of its own, and a fresh one costs it twice:

    - soffice.bin does its first-start work and then exits asking to be started again (exit
      code 81), a second whole start;
    - on every start of a version it has not seen in the profile, LibreOffice runs its
      graphics render tests (``runGraphicsRenderTests`` in desktop/source/app/app.cxx, which
      ask ``utl::isProductVersionUpgraded``): 0.8 s of CPU drawing test bitmaps, of a start
      that is 1.0 s in all. A headless LibreOffice never records the version it saw, so it
      ran them on every start of every worker.

    The template is made once (``--terminate_after_init``) and told the version it runs
    (``ooSetupLastVersion``): a worker then starts on a copy (some 250 KB, no absolute paths
    in it) in about 0.2 s.
    """
    binary = Path(_office_binary())
    try:
        stat = binary.stat()
        identity = f"{PROFILE_RECIPE}:{binary.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
        template = (
            profile_cache() / f"libreoffice-profile-{hashlib.sha256(identity.encode()).hexdigest()[:16]}"
        )
        if (template / "user" / "registrymodifications.xcu").is_file():
            return template
        template.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".profile-", dir=template.parent) as work:
            made = Path(work) / "profile"
            subprocess.run(
                [str(binary), f"-env:UserInstallation={made.as_uri()}", "--headless", "--norestore",
                 "--nolockcheck", "--terminate_after_init"],
                env=_office_env(Path(work), conf), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, timeout=PROFILE_TIMEOUT_S, check=True, preexec_fn=in_background,
            )  # fmt: skip
            settings = made / "user" / "registrymodifications.xcu"
            if not settings.is_file():
                return None
            version = _setup_version(binary)
            if version is not None:
                seen = (
                    '<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" '
                    f'oor:op="fuse"><value>{version}</value></prop></item>\n'
                )
                text = settings.read_text(encoding="utf-8")
                settings.write_text(text.replace("</oor:items>", seen + "</oor:items>", 1), encoding="utf-8")
            with contextlib.suppress(OSError):  # another process made it meanwhile: theirs is as good
                made.rename(template)
        return template if template.is_dir() else None
    except (OSError, subprocess.SubprocessError):
        return None


def _setup_version(binary: Path) -> str | None:
    """The LibreOffice version ("7.4") its configuration names, as its profile records it."""
    main = binary.resolve().parent.parent / "share" / "registry" / "main.xcd"
    try:
        found = _SETUP_VERSION.search(main.read_text(encoding="utf-8"))
    except OSError:
        return None
    return found.group(1) if found and re.fullmatch(r"[0-9.]+", found.group(1)) else None


def _copy_profile_template(profile: Path, conf: Path) -> None:
    """Start `profile` as a copy of the template, when there is one (else LibreOffice makes
    it, and asks for the restart a worker then does)."""
    template = _profile_template(conf)
    if template is not None:
        try:
            shutil.copytree(template, profile)
        except OSError:  # half a profile is worse than none
            shutil.rmtree(profile, ignore_errors=True)


# -- warm workers -----------------------------------------------------------------------------


class _WorkerFailed(Exception):
    """The worker hung, crashed or answered with an error; `fatal` when it must be restarted."""

    def __init__(self, message: str, *, fatal: bool) -> None:
        super().__init__(message)
        self.fatal = fatal


BridgeCommand = Callable[[str], list[str]]
"""Given a pipe name, the command line of the process that converts (the UNO bridge)."""


def uno_bridge_command(pipe_name: str) -> list[str]:
    """The real bridge: ``uno_bridge.py`` under the system's Python, which has ``uno``."""
    script = Path(__file__).with_name("uno_bridge.py")
    return [SYSTEM_PYTHON, str(script), pipe_name]


class Worker:
    """One LibreOffice process with its own profile, and the bridge process that drives it.

    `office` is False for a stand-in bridge that converts by itself (tests use one that
    sleeps, to prove the timeout). With `compress` False, LibreOffice writes its PDFs'
    streams as they are (`Converter`).
    """

    def __init__(
        self,
        name: str,
        *,
        bridge: BridgeCommand = uno_bridge_command,
        office: bool = True,
        compress: bool = True,
    ) -> None:
        self.name = name
        self.compress = compress
        self.bridge_command = bridge
        self.with_office = office
        self.office: subprocess.Popen[bytes] | None = None
        self.bridge: subprocess.Popen[bytes] | None = None
        self.jobs_done = 0
        self.starts = 0
        self.launches = 0
        """LibreOffice processes launched: one a start, unless a fresh profile asked for a restart."""
        self._buffer = b""
        self._fresh_profile = False
        self._office_command: list[str] = []
        self._office_env: dict[str, str] = {}
        self._work: tempfile.TemporaryDirectory[str] | None = None

    @property
    def office_pid(self) -> int | None:
        """The process id of this worker's LibreOffice, while it runs."""
        return self.office.pid if self.office is not None else None

    @property
    def alive(self) -> bool:
        return self.bridge is not None and self.bridge.poll() is None

    def start(self, timeout: float = START_TIMEOUT_S) -> None:
        """Start LibreOffice and the bridge, and wait until the bridge says it is connected."""
        self.stop()
        self.starts += 1
        self.jobs_done = 0
        self._fresh_profile = True
        self._work = tempfile.TemporaryDirectory(prefix=f"formgen-{self.name}-")
        work = Path(self._work.name)
        pipe_name = f"formgen-{os.getpid()}-{self.name}-{uuid.uuid4().hex[:8]}"
        with fonts_conf() as conf:
            env = _office_env(work, conf, compress=self.compress)
            if self.with_office:
                _copy_profile_template(work / "profile", conf)
            self._office_command = [
                _office_binary(),
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--invisible",
                "--norestore",
                "--nolockcheck",
                "--nodefault",
                "--nologo",
                f"--accept=pipe,name={pipe_name};urp;StarOffice.ComponentContext",
            ]
            self._office_env = env
            if self.with_office:
                self._launch_office()
            with (work / "bridge.log").open("wb") as log:
                self.bridge = subprocess.Popen(
                    self.bridge_command(pipe_name),
                    env=env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    bufsize=0,
                    start_new_session=True,
                    preexec_fn=background_worker,
                )
        self._buffer = b""
        try:
            answer = self._read(timeout)
        except _WorkerFailed as exc:
            self.stop()
            raise ConversionError(
                f"LibreOffice工作进程未能启动 / worker {self.name} did not start: {exc}"
            ) from None
        if not answer.get("ready"):
            self.stop()
            raise ConversionError(f"LibreOffice工作进程未能启动 / worker {self.name} did not start: {answer}")

    def _launch_office(self) -> None:
        self.launches += 1
        self.office = subprocess.Popen(
            self._office_command,
            env=self._office_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=background_worker,
        )

    def stop(self) -> None:
        """Kill the bridge and LibreOffice by their process ids, and remove the profile."""
        for proc in (self.bridge, self.office):
            if proc is None:
                continue
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)  # its own session: the process and its children
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()
        self.bridge = self.office = None
        if self._work is not None:
            self._work.cleanup()
            self._work = None

    def convert(self, source: Path, target: Path, *, bookmarks: bool, timeout: float) -> None:
        """Convert one document; `_WorkerFailed` when the worker hung, died or refused."""
        if not self.alive:
            self.start()
        assert self.bridge is not None and self.bridge.stdin is not None
        request = {"source": str(source.resolve()), "target": str(target.resolve()), "bookmarks": bookmarks}
        try:
            self.bridge.stdin.write((json.dumps(request) + "\n").encode())
        except (BrokenPipeError, OSError) as exc:
            raise _WorkerFailed(f"worker gone ({exc})", fatal=True) from None
        answer = self._read(timeout)
        self.jobs_done += 1
        if not answer.get("ok"):
            # A LibreOffice killed a moment ago may not have been reaped yet: give it a moment
            # before taking the failure for the document's own.
            fatal = not self._office_running(grace=GRACE_S) or not self.alive
            raise _WorkerFailed(str(answer.get("error", answer)), fatal=fatal)
        if not target.is_file() or target.stat().st_size == 0:
            raise _WorkerFailed("no PDF was written", fatal=True)

    def _office_running(self, grace: float = 0.0) -> bool:
        """Whether this worker's LibreOffice still runs; wait up to `grace` seconds for it to end."""
        if not self.with_office:
            return True
        if self.office is None:
            return False
        code = self.office.poll()
        if code is None and grace:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self.office.wait(timeout=grace)
        if code == _RESTART_REQUESTED and self._fresh_profile:
            # A fresh profile makes soffice.bin ask for a restart once (oosplash would do it).
            self._fresh_profile = False
            self._launch_office()
            return True
        return code is None

    def _read(self, timeout: float) -> dict[str, Any]:
        """Read one answer line from the bridge within `timeout` seconds."""
        assert self.bridge is not None and self.bridge.stdout is not None
        deadline = time.monotonic() + timeout
        fd = self.bridge.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _WorkerFailed(f"no answer within {timeout:g} s", fatal=True)
            ready, _, _ = select.select([fd], [], [], min(left, 0.5))
            if not ready:
                if not self._office_running():
                    raise _WorkerFailed("LibreOffice died", fatal=True)
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise _WorkerFailed("the worker exited", fatal=True)
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            answer: dict[str, Any] = json.loads(line)
        except ValueError:
            raise _WorkerFailed(f"unreadable answer {line[:200]!r}", fatal=True) from None
        return answer


@dataclass
class _Job:
    source: Path
    target: Path
    bookmarks: bool
    future: Future[Path] = field(default_factory=Future)


class Converter:
    """A pool of warm LibreOffice workers behind a bounded queue.

    Use as a context manager; workers start on first use and stop on exit. `convert` and
    `convert_many` are safe to call from several threads.

    With `compress` False, the PDFs are written with their streams uncompressed: for PDFs
    formgen rewrites and compresses itself (a packet's documents, `packet_pdf`). Most of a
    packet document's PDF is its Type 1 font programs (440 of 470 KB for 附件3), encrypted
    and so incompressible, which LibreOffice would deflate for nothing: about 20 ms of its
    0.27 s per document.
    """

    def __init__(
        self,
        workers: int = 2,
        *,
        timeout: float = JOB_TIMEOUT_S,
        max_jobs: int = MAX_JOBS_PER_WORKER,
        queue_size: int = QUEUE_SIZE,
        bridge: BridgeCommand = uno_bridge_command,
        office: bool = True,
        compress: bool = True,
    ) -> None:
        if workers < 1:
            raise ValueError("a converter needs at least one worker")
        self.timeout = timeout
        self.max_jobs = max_jobs
        self.workers = [
            Worker(f"w{n}", bridge=bridge, office=office, compress=compress) for n in range(workers)
        ]
        self._queue: queue.Queue[_Job | None] = queue.Queue(maxsize=queue_size)
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False
        self._warm = False
        self.on_job_start: Callable[[Worker, Path], None] | None = None
        """Called as a worker takes a job (tests use it to kill a worker mid-packet)."""

    @property
    def capacity(self) -> int:
        """How many conversions run at once: one per worker."""
        return len(self.workers)

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_threads(self) -> None:
        with self._lock:
            if self._closed:
                raise ConversionError("the converter is closed")
            if not self._threads:
                for worker in self.workers:
                    thread = threading.Thread(target=self._serve, args=(worker,), daemon=True)
                    thread.start()
                    self._threads.append(thread)

    def warm(self) -> None:
        """Start every worker's LibreOffice now, in the background, rather than on its first job:
        a batch renders its first documents meanwhile."""
        self._warm = True
        self._ensure_threads()

    def submit(self, source: Path, target: Path, *, bookmarks: bool = False) -> Future[Path]:
        """Queue one conversion; blocks while the queue is full."""
        self._ensure_threads()
        job = _Job(source, target, bookmarks)
        self._queue.put(job)
        return job.future

    def convert(self, source: Path, target: Path, *, bookmarks: bool = False) -> Path:
        """Convert `source` to the PDF `target` and return it."""
        return wait_for(self.submit(source, target, bookmarks=bookmarks))

    def convert_many(self, pairs: Sequence[tuple[Path, Path]], *, bookmarks: bool = False) -> list[Path]:
        """Convert every (source, target) pair, in parallel across the workers."""
        # `submit` blocks while the queue is full; the workers drain it meanwhile.
        futures = [self.submit(source, target, bookmarks=bookmarks) for source, target in pairs]
        return [wait_for(f) for f in futures]

    def to_pdf(self, sources: Sequence[Path], out_dir: Path, *, bookmarks: bool = False) -> list[Path]:
        """Convert `sources` to PDFs of the same stem in `out_dir`."""
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="formgen-pdf-", dir=out_dir) as staging:
            pairs = [(s, Path(staging) / f"{n:04d}-{s.stem}.pdf") for n, s in enumerate(sources)]
            made = self.convert_many(pairs, bookmarks=bookmarks)
            return [_place(pdf, out_dir / f"{s.stem}.pdf") for s, pdf in zip(sources, made, strict=True)]

    def close(self) -> None:
        """Stop the workers; queued jobs still run first."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            threads = list(self._threads)
        for _ in threads:
            self._queue.put(None)
        for thread in threads:
            thread.join()
        for worker in self.workers:
            worker.stop()

    def _serve(self, worker: Worker) -> None:
        if self._warm:
            with contextlib.suppress(ConversionError):  # the first job starts it again, and says why
                worker.start()
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                job.future.set_result(self._run(worker, job))
            except BaseException as exc:
                job.future.set_exception(exc)

    def _run(self, worker: Worker, job: _Job) -> Path:
        """Convert, trying again on a fresh worker after any failure, up to `MAX_TRIES` times;
        restart workers that reached `max_jobs`."""
        failures: list[str] = []
        for _attempt in range(MAX_TRIES):
            try:
                if not worker.alive or worker.jobs_done >= self.max_jobs:
                    worker.start()
                if self.on_job_start is not None:
                    self.on_job_start(worker, job.source)
                worker.convert(job.source, job.target, bookmarks=job.bookmarks, timeout=self.timeout)
                return job.target
            except (_WorkerFailed, ConversionError) as exc:
                failures.append(str(exc))
                worker.stop()  # whatever failed, the next try gets a fresh LibreOffice
        raise ConversionError(
            f"LibreOffice未能转换 / LibreOffice did not convert {job.source.name} "
            f"(tried {MAX_TRIES} times, timeout {self.timeout:g} s): " + "; ".join(failures)
        )


class ColdConverter:
    """The stand-in when python3-uno is missing: each batch is one cold LibreOffice call."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.timeout = timeout

    @property
    def capacity(self) -> int:
        """How many conversions run at once: one cold process at a time."""
        return 1

    def convert(self, source: Path, target: Path, *, bookmarks: bool = False) -> Path:
        """Convert one document to `target`."""
        return self.convert_many([(source, target)], bookmarks=bookmarks)[0]

    def convert_many(self, pairs: Sequence[tuple[Path, Path]], *, bookmarks: bool = False) -> list[Path]:
        """Convert every (source, target) pair in one call (bookmarks are LibreOffice's default)."""
        with tempfile.TemporaryDirectory(prefix="formgen-cold-") as staging:
            made = convert_cold([source for source, _ in pairs], Path(staging), timeout=self.timeout)
            return [_place(pdf, target) for pdf, (_, target) in zip(made, pairs, strict=True)]

    def to_pdf(self, sources: Sequence[Path], out_dir: Path, *, bookmarks: bool = False) -> list[Path]:
        """Convert `sources` to PDFs of the same stem in `out_dir`."""
        return convert_cold(sources, out_dir, timeout=self.timeout)

    def close(self) -> None:
        """Nothing runs between calls."""


_active: list[Converter | ColdConverter] = []


@contextlib.contextmanager
def service(workers: int | None = None, **options: Any) -> Iterator[Converter | ColdConverter]:
    """Run the conversions of a block through warm workers; `to_pdf` uses them meanwhile.

    Nested blocks reuse the outer block's converter. Without python3-uno the block falls back
    to cold LibreOffice calls, one per batch.
    """
    if _active:
        yield _active[-1]
        return
    converter: Converter | ColdConverter
    if system_python_has_uno():
        count = workers if workers is not None else max(1, min(2, os.cpu_count() or 1))
        converter = Converter(count, **options)
    else:
        converter = ColdConverter()
    _active.append(converter)
    try:
        yield converter
    finally:
        _active.remove(converter)
        converter.close()


def forget_inherited() -> None:
    """In a process forked from one inside a `service` block: forget the parent's converter,
    whose worker threads do not exist here, so this process starts its own."""
    _active.clear()


def active() -> Converter | ColdConverter | None:
    """The converter of the enclosing `service` block, if any."""
    return _active[-1] if _active else None


def to_pdf(sources: Sequence[Path], out_dir: Path, *, timeout: float = DEFAULT_TIMEOUT_S) -> list[Path]:
    """Convert `sources` to PDFs in `out_dir` (same stem, .pdf) and return their paths.

    Inside a `service` block the warm workers convert; otherwise one cold LibreOffice call
    does, which is the quickest way for a few files. PDFs appear in `out_dir` only when
    complete.
    """
    if not sources:
        return []
    converter = active()
    if converter is not None:
        return converter.to_pdf(sources, out_dir)
    return convert_cold(sources, out_dir, timeout=timeout)


@functools.cache
def system_python_has_uno() -> bool:
    """True when the system's Python can drive LibreOffice (python3-uno is installed)."""
    if not Path(SYSTEM_PYTHON).is_file():
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    return probe.returncode == 0


if __name__ == "__main__":  # pragma: no cover - a manual check: convert the files named
    with service() as conv:
        for made_pdf in conv.to_pdf([Path(a) for a in sys.argv[1:]], Path.cwd()):
            print(made_pdf)
