"""Benchmark: the ways formgen can have LibreOffice convert documents, measured in one run.

This is the measurement that chose `formgen.pdf.convert`'s design: a one-off call converts cold,
while packets, batches and the demo go through warm workers (`convert.Converter`). Prints
seconds per document for each way and the ratios between them:

1. cold ``soffice --convert-to pdf``, one process per file;
2. one cold process converting the whole batch in one call;
3. two such processes in parallel, each with its own profile, half the batch each;
4. warm workers (LibreOffice + UNO bridge, documents loaded hidden), 1 and 2 of them, after
   start-up, which is reported on its own;
5. a whole packet (``sichuan-2023-110.city``) end to end through the warm service.

Run: ``.venv/bin/python bench/bench_convert.py [--docs N]`` (default 12 documents: the filled
附件3 of the example provider, 9 pages of CJK text and tables).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import formgen
from formgen import api
from formgen.pdf import convert

FORM = "sichuan-2023-110.annex3"
PACKET = "sichuan-2023-110.city"


def _copies(folder: Path, count: int) -> list[Path]:
    checked = formgen.check(FORM, formgen.example_data(FORM))
    assert checked.instance is not None
    data = formgen.render_filled(FORM, checked.instance)
    paths = []
    for n in range(count):
        path = folder / f"doc{n:03d}.docx"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _timed(action: object) -> float:
    assert callable(action)
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=12, help="documents per way (default 12)")
    args = parser.parse_args()
    count = max(2, args.docs)
    with tempfile.TemporaryDirectory(prefix="formgen-bench-") as work:
        root = Path(work)
        sources = _copies(root, count)
        figures: dict[str, float] = {}

        cold = [_timed(lambda s=s: convert.convert_cold([s], root / "cold")) for s in sources[:3]]
        figures["cold, one process per file"] = statistics.median(cold)

        figures["one process, whole batch"] = (
            _timed(lambda: convert.convert_cold(sources, root / "batch")) / count
        )

        halves = [sources[: count // 2], sources[count // 2 :]]
        threads = [
            threading.Thread(target=convert.convert_cold, args=(half, root / f"par{n}"))
            for n, half in enumerate(halves)
        ]

        def parallel() -> None:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        figures["two processes in parallel, own profiles"] = _timed(parallel) / count

        for workers in (1, 2):
            with convert.Converter(workers) as converter:
                pairs = [(s, root / f"warm{workers}" / f"{s.stem}.pdf") for s in sources]
                (root / f"warm{workers}").mkdir()
                first = pairs[:workers]  # one job for each worker starts them all
                start_up = _timed(lambda c=converter, p=first: c.convert_many(p))
                per_doc = _timed(lambda c=converter, p=pairs: c.convert_many(p)) / count
            figures[f"warm workers x{workers} (after start-up)"] = per_doc
            figures[f"warm workers x{workers}: start-up and first document"] = start_up

        with convert.service():
            data = formgen.example_data(PACKET)
            packet_s = _timed(lambda: api.packet(PACKET, data, root / "packet", base_dir=root))
        figures[f"whole packet {PACKET} (warm service, incl. start-up), s"] = packet_s

    width = max(len(name) for name in figures)
    print(f"LibreOffice conversion of {FORM} ({count} documents), seconds per document:")
    for name, value in figures.items():
        print(f"  {name:<{width}}  {value:6.3f}")
    base = figures["cold, one process per file"]
    batch = figures["one process, whole batch"]
    print("Ratios:")
    for name in (
        "one process, whole batch",
        "two processes in parallel, own profiles",
        "warm workers x1 (after start-up)",
        "warm workers x2 (after start-up)",
    ):
        value = figures[name]
        print(
            f"  {name:<{width}}  {base / value:5.1f}x faster than cold, {batch / value:4.2f}x the batch call"
        )


if __name__ == "__main__":
    main()
