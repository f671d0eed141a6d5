"""Named points where a batch can be held from outside, so that it is interrupted at a known step.

A test that kills LibreOffice, a worker or formgen itself while a batch runs must know where
the batch is when it strikes; on a timer it strikes too early on a slow machine and too late
on a fast one. With ``FORMGEN_HOLD`` naming a folder, a batch stops at each `point` for
which that folder holds a FIFO of the point's name:

- ``packet-<index>``: a worker process, before it makes the packet of submitter `index`
  (counted from 0 in input order), its warm LibreOffice running;
- ``interrupted``: the parent, having taken Ctrl-C (or an error), before it lets the packets
  under way finish and stops.

There the process writes its id into ``<name>.pid`` and opens the FIFO to read it to its end.
Whoever holds the FIFO opens it for writing, which returns once the process has arrived; does
what must happen at that moment (kill that process's LibreOffice, send Ctrl-C); and closes it
to let the process go on. Removing the FIFO before closing it makes the point hold only once
(a packet made again after its worker died passes). Without the variable a point costs one
look-up in the environment; without the FIFO, one ``stat``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

ENV = "FORMGEN_HOLD"


def point(name: str) -> None:
    """Wait at the point `name` while a holder keeps its FIFO open (see the module's text)."""
    folder = os.environ.get(ENV)
    if not folder:
        return
    fifo = Path(folder) / name
    try:
        if not stat.S_ISFIFO(fifo.stat().st_mode):
            return
    except FileNotFoundError:
        return
    (Path(folder) / f"{name}.pid").write_text(str(os.getpid()), encoding="ascii")
    with fifo.open("rb") as held:  # returns when the holder has opened it for writing
        held.read()  # returns when the holder has closed it
