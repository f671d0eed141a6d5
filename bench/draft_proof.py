"""The proof of `formgen draft` in figures: drafts compared with forms whose places are known.

Two sets: the built-in forms as if newly published (each hand-made blank without its controls,
validations and input styling, compared with the hand-made model's places) and the small forms
of the tests (one per layout). For each form: places expected and drafted, the share found, the
share of drafted fields that are real places, labels and types the same, choices the same; then
what was missed, what was drafted that is no place, and what was typed otherwise.

    .venv/bin/python bench/draft_proof.py [--quiet]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from formgen import api
from formgen.drafting import hand_made
from formgen.drafting.docx_draft import draft
from tests.drafting import small_forms

_HEAD = f"{'form':<30}{'places':>7}{'drafted':>8}{'found':>7}{'real':>7}{'label':>7}{'type':>7}{'choice':>8}"


def _line(name: str, c: hand_made.Comparison) -> str:
    def share(part: int, whole: int) -> str:
        return f"{part / whole:.2f}" if whole else "-"

    return (
        f"{name:<30}{c.expected:>7}{c.drafted:>8}{share(c.found, c.expected):>7}{share(c.real, c.drafted):>7}"
        f"{share(c.same_label, c.found):>7}{share(c.same_type, c.typed):>7}{share(c.same_choices, c.choices):>8}"
    )


def _details(c: hand_made.Comparison) -> None:
    for title, items in (("missed", c.missed), ("not a place", c.extra), ("typed otherwise", c.wrong_type)):
        if items:
            print(f"    {title}: " + "；".join(items))


def _report(title: str, rows: list[tuple[str, hand_made.Comparison]], quiet: bool) -> None:
    print(f"\n{title}\n{_HEAD}")
    for name, comparison in rows:
        print(_line(name, comparison))
        if not quiet:
            _details(comparison)
    print(_line("total", hand_made.total([c for _, c in rows])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="figures only")
    args = parser.parse_args()
    builtin = [
        (form.id, hand_made.compare_form(form, api.render_blank(form.id))) for form in api.registry().forms()
    ]
    _report("Built-in forms as if newly published", builtin, args.quiet)
    small = []
    for make in small_forms.ALL:
        form = make()
        small.append(
            (form.name, hand_made.compare(draft(form.content, f"{form.name}.docx").found, form.expected))
        )
    _report("Small forms, one per layout", small, args.quiet)


if __name__ == "__main__":
    main()
