"""LibreOffice or a worker killed during a batch: every packet is made, and made the same.

Each kill happens while the batch is held at a known point (`tests.holding`), never on a timer.
"""

from __future__ import annotations

import os
import signal
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
from pypdf import PdfReader

from formgen.pdf import convert
from formgen.workflows import batch
from formgen.workflows.batch import work
from tests.holding import ENV, Holds
from tests.workflows.submitters import ENTERPRISE, enterprise, write_folder

pytestmark = pytest.mark.pdf
SUBMITTERS = 8
KILLED_AT = ("packet-2", "packet-5")
"""Where LibreOffice is killed: its worker has made a packet before (its LibreOffice is warm
and running), and holds at the start of the next one until the kill is done."""


class Striker:
    """In a thread beside a batch: at each armed point, strike the process held there, then release it."""

    def __init__(self, holds: Holds, names: tuple[str, ...], strike: Callable[[int], list[int]]) -> None:
        self.holds, self.names, self.strike = holds, names, strike
        self.struck: dict[str, list[int]] = {}
        self.failures: list[BaseException] = []
        self.batch_done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Striker:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.batch_done.set()
        self.thread.join()
        self.holds.close()

    def _run(self) -> None:
        try:
            for name in self.names:
                pid = self.holds.reached(name, running=lambda: not self.batch_done.is_set())
                try:
                    self.struck[name] = self.strike(pid)
                finally:
                    self.holds.release(name)
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.failures.append(exc)


def _kill_its_office(worker: int) -> list[int]:
    """Kill the LibreOffice of the worker process `worker`; the ids of what was killed."""
    offices = [p for p in psutil.Process(worker).children(recursive=True) if _is_office(p)]
    for office in offices:
        office.kill()
    return [o.pid for o in offices]


def _is_office(proc: psutil.Process) -> bool:
    try:
        return str(proc.name()).startswith("soffice")
    except psutil.Error:
        return False


def _packets(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.glob(f"*/{ENTERPRISE}.pdf"))}


def test_killing_libreoffice_loses_no_packet_and_changes_no_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_folder(tmp_path / "in", ENTERPRISE, [enterprise(n) for n in range(SUBMITTERS)])
    calm = batch.run(ENTERPRISE, source, tmp_path / "calm", workers=2)
    assert [o.status for o in calm] == ["ok"] * SUBMITTERS

    holds = Holds(tmp_path / "holds", *KILLED_AT)
    monkeypatch.setenv(ENV, str(holds.folder))
    with Striker(holds, KILLED_AT, _kill_its_office) as striker:
        stormy = batch.run(ENTERPRISE, source, tmp_path / "stormy", workers=2)
    assert striker.failures == []
    assert list(striker.struck) == list(KILLED_AT)
    assert all(striker.struck.values()), "a running LibreOffice was killed at each point"
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

    def refuse_one(self: convert.Worker, source: Path, target: Path, **options: object) -> None:
        if _marked(source):
            raise convert._WorkerFailed("illegal object given", fatal=False)
        real(self, source, target, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(convert.Worker, "convert", refuse_one)  # the worker processes are forked
    data = [enterprise(0), enterprise(1), enterprise(2)]
    data[1]["materials"]["overview"] = "UNCONVERTIBLE " + str(data[1]["materials"]["overview"])
    source = write_folder(tmp_path / "in", ENTERPRISE, data)
    outcomes = batch.run(ENTERPRISE, source, tmp_path / "out", workers=1)
    assert [o.status for o in outcomes] == ["ok", "failed", "ok"]
    reason = "\n".join(outcomes[1].problems)
    assert "illegal object given" in reason and f"tried {convert.MAX_TRIES} times" in reason
    assert reason.count(f"tried {convert.MAX_TRIES} times") == work.PACKET_TRIES, (
        "bounded tries, then the next"
    )


def _marked(source: Path) -> bool:
    """Whether a document to convert carries the marker of the unconvertible submitter."""
    try:
        with zipfile.ZipFile(source) as package:
            return any(b"UNCONVERTIBLE" in package.read(name) for name in package.namelist())
    except zipfile.BadZipFile:
        return False


def test_a_worker_process_killed_loses_no_packet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A dead worker process breaks its pool: a new pool makes every packet that was under way."""
    source = write_folder(tmp_path / "in", ENTERPRISE, [enterprise(n) for n in range(6)])
    calm = batch.run(ENTERPRISE, source, tmp_path / "calm", workers=2)
    holds = Holds(tmp_path / "holds", "packet-3")
    monkeypatch.setenv(ENV, str(holds.folder))

    def kill_the_worker(worker: int) -> list[int]:
        os.kill(worker, signal.SIGKILL)  # held before its packet: the packet is taken again
        return [worker]

    with Striker(holds, ("packet-3",), kill_the_worker) as striker:
        stormy = batch.run(ENTERPRISE, source, tmp_path / "stormy", workers=2)
    assert striker.failures == [] and list(striker.struck) == ["packet-3"]
    assert [o.status for o in stormy] == ["ok"] * 6, [o.problems for o in stormy]
    assert [o.status for o in calm] == ["ok"] * 6
    assert _packets(tmp_path / "stormy") == _packets(tmp_path / "calm")
