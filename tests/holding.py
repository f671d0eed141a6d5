"""Holding a batch at its named points from a test (`formgen.workflows.batch.hold`).

A test arms the points it wants, starts the batch with ``FORMGEN_HOLD`` set to the folder,
and for each point waits until a process is there (`Holds.reached`, which gives that
process's id), strikes, and lets it go (`Holds.release`). No step depends on how fast the
machine is: the batch waits for the test, and the test for the batch.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from formgen.workflows.batch import hold

ENV = hold.ENV
NEVER = 300
"""Seconds after which a point not reached is called never reached (a bound, not a timing)."""


@contextlib.contextmanager
def ctrl_c_handled() -> Iterator[None]:
    """Python's Ctrl-C handler while the block runs, then whatever was there before.

    A shell's background job (`make test &`, a script's `cmd &`) starts with Ctrl-C ignored,
    and a program inherits an ignored signal through exec; a handled one is reset to the
    default. So a test that sends Ctrl-C, to itself or to a formgen it starts, handles it
    meanwhile, however the suite was started."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def until_thread_waits(pid: int, thread: int) -> None:
    """Wait until thread `thread` (a native id) of process `pid` has used no CPU (a clock tick
    at most) for a whole second: it waits for what the test holds, as nothing else keeps it
    idle that long.

    CPU time, not its state: a thread waiting in slices wakes for microseconds each time, and
    one that is sleeping may be waiting for the interpreter, not for what the test holds."""
    stat = Path(f"/proc/{pid}/task/{thread}/stat")

    def ticks() -> int:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15

    before = ticks()
    while True:
        time.sleep(1.0)
        now = ticks()
        if now - before <= 1:
            return
        before = now


class NotReachedError(AssertionError):
    """The batch ended (or failed) without reaching a point the test armed."""


class Holds:
    """FIFOs in `folder`, one per armed point; set ``FORMGEN_HOLD`` to `folder` for the batch."""

    def __init__(self, folder: Path, *names: str) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._held: dict[str, int] = {}
        for name in names:
            os.mkfifo(folder / name)

    def reached(self, name: str, *, running: Callable[[], bool] = lambda: True) -> int:
        """Wait until a process is at point `name`, for as long as `running()` says the batch runs
        and at most `NEVER` seconds; return its process id. The point holds once: its FIFO is
        removed."""
        fifo = self.folder / name
        opened: list[int] = []
        opener = threading.Thread(target=lambda: opened.append(os.open(fifo, os.O_WRONLY)), daemon=True)
        opener.start()
        # The open blocks until the point is reached: look again each second whether the batch
        # still runs, so that a batch that ended without reaching it fails the test, not hangs
        # it; one that runs on without reaching it (stuck) fails it after `NEVER`.
        deadline = time.monotonic() + NEVER
        while opener.is_alive() and running() and time.monotonic() < deadline:
            opener.join(1.0)
        if not opened:
            self._unblock(fifo)
            opener.join()
            for fd in opened:
                os.close(fd)
            raise NotReachedError(
                f"the batch ended before it reached {name}, or did not reach it in {NEVER} s"
            )
        fifo.unlink()
        self._held[name] = opened[0]
        return int((self.folder / f"{name}.pid").read_text(encoding="ascii"))

    def release(self, name: str) -> None:
        """Let the process held at `name` go on."""
        os.close(self._held.pop(name))

    def close(self) -> None:
        """Release every held point and disarm those never reached."""
        for name in list(self._held):
            self.release(name)
        for fifo in self.folder.iterdir():
            if fifo.is_fifo():
                fifo.unlink()

    @staticmethod
    def _unblock(fifo: Path) -> None:
        """Let a writer blocked on opening `fifo` return: open its other end for a moment."""
        with contextlib.suppress(FileNotFoundError):
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
