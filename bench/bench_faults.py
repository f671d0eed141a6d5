"""Benchmark: a batch with LibreOffice killed at random moments, and the same batch run again.

Prints, from one run: the kills made, the packets made, how many are byte-identical to an
undisturbed run's, and the wall time of running the disturbed batch a second time (every
submitter skipped).

Run: ``.venv/bin/python bench/bench_faults.py --packet sichuan-2023-110.enterprise --n 200 --kills 10``.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
from bench_batch import PACKETS, write_inputs

FORMGEN = str(Path(sys.executable).with_name("formgen"))


def batch(packet_id: str, source: Path, out: Path, kills: int = 0, seed: int = 11) -> tuple[float, int]:
    """Run ``formgen batch``, killing a random LibreOffice of its tree `kills` times; return
    the wall time and the kills made."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [FORMGEN, "batch", packet_id, str(source), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    made = 0
    chooser = random.Random(seed)
    done = threading.Event()

    def kill() -> None:
        nonlocal made
        root = psutil.Process(proc.pid)
        while made < kills and not done.wait(chooser.uniform(0.5, 4.0)):
            try:
                offices = [p for p in root.children(recursive=True) if p.name().startswith("soffice")]
            except psutil.Error:
                return
            if offices:
                try:
                    os.kill(chooser.choice(offices).pid, signal.SIGKILL)
                    made += 1
                except ProcessLookupError:
                    continue

    killer = threading.Thread(target=kill, daemon=True)
    killer.start()
    proc.wait()
    done.set()
    killer.join()
    return time.perf_counter() - start, made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packet", choices=PACKETS, default=PACKETS[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--kills", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as tmp:
        work = Path(tmp)
        source = write_inputs(args.packet, work / "in", args.n)
        calm_s, _ = batch(args.packet, source, work / "calm")
        stormy_s, kills = batch(args.packet, source, work / "stormy", kills=args.kills)
        calm = {p.relative_to(work / "calm"): p.read_bytes() for p in (work / "calm").glob("*/*.pdf")}
        stormy = {p.relative_to(work / "stormy"): p.read_bytes() for p in (work / "stormy").glob("*/*.pdf")}
        identical = sum(stormy.get(name) == data for name, data in calm.items())
        again_s, _ = batch(args.packet, source, work / "stormy")
        report = (work / "stormy" / "batch-report.jsonl").read_text(encoding="utf-8")
        skipped = report.count('"status": "skipped"')
    print(f"{args.packet}  n={args.n}")
    print(f"  undisturbed run  {calm_s:.1f} s, {len(calm)} packets")
    print(
        f"  disturbed run    {stormy_s:.1f} s, LibreOffice killed {kills} times, {len(stormy)} packets made"
    )
    print(f"  identical to the undisturbed run: {identical}/{len(calm)}")
    print(f"  second run of the disturbed batch: {again_s:.1f} s wall, {skipped}/{args.n} skipped")


if __name__ == "__main__":
    main()
