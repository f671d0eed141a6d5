"""Benchmark: `formgen verify` on a 40-page scan, side by side with OCR alone.

Makes the provider's example packet (11 pages, with page codes), scans it four times over in
the ways a bureau's scanner does (colour and grey, 150 and 200 dpi, turned ±2°, JPEG q60) and
hands the first 40 scanned pages to `formgen.verify` in one call, in a child process of its
own so its peak memory (RSS) is its own. The plain way is the same 40 pictures read by the
same OCR engine alone, nothing compared, in another child: the floor under formgen's own work
(codes, turning pages upright, the comparison, seals, the report); and the same pictures read
by Tesseract 5 (Debian's chi_sim), the lighter engine RapidOCR was chosen over. CPU seconds
are printed beside wall seconds, as a loaded machine inflates the latter. Peak memory is the
child's VmHWM (the most it ever held resident), or its own children's when larger. "differ" is
the scanned pages verify found to differ from the packet: none should, the scans being of the
packet as made.

With ``--old REV`` the verify of another revision (its ``formgen`` package from git, put first
on the child's path) runs in the same invocation, so a change is measured against what it
replaces on the same machine at the same time.

The scan repeats the packet, so the verdict is "extra pages": only the figures matter here.

``--packet`` benches another example packet, ``--only`` some of its pages: the city bureau's
sideways tables, which have no page codes, are placed by their text and read turned back
(``--packet sichuan-2023-110.city --only 2,3``).

Run: ``.venv/bin/python bench/bench_verify.py [--old main] [--packet ID] [--only 2,3]`` (a few
minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from importlib.resources import as_file
from pathlib import Path

from PIL import Image

PAGES = 40


def _scans(pdf: Path, folder: Path, only: set[int]) -> list[Path]:
    """The packet's pages (those in `only`, when given) scanned four ways, the first `PAGES`."""
    ways = [(150, False, 1.5), (150, True, -2.0), (200, False, -1.0), (200, True, 2.0)]
    paths: list[Path] = []
    for round_, (dpi, grey, angle) in enumerate(ways):
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", pdf, folder / f"r{round_}"], check=True)
        for png in sorted(folder.glob(f"r{round_}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            if only and int(png.stem.rsplit("-", 1)[1]) not in only:
                continue
            image = Image.open(png).convert("L" if grey else "RGB")
            image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=60)
            target = png.with_suffix(".jpg")
            target.write_bytes(out.getvalue())
            paths.append(target)
    return paths[:PAGES]


def _child(mode: str, pdf: Path, scans: list[Path]) -> None:
    started = time.perf_counter()
    differs: int | str = "-"
    if mode == "verify":
        import formgen

        with tempfile.TemporaryDirectory() as out:
            report = formgen.verify(pdf, scans, Path(out))
        pages = len([p for p in report.pages if p.scan is not None])
        differs = len([p for p in report.pages if "content-differs" in p.findings])
    elif mode == "tesseract":
        for path in scans:
            subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim"], capture_output=True, check=True)
        pages = len(scans)
    else:
        from formgen.paper import ocr

        for path in scans:
            with Image.open(path) as image:
                ocr.read(image.convert("RGB"))
        pages = len(scans)
    seconds = time.perf_counter() - started
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    peak = max(_vm_hwm_kb(), children.ru_maxrss) / 1024
    print(json.dumps({"pages": pages, "seconds": seconds, "cpu": cpu, "peak_mb": peak, "differs": differs}))


def _vm_hwm_kb() -> int:
    """This process's peak resident memory in KB, as the kernel counts it."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _old_formgen(revision: str, folder: Path) -> Path:
    """The `formgen` package of git `revision`, unpacked under `folder` (to put on a path)."""
    root = Path(__file__).resolve().parent.parent
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", revision, "formgen"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", choices=("verify", "ocr", "tesseract"))
    parser.add_argument("--pdf", type=Path)
    parser.add_argument("--old", metavar="REV", help="also run verify as of git revision REV")
    parser.add_argument("--packet", default="sichuan-2023-110.provider", help="the example packet scanned")
    parser.add_argument("--only", default="", help="its pages scanned, as 2,3 (all when not given)")
    parser.add_argument("scans", nargs="*", type=Path)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.pdf, args.scans)
        return
    from formgen import api

    packet_id = args.packet
    only = {int(n) for n in args.only.split(",") if n}
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as tmp:
        work = Path(tmp)
        with as_file(api.registry().packet(packet_id).example) as example:
            pdf = api.packet(packet_id, example, work / "packet")
        scans = _scans(pdf, work, only)
        pages = f" (pages {args.only})" if only else ""
        print(
            f"{len(scans)} scanned pages of {packet_id}{pages} (JPEG q60; colour and grey; 150 and 200 dpi)\n"
        )
        print(f"{'way':<34} {'s/page':>7} {'CPU s/page':>10} {'total s':>8} {'peak MB':>8} {'differ':>6}")
        ways: list[tuple[str, str, Path | None]] = [
            ("tesseract", "OCR alone (Tesseract chi_sim)", None),
            ("ocr", "OCR alone (RapidOCR, no compare)", None),
        ]
        if args.old:
            old = _old_formgen(args.old, Path(tempfile.mkdtemp(dir=work)))
            ways.append(("verify", f"formgen verify ({args.old})", old))
        ways.append(("verify", "formgen verify (this tree)", None))
        for mode, label, path in ways:
            env = dict(os.environ)
            if path is not None:
                env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(path), env.get("PYTHONPATH")]))
            done = subprocess.run(
                [sys.executable, __file__, "--child", mode, "--pdf", str(pdf), *map(str, scans)],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{label:<34} {figures['seconds'] / figures['pages']:>7.2f} "
                f"{figures['cpu'] / figures['pages']:>10.2f} {figures['seconds']:>8.1f} {figures['peak_mb']:>8.0f} "
                f"{figures['differs']:>6}"
            )


if __name__ == "__main__":
    main()
