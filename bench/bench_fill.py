"""Benchmark: rendering and PDF conversion of 附件3, the richest form.

Prints, from one run on this machine:
- validate + render of a filled DOCX, seconds per document (in memory);
- LibreOffice: one cold process per file, versus one process converting a batch;
- the ratio between the two conversion ways, which is why `demo` and `fill` convert a
  folder's files in one call.

Run: ``make bench`` (or ``.venv/bin/python bench/bench_fill.py [--docs N] [--batch M]``).
"""

from __future__ import annotations

import argparse
import functools
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import formgen
from formgen.document.package import write_atomic
from formgen.pdf import convert

FORM = "sichuan-2023-110.annex3"


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _validate_and_render(data: object) -> bytes:
    checked = formgen.check(FORM, data)
    assert checked.instance is not None
    return formgen.render_filled(FORM, checked.instance)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=50, help="documents rendered in memory")
    parser.add_argument("--batch", type=int, default=8, help="documents converted to PDF each way")
    args = parser.parse_args()

    data = formgen.example_data(FORM)
    render_times = [_timed(lambda: _validate_and_render(data)) for _ in range(args.docs)]
    render = statistics.median(render_times)
    print(f"validate+render DOCX   {render:.4f} s/doc  (median of {args.docs})")

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        content = _validate_and_render(data)
        docs = []
        for n in range(args.batch):
            path = folder / f"doc{n:03d}.docx"
            write_atomic(path, content)
            docs.append(path)
        cold = [_timed(functools.partial(convert.to_pdf, [d], folder / "cold")) for d in docs]
        batch = _timed(lambda: convert.to_pdf(docs, folder / "batch")) / len(docs)
    cold_median = statistics.median(cold)
    print(f"PDF, cold soffice/file {cold_median:.3f} s/doc  (median of {len(cold)})")
    print(f"PDF, one soffice/batch {batch:.3f} s/doc  (batch of {len(docs)})")
    print(f"batch speed-up         {cold_median / batch:.2f}x")
    print(f"render share of a batched document {render / (render + batch):.1%}")


if __name__ == "__main__":
    main()
