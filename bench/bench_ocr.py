"""Benchmark: which OCR reads formgen's printed pages best, as a bureau's scanner sees them.

Renders the pages of the three applicants' example packets (provider, enterprise, platform)
with pdftoppm, makes each scan condition of them (150 and 300 dpi, turned 2°, JPEG at
quality 60) and reads them with RapidOCR (PP-OCRv4 models inside its wheel, onnxruntime) and
with Tesseract 5 (Debian's chi_sim, through its command line). For each engine and condition
it prints, against the page's own text (whitespace left out): "ordered", 1 − edit distance /
length, which also counts a table read in another order than pdftotext's; "found", the share
of the page's characters the engine read (in any order); "right", the share of what it read
that is on the page; then seconds a page, and the engine process's peak memory. RapidOCR runs
as formgen configures it (`formgen.paper.ocr`).

Each engine runs in a child process of its own, so its peak RSS is its own.

Run: ``.venv/bin/python bench/bench_ocr.py`` (about 3 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from importlib.resources import as_file
from pathlib import Path

from PIL import Image
from rapidfuzz.distance import Levenshtein

from formgen import api
from formgen.pdf import convert

PACKETS = ("sichuan-2023-110.provider", "sichuan-2023-110.enterprise", "chongqing-2023-1.platform")
CONDITIONS = ("150 dpi", "300 dpi", "150 dpi, turned 2°", "150 dpi, JPEG q60")


def _squash(text: str) -> str:
    return "".join(text.split())


def _scan(path: Path, condition: str) -> Image.Image:
    image = Image.open(path).convert("L")
    if "300" not in condition:
        image = image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)
    if "turned" in condition:
        image = image.rotate(2, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    if "JPEG" in condition:
        data = io.BytesIO()
        image.save(data, "JPEG", quality=60)
        image = Image.open(io.BytesIO(data.getvalue()))
    return image


def _child(engine: str, manifest: Path) -> None:
    """Read every page of `manifest` with `engine`; print one JSON line of results."""
    pages = json.loads(manifest.read_text(encoding="utf-8"))
    if engine == "rapidocr":
        from formgen.paper import ocr

        def read(image: Image.Image) -> str:
            return "".join(line.text for line in ocr.read(image))
    else:

        def read(image: Image.Image) -> str:
            with tempfile.NamedTemporaryFile(suffix=".png") as file:
                image.save(file.name)
                done = subprocess.run(
                    ["tesseract", file.name, "-", "-l", "chi_sim", "--psm", "3"],
                    capture_output=True,
                    text=True,
                    check=True,
                )
            return done.stdout

    results: dict[str, list[float]] = {}
    for condition in CONDITIONS:
        errors = length = found = read_total = 0
        started = time.perf_counter()
        for page in pages:
            text = _squash(read(_scan(Path(page["png"]), condition)))
            known = _squash(page["text"])
            errors += Levenshtein.distance(text, known)
            length += len(known)
            found += sum((Counter(text) & Counter(known)).values())
            read_total += len(text)
        seconds = (time.perf_counter() - started) / len(pages)
        results[condition] = [1 - errors / length, found / length, found / max(read_total, 1), seconds]
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    print(json.dumps({"results": results, "peak_mb": peak / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", choices=("rapidocr", "tesseract"))
    parser.add_argument("--manifest", type=Path)
    parser.add_argument("--pages", type=int, default=12, help="pages to read, spread over the packets")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.manifest)
        return
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        work = Path(tmp)
        pages: list[dict[str, str]] = []
        with convert.service(1):
            for packet_id in PACKETS:
                with as_file(api.registry().packet(packet_id).example) as example:
                    pdf = api.packet(packet_id, example, work / packet_id, codes=False)
                subprocess.run(
                    ["pdftoppm", "-r", "300", "-gray", "-png", pdf, work / packet_id / "p"], check=True
                )
                for png in sorted((work / packet_id).glob("p-*.png")):
                    n = int(png.stem.split("-")[1])
                    text = subprocess.run(
                        ["pdftotext", "-f", str(n), "-l", str(n), pdf, "-"], capture_output=True, text=True
                    ).stdout
                    if len(_squash(text)) > 40:
                        pages.append({"png": str(png), "text": text})
        step = max(1, len(pages) // args.pages)
        chosen = pages[::step][: args.pages]
        manifest = work / "pages.json"
        manifest.write_text(json.dumps(chosen, ensure_ascii=False), encoding="utf-8")
        chars = sum(len(_squash(p["text"])) for p in chosen)
        print(f"{len(chosen)} pages, {chars} characters of known text; one child process per engine\n")
        print(
            f"{'engine':<10} {'condition':<20} {'ordered':>8} {'found':>6} {'right':>6} {'s/page':>7} {'peak MB':>8}"
        )
        for engine in ("rapidocr", "tesseract"):
            done = subprocess.run(
                [sys.executable, __file__, "--child", engine, "--manifest", str(manifest)],
                capture_output=True,
                text=True,
                check=True,
            )
            report = json.loads(done.stdout.strip().splitlines()[-1])
            for condition, (accuracy, seconds) in report["results"].items():
                print(
                    f"{engine:<10} {condition:<20} {accuracy:>9.3f} {seconds:>7.2f} {report['peak_mb']:>8.0f}"
                )


if __name__ == "__main__":
    main()
