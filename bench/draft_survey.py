"""`formgen draft` over a folder of real published forms: none may crash; what it finds.

Each file is drafted on its own, as ``formgen draft FILE --out DIR`` does (binary Word and WPS
files through LibreOffice first). Prints per file the places found, the refusals with their
reasons, and at the end: crashes, places by how they were found, what was left out and why,
seconds per form (drafting alone, and with LibreOffice's conversion). With ``--keep DIR`` the
packages stay in DIR; with ``--render N`` the first N drafted blanks are printed to PNG there
(through LibreOffice and pdftoppm) to look at.

    .venv/bin/python bench/draft_survey.py /work/shared/forms-dev --keep /tmp/survey --render 6
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from formgen import api
from formgen.data.textfile import DataFileError
from formgen.pdf.convert import convert_cold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--keep", type=Path, help="keep the drafted packages (and pictures) here")
    parser.add_argument("--render", type=int, default=0, help="print this many drafted blanks to PNG")
    args = parser.parse_args()
    out = args.keep or Path(tempfile.mkdtemp(prefix="draft-survey-"))
    files = sorted(p for p in args.folder.iterdir() if p.is_file() and p.suffix.lower() != ".md")
    crashes: list[str] = []
    refused: collections.Counter[str] = collections.Counter()
    patterns: collections.Counter[str] = collections.Counter()
    left: collections.Counter[str] = collections.Counter()
    types: collections.Counter[str] = collections.Counter()
    draft_seconds: list[float] = []
    whole_seconds: list[float] = []
    converted = 0
    drafted: list[tuple[str, Path]] = []
    places = 0
    for index, path in enumerate(files, start=1):
        folder = out / f"p{index:03d}"
        started = time.perf_counter()
        try:
            notice = api.draft([path], folder, notice_id=f"survey-{index:03d}")
        except DataFileError as exc:
            refused[str(exc).split(": ", 1)[-1][:90]] += 1
            print(f"{path.name}: refused: {exc}")
            continue
        except Exception:
            crashes.append(path.name)
            print(f"{path.name}: CRASH\n{traceback.format_exc()}")
            continue
        whole_seconds.append(time.perf_counter() - started)
        report = notice.forms[0].report
        draft_seconds.append(report.seconds)
        converted += bool(report.notes)
        found = report.found
        count = len(found.places)
        places += count
        patterns.update(p.pattern for p in found.places)
        types.update(p.type for p in found.places)
        left.update(item.reason.split(" / ")[0] for item in found.left_out)
        drafted.append((f"{notice.id}.{notice.forms[0].name}", folder))
        print(f"{path.name}: {count} places, {len(found.left_out)} left out, {report.seconds:.3f} s")
    print(
        f"\n{len(files)} files: {len(drafted)} drafted, {sum(refused.values())} refused, {len(crashes)} crashed"
    )
    print(
        f"places found: {places} ({places / max(len(drafted), 1):.1f} a form); converted by LibreOffice: {converted}"
    )
    print("by how they were found: " + ", ".join(f"{k} {v}" for k, v in patterns.most_common()))
    print("by type: " + ", ".join(f"{k} {v}" for k, v in types.most_common()))
    print("left out: " + ", ".join(f"{k} {v}" for k, v in left.most_common()))
    for reason, n in refused.most_common():
        print(f"refused ×{n}: {reason}")
    if draft_seconds:
        print(
            f"seconds a form, drafting: median {statistics.median(draft_seconds):.4f}, max {max(draft_seconds):.4f}; "
            f"whole command with package files and any conversion: median {statistics.median(whole_seconds):.3f}, "
            f"max {max(whole_seconds):.3f}"
        )
    if crashes:
        print("crashed: " + ", ".join(crashes))
    if args.render:
        _render(drafted[: args.render], out / "pictures")
    if not args.keep:
        shutil.rmtree(out)


def _render(drafted: list[tuple[str, Path]], pictures: Path) -> None:
    """Each drafted blank as PDF and its first pages as PNG, to look at."""
    pictures.mkdir(parents=True, exist_ok=True)
    blanks = []
    for form_id, folder in drafted:
        os.environ["FORMGEN_NOTICES"] = str(folder)
        api.registry.cache_clear()
        blank = pictures / f"{form_id}.docx"
        blank.write_bytes(api.render_blank(form_id))
        blanks.append(blank)
    for pdf in convert_cold(blanks, pictures):
        subprocess.run(
            ["pdftoppm", "-r", "60", "-l", "2", "-png", str(pdf), str(pdf.with_suffix(""))], check=True
        )
    print(f"pictures: {pictures}")


if __name__ == "__main__":
    main()
