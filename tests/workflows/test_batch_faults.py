"""LibreOffice killed at random moments during a batch: every packet is made, and made the same."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
import zipfile
from pathlib import Path

import psutil
import pytest
from pypdf import PdfReader

from formgen.pdf import convert
from formgen.workflows import batch
from tests.workflows.submitters import ENTERPRISE, enterprise, write_folder

pytestmark = pytest.mark.pdf
SUBMITTERS = 8
KILLS = 4


class Killer:
    """Kills one of this process's LibreOffice descendants at random moments."""

    def __init__(self, kills: int, seed: int) -> None:
        self.wanted = kills
        self.made = 0
        self.random = random.Random(seed)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process(os.getpid())
        while self.made < self.wanted and not self.stop.wait(self.random.uniform(0.3, 1.5)):
            offices = [p for p in me.children(recursive=True) if _is_office(p)]
            if offices:
                try:
                    os.kill(self.random.choice(offices).pid, signal.SIGKILL)
                    self.made += 1
                except ProcessLookupError:
                    continue


def _is_office(proc: psutil.Process) -> bool:
    try:
        return str(proc.name()).startswith("soffice")
    except psutil.Error:
        return False


def _packets(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.glob(f"*/{ENTERPRISE}.pdf"))}


def test_killing_libreoffice_loses_no_packet_and_changes_no_byte(tmp_path: Path) -> None:
    source = write_folder(tmp_path / "in", ENTERPRISE, [enterprise(n) for n in range(SUBMITTERS)])
    calm = batch.run(ENTERPRISE, source, tmp_path / "calm", workers=2)
    assert [o.status for o in calm] == ["ok"] * SUBMITTERS

    killer = Killer(KILLS, seed=11)
    killer.thread.start()
    try:
        stormy = batch.run(ENTERPRISE, source, tmp_path / "stormy", workers=2)
    finally:
        killer.stop.set()
        killer.thread.join()
    assert killer.made >= 2, "LibreOffice was killed during the batch"
    assert [o.status for o in stormy] == ["ok"] * SUBMITTERS, [o.problems for o in stormy]
    made, expected = _packets(tmp_path / "stormy"), _packets(tmp_path / "calm")
    assert made == expected, "each packet is identical to the undisturbed run's"
    for name in made:
        assert len(PdfReader(tmp_path / "stormy" / name).pages) > 0


def test_a_packet_that_cannot_be_made_fails_alone_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document LibreOffice never converts: its submitter fails after bounded tries, the others are made."""
    real = convert.Worker.convert
    tries: list[str] = []

    def refuse_one(self: convert.Worker, source: Path, target: Path, **options: object) -> None:
        if _marked(source):
            tries.append(source.name)
            raise convert._WorkerFailed("illegal object given", fatal=False)
        real(self, source, target, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(convert.Worker, "convert", refuse_one)  # the worker processes are forked
    data = [enterprise(0), enterprise(1), enterprise(2)]
    data[1]["materials"]["overview"] = "UNCONVERTIBLE " + str(data[1]["materials"]["overview"])
    source = write_folder(tmp_path / "in", ENTERPRISE, data)
    started = time.monotonic()
    outcomes = batch.run(ENTERPRISE, source, tmp_path / "out", workers=1)
    assert [o.status for o in outcomes] == ["ok", "failed", "ok"]
    reason = "\n".join(outcomes[1].problems)
    assert "illegal object given" in reason and f"tried {convert.MAX_TRIES} times" in reason
    assert time.monotonic() - started < 300


def _marked(source: Path) -> bool:
    """Whether a document to convert carries the marker of the unconvertible submitter."""
    try:
        with zipfile.ZipFile(source) as package:
            return any(b"UNCONVERTIBLE" in package.read(name) for name in package.namelist())
    except zipfile.BadZipFile:
        return False


def test_a_worker_process_killed_loses_no_packet(tmp_path: Path) -> None:
    """A dead worker process breaks its pool: a new pool makes every packet that was under way."""
    source = write_folder(tmp_path / "in", ENTERPRISE, [enterprise(n) for n in range(6)])
    calm = batch.run(ENTERPRISE, source, tmp_path / "calm", workers=2)
    me = psutil.Process(os.getpid())
    killed: list[int] = []
    stop = threading.Event()

    def kill_a_worker() -> None:
        while not killed and not stop.wait(0.2):
            # The pool's processes are this process's children that have LibreOffice below them.
            workers = [p for p in me.children() if any(_is_office(c) for c in p.children(recursive=True))]
            if workers and (tmp_path / "stormy").is_dir() and any((tmp_path / "stormy").glob("*/")):
                os.kill(workers[0].pid, signal.SIGKILL)
                killed.append(workers[0].pid)

    killer = threading.Thread(target=kill_a_worker, daemon=True)
    killer.start()
    try:
        stormy = batch.run(ENTERPRISE, source, tmp_path / "stormy", workers=2)
    finally:
        stop.set()
        killer.join()
    assert killed, "a worker process was killed during the batch"
    assert [o.status for o in stormy] == ["ok"] * 6, [o.problems for o in stormy]
    assert [o.status for o in calm] == ["ok"] * 6
    assert _packets(tmp_path / "stormy") == _packets(tmp_path / "calm")
