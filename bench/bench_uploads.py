"""Benchmark: the memory and time the worst accepted upload costs the portal's process.

Each case runs in a fresh child process, which reports its resident memory before the work,
its peak during it (VmHWM, the kernel's exact high-water mark, reset as the work starts:
no sampling), its memory after (psutil, once the work's objects are gone) and after the same
work a second time (``again``: what stays is caches and warm state, and does not grow), and
the first run's wall time:

- ``formgen``: what the portal does with an upload, `rebuild_scan` (decoded under the pixel
  limit frame by frame, shrunk to A4 at 300 dpi, encoded again), then the preview of a
  packet holding it (``api.packet`` through one warm LibreOffice, whose own process is not
  the portal's memory);
- ``plain``: the plain way, Pillow opening and loading the picture whole and saving it
  again as it is (what a pass-through check that decodes would cost), with no pixel limit.

The cases are the largest files the limits accept: a 40-million-pixel RGBA PNG and CMYK
JPEG, a multi-page TIFF up to the limit of all pages together, a 500-page PDF.

Run: ``.venv/bin/python bench/bench_uploads.py`` (``--no-packet`` for the rebuild alone).
"""

from __future__ import annotations

import argparse
import gc
import io
import multiprocessing
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil
from PIL import Image

SIDE = 6324
"""6324 × 6324 is 39.99 million pixels, just under `Limits.pixels`."""


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (SIDE, SIDE), (200, 30, 90, 128)).save(out, "PNG", compress_level=9)
    return out.getvalue()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("CMYK", (SIDE, SIDE), (10, 80, 30, 5)).save(out, "JPEG", quality=50)
    return out.getvalue()


def _tiff() -> bytes:
    out = io.BytesIO()
    page = Image.new("1", (SIDE, SIDE), 1)
    page.save(out, "TIFF", save_all=True, append_images=[page] * 6, compression="group4")
    return out.getvalue()


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(500):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "RGBA PNG 6324×6324": ("scan.png", _png),
    "CMYK JPEG 6324×6324": ("scan.jpg", _jpeg),
    "TIFF 7 pages 6324×6324": ("scan.tif", _tiff),
    "PDF 500 pages": ("scan.pdf", _pdf),
}


def _formgen(name: str, content: bytes, packet: bool) -> None:
    from formgen import api
    from formgen.pdf import convert
    from formgen.pdf.rebuild import rebuild_scan

    rebuilt = rebuild_scan(content, name)
    if not packet:
        return
    data = api.example_data("sichuan-2023-110.provider")
    with tempfile.TemporaryDirectory(prefix="bench-uploads-") as tmp, convert.service(1, compress=False):
        folder = Path(tmp)
        (folder / name).write_bytes(rebuilt.content)
        data["attachments"] = [{"title": "营业执照", "file": name}]
        api.packet("sichuan-2023-110.provider", data, folder, base_dir=folder)


def _plain(name: str, content: bytes, _packet: bool) -> None:
    if name.endswith(".pdf"):
        from pypdf import PdfReader, PdfWriter

        PdfWriter(clone_from=PdfReader(io.BytesIO(content))).write(io.BytesIO())
        return
    Image.MAX_IMAGE_PIXELS = None
    with Image.open(io.BytesIO(content)) as image:
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            image.load()
            image.save(io.BytesIO(), "TIFF" if image.format == "TIFF" else image.format or "PNG")


def _high_water() -> int:
    """The process's peak resident memory since the last reset (VmHWM), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _child(way: str, path: Path, packet: bool, results: multiprocessing.Queue[tuple[float, ...]]) -> None:
    import formgen.api  # imported before the measure, for both ways alike
    import formgen.pdf.rebuild  # noqa: F401

    content = path.read_bytes()
    gc.collect()
    process = psutil.Process()
    before = process.memory_info().rss
    Path("/proc/self/clear_refs").write_text("5")  # the kernel's high-water mark starts again here
    start = time.perf_counter()
    (_formgen if way == "formgen" else _plain)(path.name, content, packet)
    wall = time.perf_counter() - start
    gc.collect()
    after = process.memory_info().rss
    peak = _high_water()
    # The same work again: what stays after the first (caches, warm state) must not grow.
    (_formgen if way == "formgen" else _plain)(path.name, content, packet)
    gc.collect()
    again = process.memory_info().rss
    results.put((before / 2**20, peak / 2**20, after / 2**20, again / 2**20, wall, len(content) / 2**20))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-packet", action="store_true", help="measure the rebuild alone")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    print(
        f"{'case':<24} {'way':<8} {'file MB':>8} {'before':>7} {'peak':>7} {'rise':>7} {'after':>7}"
        f" {'again':>7} {'s':>6}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-uploads-") as tmp:
        for case, (name, make) in CASES.items():
            path = Path(tmp) / name
            path.write_bytes(make())
            for way in ("formgen", "plain"):
                results: multiprocessing.Queue[tuple[float, ...]] = context.Queue()
                child = context.Process(target=_child, args=(way, path, not args.no_packet, results))
                child.start()
                before, peak, after, again, wall, size = results.get()
                child.join()
                print(
                    f"{case:<24} {way:<8} {size:>8.1f} {before:>6.0f}M {peak:>6.0f}M {peak - before:>6.0f}M"
                    f" {after:>6.0f}M {again:>6.0f}M {wall:>6.2f}"
                )


if __name__ == "__main__":
    main()
