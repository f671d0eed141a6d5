"""Benchmark: where one packet's time goes, on one warm worker.

Makes N packets of one packet id (its example, the same data each time) through the API with
one warm LibreOffice, after one packet to warm up, and prints per packet: the wall time, the
CPU time of formgen's Python (rendering, validation, assembly) and the time spent waiting for
LibreOffice. With ``--profile``, the Python side's profile (cProfile, by cumulative time;
the profiler itself slows Python about threefold).

Run: ``.venv/bin/python bench/bench_packet.py --packet sichuan-2023-110.provider --n 10``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any

import formgen
from formgen import api
from formgen.pdf import convert

PACKETS = ("sichuan-2023-110.enterprise", "sichuan-2023-110.provider", "chongqing-2023-1.platform")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packet", choices=PACKETS, default=PACKETS[0])
    parser.add_argument("--n", type=int, default=10, help="packets to make")
    parser.add_argument("--profile", action="store_true", help="print the Python side's profile")
    args = parser.parse_args()
    data = formgen.example_data(args.packet)
    with (
        tempfile.TemporaryDirectory(prefix="bench-packet-") as tmp,
        convert.service(1, compress=False) as converter,
    ):
        out = Path(tmp)
        api.write_example(args.packet, out)
        if isinstance(converter, convert.Converter):
            converter.warm()

        def make(n: int) -> None:
            checked = api.check(args.packet, data)
            assert checked.instance is not None, checked.problems
            api.packet(args.packet, checked.instance, out / f"p{n}", base_dir=out)

        make(-1)
        waited = [0.0]
        original = convert.Worker.convert

        def timed(self: convert.Worker, *a: Any, **k: Any) -> None:
            start = time.perf_counter()
            try:
                original(self, *a, **k)
            finally:
                waited[0] += time.perf_counter() - start

        convert.Worker.convert = timed  # type: ignore[method-assign]
        profile = cProfile.Profile() if args.profile else None
        start, cpu = time.perf_counter(), time.process_time()
        if profile is not None:
            profile.enable()
        for n in range(args.n):
            make(n)
        if profile is not None:
            profile.disable()
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        convert.Worker.convert = original  # type: ignore[method-assign]
    n = args.n
    print(f"{args.packet}: {n} packets on one warm worker")
    print(
        f"  wall {wall / n:.3f} s/packet = formgen's Python {cpu / n:.3f} s CPU + LibreOffice {waited[0] / n:.3f} s"
    )
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
