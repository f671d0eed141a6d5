"""Benchmark: a bureau's intake of N applicants with `formgen collect`, wall time and memory.

Half the applicants are service providers (附件3 filled as Word stores it, one in ten
re-saved by LibreOffice), half enterprises (附件5 row). The bureau's side spreadsheet is
filled in. `formgen collect` runs three times under GNU time: first from nothing, again
with nothing changed, and once more after one provider sent a corrected file (its file read
and its report converted again; the packet bound again). Prints each run's wall time, peak
resident memory (of the largest process: formgen, or a LibreOffice worker), applicants
taken, and each run's ratio to the first.

Run: ``make bench`` (or ``.venv/bin/python bench/bench_collect.py [--applicants N] [--keep DIR]``).
"""

from __future__ import annotations

import argparse
import copy
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

import formgen
from formgen.data import paths
from formgen.document.controls import word_fill
from formgen.model.checks import uscc_check_character
from formgen.pdf.convert import convert_cold
from formgen.workflows import intake, supplement

PACKET = "sichuan-2023-110.city"


def write_folder(folder: Path, out: Path, count: int) -> None:
    """N applicants' files in `folder`, and the bureau's side spreadsheet in `out`."""
    city = formgen.example_data(PACKET)
    folder.mkdir(parents=True)
    (folder / intake.BUREAU_FILE).write_text(
        yaml.safe_dump({"bureau": city["bureau"]}, allow_unicode=True), encoding="utf-8"
    )
    blank = formgen.render_blank("sichuan-2023-110.annex3")
    fields = intake.side_fields(intake.slots(formgen.registry().packet(PACKET)))
    side: dict[str, dict[str, Any]] = {}
    resave = []
    for n in range(count):
        name = f"{n:03d}"
        (folder / name).mkdir()
        if n % 2 == 0:
            provider = copy.deepcopy(city["providers"][0])
            body = f"91510107MA{n:04d}R5X"
            provider["profile"].update(
                unit_name=f"第{n}号服务商有限公司", credit_code=body + uscc_check_character(body)
            )
            path = folder / name / "附件3.docx"
            path.write_bytes(word_fill(blank, provider))
            if n % 20 == 0:
                resave.append(path)
            side[name] = {
                key: value
                for key, _, _ in fields
                if (value := paths.value_at(provider, key.split(":", 1)[1])) is not None
            }
        else:
            row = copy.deepcopy(city["enterprises"][0])
            body = f"91510600MA{n:04d}K3X"
            row.update(unit_name=f"第{n}号企业有限公司", credit_code=body + uscc_check_character(body))
            (path,) = formgen.fill("sichuan-2023-110.annex5", {"rows": [row]}, folder / name)
            path.rename(folder / name / "附件5.xlsx")
    for source in resave:  # one at a time: LibreOffice names its output by the source's stem
        with tempfile.TemporaryDirectory() as work:
            (made,) = convert_cold([source], Path(work), to="docx")
            shutil.move(str(made), str(source))
    supplement.write(out, fields, side)


def _timed(command: list[str]) -> tuple[float, float, str]:
    """Run `command` under GNU time: wall seconds, peak RSS in MB, its last output line."""
    result = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    assert wall and rss, result.stderr[-2000:]
    hours, minutes, seconds = (float(g) if g else 0.0 for g in wall.groups())
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    return hours * 3600 + minutes * 60 + seconds, int(rss.group(1)) / 1024, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applicants", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="write the folder here and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-collect-"))
    folder, out = work / "applicants", work / "bureau"
    write_folder(folder, out, args.applicants)
    formgen_command = str(Path(sys.executable).with_name("formgen"))
    command = [formgen_command, "collect", PACKET, str(folder), "--out", str(out)]
    print(f"command: /usr/bin/time -v {' '.join(command)}")
    runs = {"first (reads every file)": _timed(command), "again, nothing changed": _timed(command)}
    provider = copy.deepcopy(formgen.example_data(PACKET)["providers"][0])
    body = "91510107MA0000R5X"
    provider["profile"].update(
        unit_name="第0号服务商有限公司（更正）", credit_code=body + uscc_check_character(body)
    )
    blank = formgen.render_blank("sichuan-2023-110.annex3")
    (folder / "000" / "附件3.docx").write_bytes(word_fill(blank, provider))
    runs["one applicant corrected"] = _timed(command)
    first = runs["first (reads every file)"][0]
    print(f"{'run':<28} {'wall s':>8} {'peak MB':>8} {'ratio':>6}  result")
    for label, (wall, peak, result) in runs.items():
        print(f"{label:<28} {wall:>8.1f} {peak:>8.0f} {wall / first:>6.2f}  {result}")
    print(f"first run per applicant: {first / args.applicants:.2f} s")
    if args.keep is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
