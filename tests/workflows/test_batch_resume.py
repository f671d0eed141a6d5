"""A batch run again goes on from where it stopped, and a stopped batch leaves no part of a packet."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from formgen.workflows import batch
from formgen.workflows.batch import resume
from tests.holding import ENV, Holds, ctrl_c_handled, until_thread_waits
from tests.workflows.submitters import ENTERPRISE, enterprise, write_folder

pytestmark = pytest.mark.pdf
FORMGEN = str(Path(sys.executable).with_name("formgen"))


def _packets(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.glob(f"*/{ENTERPRISE}.pdf"))}


def test_a_second_run_skips_what_is_made_and_redoes_what_changed(tmp_path: Path) -> None:
    source = write_folder(tmp_path / "in", ENTERPRISE, [enterprise(n) for n in range(3)])
    out = tmp_path / "out"
    first = batch.run(ENTERPRISE, source, out, workers=1)
    assert [o.status for o in first] == ["ok"] * 3
    made = _packets(out)

    again = batch.run(ENTERPRISE, source, out, workers=1)
    assert [o.status for o in again] == ["skipped"] * 3
    assert [o.output for o in again] == [o.output for o in first]
    report = [
        json.loads(line) for line in (out / "batch-report.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [r["status"] for r in report] == ["skipped"] * 3
    assert _packets(out) == made

    changed = enterprise(1)
    changed["application"]["key_process"] = "焊接与涂装"
    write_folder(source, ENTERPRISE, [enterprise(0), changed, enterprise(2)])
    (out / first[2].output).write_bytes(b"%PDF-1.7 cut short")  # a packet damaged since
    third = batch.run(ENTERPRISE, source, out, workers=1)
    assert [o.status for o in third] == ["skipped", "ok", "ok"]
    assert (out / third[2].output).read_bytes() == made[first[2].output]

    forced = batch.run(ENTERPRISE, source, out, workers=1, force=True)
    assert [o.status for o in forced] == ["ok"] * 3


def _start(source: Path, out: Path, holds: Holds) -> subprocess.Popen[bytes]:
    """formgen's batch, started as from a terminal: Ctrl-C acts on it (`ctrl_c_handled`)."""
    command = [FORMGEN, "batch", ENTERPRISE, str(source), "--out", str(out), "--workers", "1"]
    with ctrl_c_handled():
        return subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env={**os.environ, ENV: str(holds.folder)},
        )


def _recorded(out: Path) -> int:
    """Packets recorded as made, which a next run skips: each is recorded as it is put in place."""
    return len(list((out / resume.STATE_DIR / "done").glob("*.json")))


def _assert_whole(out: Path) -> None:
    """Every packet there is a whole PDF; no temporary file counts as one."""
    for name, data in _packets(out).items():
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), name
        assert len(PdfReader(out / name).pages) > 0


def _another_thread(pid: int) -> int:
    """The id of a thread of process `pid` other than its main one (the pool's threads, started by now)."""
    return next(int(t.name) for t in Path(f"/proc/{pid}/task").iterdir() if int(t.name) != pid)


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT", "SIGINT to another thread"])
def test_a_stopped_batch_leaves_whole_packets_and_the_next_run_goes_on(tmp_path: Path, how: str) -> None:
    source = write_folder(tmp_path / "in", ENTERPRISE, [enterprise(n) for n in range(5)])
    out = tmp_path / "out"
    # With one worker, the second packet starts once the first is made and recorded; it is
    # held there until formgen has been stopped, so the stop always lands mid-batch.
    holds = Holds(tmp_path / "holds", "packet-1", "interrupted")
    proc = _start(source, out, holds)
    try:
        holds.reached("packet-1", running=lambda: proc.poll() is None)
        assert _recorded(out) == 1
        if how == "SIGKILL":
            proc.kill()  # formgen itself; its workers and their LibreOffice die with it
            proc.wait()
        else:
            if how == "SIGINT":
                os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the terminal's whole process group
            else:
                # The kernel gives a signal sent to a thread's id to that thread when it can:
                # the main thread, waiting for the held packet, must still act on it.
                until_thread_waits(proc.pid, proc.pid)  # the held packet
                os.kill(_another_thread(proc.pid), signal.SIGINT)
            holds.reached("interrupted", running=lambda: proc.poll() is None)
    except BaseException:
        proc.kill()  # a failed test leaves no batch running into the next ones
        proc.communicate()
        raise
    finally:
        holds.close()  # the packet under way (and formgen's stop) go on
    _, stderr = proc.communicate()
    assert proc.returncode != 0, stderr.decode()
    stopped_with = _packets(out)
    if how == "SIGKILL":
        assert len(stopped_with) == 1, "the held packet died with formgen"
    else:
        # The held packet and those already queued to the worker are finished; the fifth was
        # never handed to the pool (the parent was waiting for the second).
        assert 2 <= len(stopped_with) <= 4
    _assert_whole(out)

    rerun = batch.run(ENTERPRISE, source, out, workers=1)
    statuses = [o.status for o in rerun]
    assert statuses.count("skipped") >= 1 and set(statuses) <= {"ok", "skipped"}
    assert len(_packets(out)) == 5
    assert not list(out.rglob("*.part")), "the next run removed the stopped run's temporary files"
    for name, data in stopped_with.items():
        assert _packets(out)[name] == data, "a packet made before the stop is kept as it was"
