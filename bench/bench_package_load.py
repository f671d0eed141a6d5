"""Benchmark: what a notice package costs each process that serves it, beside an installed notice.

Every command, batch worker and portal process loads the packages named in FORMGEN_NOTICES:
YAML read and checked, templates checked (ZIP limits, tags) and prepared, models compiled.
Printed side by side, medians of `--rounds` in-process loads:

- package: `load_package` of the example package (`examples/packages/demo-2024-7`), and its parts;
- installed: the built-in notices' entry points loaded (`load_registry`), the plain way, in a
  fresh interpreter each round with the engine already imported (a module is imported once
  per process).

Run: ``.venv/bin/python bench/bench_package_load.py [--rounds 20] [--package DIR]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from formgen.data.package_files import read_template, read_yaml
from formgen.document.package_load import load_package
from formgen.document.package_styles import prepare_word
from formgen.document.package_templates import word_tags

ROOT = Path(__file__).resolve().parent.parent
INSTALLED = (
    # The engine imported first, as in a process that loads packages: only the notices' own
    # modules (models, layouts, rules) are timed.
    "import time; import formgen.api; from formgen.model.registry import load_registry; "
    "t = time.perf_counter(); load_registry(); print(time.perf_counter() - t)"
)


def _median(action: object, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--package", type=Path, default=ROOT / "examples" / "packages" / "demo-2024-7")
    args = parser.parse_args()
    folder: Path = args.package
    load_package(folder, trusted=False)  # imports and caches warm
    docx = read_template(folder, "templates/application.docx", "docx")
    rows = [
        ("package: load_package, whole", _median(lambda: load_package(folder, trusted=False), args.rounds)),
        (
            "  YAML read (notice and a form)",
            _median(
                lambda: [read_yaml(folder, "notice.yaml"), read_yaml(folder, "forms/application.yaml")],
                args.rounds,
            ),
        ),
        ("  Word template: tags checked", _median(lambda: word_tags(docx, "application.docx"), args.rounds)),
        ("  Word template: styles added", _median(lambda: prepare_word(docx), args.rounds)),
    ]
    installed = []
    for _ in range(max(3, args.rounds // 4)):
        done = subprocess.run([sys.executable, "-c", INSTALLED], capture_output=True, text=True, check=True)
        installed.append(float(done.stdout))
    rows.append(("installed: load_registry (two Python notices)", statistics.median(installed)))
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
