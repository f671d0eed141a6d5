"""Margins of `formgen verify`'s print check: each tampering's figure and clean pages' worst.

For every character OCR reads in place of as many of its kind, the print check has two
figures: the old one, the share of the character's print the scan gets wrong beyond its
neighbours' (`print_check.excess`, differing from 0.05 for a digit, 0.15 for a Chinese
character), and the new one, which of the two characters the scan is nearer when both are
drawn (`print_check.read_instead`, -1 the submitted one, +1 the one read, differing above 0).
This prints both side by side, measured in the same run on the same scans:

for one-stroke changes typed into the provider's packet (术 → 木 in its name, 大 → 太 in its
address, 王 → 玉 in its contact's name) and 附件5's small-print 58,620.40 → 58,820.40, on each
scanning round of tests/paper/test_verify.py (the forged page alone, with the genuine page's
code). Clean pages' figures are what tests/paper/test_verify.py's clean rounds must keep
under both thresholds (docs/verify.md gives them).

Run: ``.venv/bin/python bench/verify_margins.py`` (about ten minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from importlib.resources import as_file
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from formgen import api
from formgen.paper import check, print_check
from formgen.pdf import convert
from tests.paper import scanning
from tests.paper import test_verify as rounds
from tests.pdf_reading import pages

PROVIDER = "sichuan-2023-110.provider"
ENTERPRISE = "sichuan-2023-110.enterprise"
CASES = [
    (PROVIDER, "report.profile.unit_name", "成都蜀安智造技木服务有限公司", 3),
    (PROVIDER, "report.profile.address", "四川省成都市武侯区天府太道北段1700号环球中心E2区18楼", 3),
    (PROVIDER, "report.profile.contact.name", "玉晓雯", 3),
    (ENTERPRISE, "application.revenue_2022", 58820.4, 4),
]

Figure = dict[str, Any]


def _recording(figures: list[Figure]) -> Callable[..., Any]:
    """`print_check.differs`, also noting each suspicion's two figures in `figures`."""
    differs = print_check.differs

    def recorded(*args: Any, **kwargs: Any) -> Any:
        reference, scan, to_scan, box, dpi, glyphs, characters = args
        held = print_check._held(reference, scan, to_scan, box, dpi)
        if held is not None and glyphs is not None and characters is not None:
            needed = print_check.excess_needed(*characters)
            figures.append(
                {
                    "characters": characters,
                    "excess": print_check.excess(held, box, glyphs) if needed is not None else None,
                    "needed": needed,
                    "likeness": print_check.read_instead(held, glyphs, *characters),
                }
            )
        return differs(*args, **kwargs)

    return recorded


def _packet(packet_id: str, folder: Path, change: tuple[str, Any] | None = None) -> Path:
    with as_file(api.registry().packet(packet_id).example) as example:
        data = yaml.safe_load(example.read_text(encoding="utf-8"))
        if change is not None:
            rounds._changed(*change)(data)
        return api.packet(packet_id, data, folder, base_dir=example.parent)


def _row(label: str, figures: list[Figure], wanted: tuple[str, str] | None) -> str:
    chosen = [f for f in figures if wanted is None or f["characters"] == wanted]
    if not chosen:
        return f"{label:<70} not suspected by OCR"
    cells = []
    for f in chosen:
        old = "—" if f["excess"] is None else f"{f['excess']:.3f} (needs {f['needed']})"
        new = "not judged" if f["likeness"] is None else f"{f['likeness']:+.2f} (needs > 0)"
        cells.append(f"{f['characters'][0]}→{f['characters'][1]} old {old}  new {new}")
    return f"{label:<70} " + "; ".join(cells)


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    figures: list[Figure] = []
    print_check.differs = _recording(figures)
    with tempfile.TemporaryDirectory(prefix="formgen-margins-") as work, convert.service():
        folder = Path(work)
        genuine = {p: _packet(p, folder / p) for p in (PROVIDER, ENTERPRISE)}
        print("tampering (one page forged, carrying the genuine page's code)")
        for n, (packet_id, path, value, number) in enumerate(CASES):
            forged = _packet(packet_id, folder / f"forged-{n}", (path, value))
            wanted = next(
                (a, b)
                for a, b in zip(
                    pages(genuine[packet_id])[number - 1].text, pages(forged)[number - 1].text, strict=False
                )
                if a != b
            )
            for name, way in rounds.ROUNDS.items():
                image = scanning.paste_code(
                    rounds.rendered(forged, way.dpi)[number - 1],
                    rounds.rendered(genuine[packet_id], way.dpi)[number - 1],
                    way.dpi,
                )
                if way.sealed:
                    image = scanning.stamp(image, scanning.seal_places(pages(forged)[number - 1]), way.dpi)
                scan = scanning.save_pdf([way.scanner.scan(image, seed=number)], folder / "page.pdf", way.dpi)
                figures.clear()
                check.verify_pages(genuine[packet_id], [scan])
                print(_row(f"  {path}={value} page {number}, {name}", figures, wanted), flush=True)


if __name__ == "__main__":
    main()
