"""The conversion service: timeouts, restarts, retries, the bounded queue, real workers."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import textwrap
import threading
from concurrent.futures import Future
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import StreamObject

import formgen
from formgen.pdf import convert
from tests.holding import NEVER, ctrl_c_handled, until_thread_waits

# A stand-in for the UNO bridge: answers like it, "converts" by writing a tiny PDF, and hangs
# on any file whose name contains "hang".
STAND_IN = textwrap.dedent(
    """
    import json, os, sys, time
    PDF = b"%PDF-1.4\\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\\ntrailer<</Root 1 0 R>>\\n%%EOF\\n"
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        name = os.path.basename(request["source"])
        if "hang" in name:
            time.sleep(3600)
        if "crash" in name:
            sys.exit(9)
        open(request["target"], "wb").write(PDF)
        print(json.dumps({"ok": True}), flush=True)
    """
)


@pytest.fixture
def stand_in(tmp_path: Path) -> convert.BridgeCommand:
    script = tmp_path / "stand_in_bridge.py"
    script.write_text(STAND_IN, encoding="utf-8")
    return lambda pipe_name: [sys.executable, str(script)]


def _source(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(b"not really a document")
    return path


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_hanging_conversion_ends_with_a_clear_error_and_the_next_succeeds(
    tmp_path: Path, stand_in: convert.BridgeCommand
) -> None:
    with convert.Converter(1, timeout=1.0, bridge=stand_in, office=False) as converter:
        with pytest.raises(convert.ConversionError) as failure:
            converter.convert(_source(tmp_path, "hang.docx"), tmp_path / "hang.pdf")
        message = str(failure.value)
        tries = convert.MAX_TRIES
        assert "hang.docx" in message and f"tried {tries} times" in message
        # Each attempt was ended by its timeout (the stand-in would hang for an hour), whatever
        # the machine's speed: the message says so for each, no clock is read here.
        assert message.count("no answer within 1 s") == tries
        hung = converter.workers[0]
        assert hung.starts == tries and hung.bridge is None, "the hung worker was killed after each attempt"

        made = converter.convert(_source(tmp_path, "fine.docx"), tmp_path / "fine.pdf")
        assert made.read_bytes().startswith(b"%PDF")
        assert converter.workers[0].starts == tries + 1


def test_a_hung_worker_is_killed_by_its_process_id(tmp_path: Path, stand_in: convert.BridgeCommand) -> None:
    pids: list[int] = []
    with convert.Converter(1, timeout=0.5, bridge=stand_in, office=False) as converter:
        converter.on_job_start = lambda worker, source: pids.append(worker.bridge.pid if worker.bridge else 0)
        with pytest.raises(convert.ConversionError):
            converter.convert(_source(tmp_path, "hang.docx"), tmp_path / "hang.pdf")
    assert len(pids) == convert.MAX_TRIES and all(_gone(pid) for pid in pids)


def test_a_crashed_worker_is_restarted_and_the_conversion_retried(
    tmp_path: Path, stand_in: convert.BridgeCommand
) -> None:
    with convert.Converter(1, timeout=5, bridge=stand_in, office=False) as converter:
        with pytest.raises(convert.ConversionError, match="the worker exited"):
            converter.convert(_source(tmp_path, "crash.docx"), tmp_path / "crash.pdf")
        assert converter.convert(_source(tmp_path, "ok.docx"), tmp_path / "ok.pdf").is_file()


def test_workers_restart_after_a_set_number_of_conversions(
    tmp_path: Path, stand_in: convert.BridgeCommand
) -> None:
    with convert.Converter(1, max_jobs=2, bridge=stand_in, office=False) as converter:
        pairs = [(_source(tmp_path, f"d{n}.docx"), tmp_path / f"d{n}.pdf") for n in range(5)]
        assert converter.convert_many(pairs) == [target for _, target in pairs]
        assert converter.workers[0].starts == 3


def test_the_queue_is_bounded_and_every_job_completes(
    tmp_path: Path, stand_in: convert.BridgeCommand
) -> None:
    with convert.Converter(2, queue_size=2, bridge=stand_in, office=False) as converter:
        assert converter._queue.maxsize == 2
        pairs = [(_source(tmp_path, f"q{n}.docx"), tmp_path / f"q{n}.pdf") for n in range(12)]
        assert all(path.is_file() for path in converter.convert_many(pairs))


def test_a_closed_converter_refuses_work(tmp_path: Path, stand_in: convert.BridgeCommand) -> None:
    converter = convert.Converter(1, bridge=stand_in, office=False)
    converter.close()
    with pytest.raises(convert.ConversionError, match="closed"):
        converter.convert(_source(tmp_path, "late.docx"), tmp_path / "late.pdf")


@pytest.mark.pdf
def test_real_workers_convert_docx_and_xlsx_each_with_its_own_profile(tmp_path: Path) -> None:
    sources = formgen.blank(["sichuan-2023-110.annex3", "sichuan-2023-110.annex2"], tmp_path)
    with convert.Converter(2) as converter:
        made = converter.to_pdf(sources, tmp_path / "pdf")
        assert [p.name for p in made] == ["sichuan-2023-110.annex3.pdf", "sichuan-2023-110.annex2.pdf"]
        assert all(p.read_bytes().startswith(b"%PDF") for p in made)
        profiles = {w._office_command[1] for w in converter.workers if w._office_command}
        pids = [w.office_pid for w in converter.workers if w.office_pid]
    assert len(profiles) == len(pids) >= 1
    assert all(_gone(pid) for pid in pids), "closing the converter stops its LibreOffice processes"


@pytest.mark.pdf
def test_to_pdf_outside_a_service_converts_cold(tmp_path: Path) -> None:
    assert convert.active() is None
    (source,) = formgen.blank(["sichuan-2023-110.annex1"], tmp_path)
    (made,) = convert.to_pdf([source], tmp_path)
    assert made == tmp_path / "sichuan-2023-110.annex1.pdf" and made.stat().st_size > 1000


@pytest.mark.pdf
def test_a_worker_starts_from_the_cached_profile_without_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh profile makes LibreOffice exit once asking to be started again, and run its
    graphics tests on every start: the first worker makes a profile template in the user's
    cache, and every later one starts once, without the tests."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first, later = convert.Worker("first"), convert.Worker("later")
    try:
        first.start()
        (template,) = (tmp_path / "cache" / "formgen").glob("libreoffice-profile-*")
        later.start()
        assert later.launches == 1, "started on a copy of the template: no restart"
        assert later._office_running() and later._work is not None
        (source,) = formgen.blank(["sichuan-2023-110.annex1"], tmp_path)
        later.convert(source, tmp_path / "made.pdf", bookmarks=False, timeout=120)
        user = Path(later._work.name) / "profile" / "user"
        assert not (user / "GraphicsRenderTests.log").exists(), (
            "the template records the version it runs: LibreOffice skips its graphics tests (0.8 s a start)"
        )
    finally:
        first.stop()
        later.stop()
    assert (template / "user" / "registrymodifications.xcu").is_file(), "the template is kept"


@pytest.mark.pdf
def test_without_a_usable_cache_a_worker_starts_on_a_fresh_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    worker = convert.Worker("fresh")
    try:
        worker.start()
        (source,) = formgen.blank(["sichuan-2023-110.annex1"], tmp_path)
        worker.convert(source, tmp_path / "made.pdf", bookmarks=False, timeout=120)
        assert worker.launches == 2, "LibreOffice made its profile and asked for the restart it got"
        assert worker._work is not None
        assert (Path(worker._work.name) / "profile" / "user" / "GraphicsRenderTests.log").exists()
    finally:
        worker.stop()
    assert (tmp_path / "made.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.pdf
def test_a_converter_for_packets_leaves_the_streams_uncompressed(tmp_path: Path) -> None:
    """A packet's documents are rewritten and compressed by formgen: LibreOffice does not
    deflate them first (every other conversion is compressed as usual)."""
    (source,) = formgen.blank(["sichuan-2023-110.annex1"], tmp_path)
    filters: dict[bool, set[bool]] = {}
    for compress in (True, False):
        with convert.Converter(1, compress=compress) as converter:
            made = converter.convert(source, tmp_path / f"made-{compress}.pdf")
        reader = PdfReader(made)
        streams = [reader.get_object(number) for number in reader.xref[0]]
        filters[compress] = {"/Filter" in s for s in streams if isinstance(s, StreamObject)}
    assert filters == {True: {True}, False: {False}}


def test_ctrl_c_given_to_a_converter_thread_ends_the_wait_for_its_conversion(
    tmp_path: Path, stand_in: convert.BridgeCommand
) -> None:
    """The kernel hands a Ctrl-C to any thread that does not block it; Python only marks it for
    the main thread. The main thread, waiting for a conversion that hangs, acts on it while the
    conversion is still under way: before, it slept through it until the conversion's time
    limit had ended every try."""
    started: list[tuple[int, int]] = []
    """(converter thread's id, its bridge's process id), a pair for every try."""
    first_started = threading.Event()
    interrupted = threading.Event()

    def on_start(worker: convert.Worker, _source: Path) -> None:
        pid = worker.bridge.pid if worker.bridge else 0
        started.append((threading.get_ident(), pid))
        if interrupted.is_set():
            os.kill(pid, signal.SIGKILL)  # the tries after the test's Ctrl-C end at once
        first_started.set()

    def ctrl_c() -> None:
        assert first_started.wait(NEVER)
        until_thread_waits(os.getpid(), threading.main_thread().native_id or 0)
        signal.pthread_kill(started[0][0], signal.SIGINT)

    with ctrl_c_handled(), convert.Converter(1, timeout=60, bridge=stand_in, office=False) as converter:
        converter.on_job_start = on_start
        sender = threading.Thread(target=ctrl_c, daemon=True)
        sender.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                converter.convert(_source(tmp_path, "hang.docx"), tmp_path / "hang.pdf")
            assert not _gone(started[0][1]), (
                "the first try had ended: its time limit, not Ctrl-C, woke the wait"
            )
        finally:
            interrupted.set()
            for _, pid in started:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def test_waiting_in_slices_passes_on_the_works_own_timeout() -> None:
    done: Future[int] = Future()
    done.set_result(7)
    assert convert.wait_for(done) == 7
    failed: Future[int] = Future()
    failed.set_exception(TimeoutError("a socket's"))
    with pytest.raises(TimeoutError, match="a socket's"):
        convert.wait_for(failed)
