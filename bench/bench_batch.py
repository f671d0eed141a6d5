"""Benchmark: a batch of enterprise packets, with one and with two LibreOffice workers.

Prints, from one run: seconds per packet for each worker count (service start-up included,
as a user of `formgen batch` pays it), and the ratio between them.

Run: ``make bench`` (or ``.venv/bin/python bench/bench_batch.py [--packets N]``).
"""

from __future__ import annotations

import argparse
import copy
import tempfile
import time
from pathlib import Path

import yaml

import formgen
from formgen.model.checks import uscc_check_character
from formgen.workflows import batch

PACKET = "sichuan-2023-110.enterprise"


def _write_inputs(folder: Path, count: int) -> None:
    example = formgen.example_data(PACKET)
    for n in range(count):
        data = copy.deepcopy(example)
        body = f"91510600MA{n:04d}K3X"[:17]
        data["application"].update(
            unit_name=f"第{n + 1}号测试企业", credit_code=body + uscc_check_character(body)
        )
        (folder / f"{n:04d}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packets", type=int, default=6, help="submitters in the batch")
    args = parser.parse_args()
    timings: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "in"
        source.mkdir()
        _write_inputs(source, args.packets)
        for workers in (1, 2):
            start = time.perf_counter()
            outcomes = batch.run(PACKET, source, Path(work) / f"out{workers}", workers=workers)
            timings[workers] = (time.perf_counter() - start) / len(outcomes)
            made = sum(o.status == "ok" for o in outcomes)
            print(f"workers={workers}  {timings[workers]:.3f} s/packet  ({made}/{len(outcomes)} made)")
    print(f"two workers vs one   {timings[1] / timings[2]:.2f}x")


if __name__ == "__main__":
    main()
