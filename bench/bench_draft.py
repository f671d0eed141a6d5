"""How long `formgen draft` takes a form, beside the plainest way to read the same document.

Drafts each form in memory (read, find places, name them, write the template and the package's
files) and, for comparison, opens the same document with python-docx and walks every paragraph
and cell, which is what any drafting must at least do. The forms: the built-in blanks as if
newly published, the small forms of the tests, and any folder given (``--folder``, .docx and
.xlsx only: LibreOffice's conversion of .doc or .wps is left out, as the issue's budget says).

    .venv/bin/python bench/bench_draft.py [--folder DIR] [--rounds 5]
"""

from __future__ import annotations

import argparse
import functools
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import docx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from formgen import api
from formgen.data import untrusted
from formgen.drafting import docx_draft, hand_made, package_writer, xlsx_draft
from formgen.drafting.notice_draft import draft_notice
from tests.drafting import small_forms


def _forms(folder: Path | None) -> list[tuple[str, str, bytes]]:
    forms: list[tuple[str, str, bytes]] = []
    for form in api.registry().forms():
        blank = api.render_blank(form.id)
        content = hand_made.unpublish_docx(blank) if form.kind == "docx" else hand_made.unpublish_xlsx(blank)
        forms.append((form.id, form.kind, content))
    forms += [(f.name, "docx", f.content) for f in (make() for make in small_forms.ALL)]
    for path in sorted(folder.iterdir()) if folder else []:
        content = path.read_bytes()
        try:
            kind = untrusted.inspect(content, path.name)
        except untrusted.RefusedFileError:
            continue
        if kind in ("docx", "xlsx"):
            forms.append((path.name, kind, content))
    return forms


def _draft(name: str, kind: str, content: bytes) -> None:
    if kind == "docx":
        docx_draft.draft(content, name)
    else:
        xlsx_draft.draft(content, name)


def _asks(name: str, kind: str, content: bytes) -> bool:
    return kind == "xlsx" or bool(docx_draft.draft(content, name).found.places)


def _plain(name: str, kind: str, content: bytes) -> None:
    """python-docx opening the document and reading every paragraph and cell's text."""
    if kind != "docx":
        from openpyxl import load_workbook

        list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))
        return
    document = docx.Document(io.BytesIO(content))
    _ = [p.text for p in document.paragraphs]
    _ = [c.text for t in document.tables for r in t.rows for c in r.cells]


def _time(action: Callable[[], None], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, help="published forms to time as well")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    forms = _forms(args.folder)
    drafted, plain = [], []
    for name, kind, content in forms:
        drafted.append(_time(functools.partial(_draft, name, kind, content), args.rounds))
        plain.append(_time(functools.partial(_plain, name, kind, content), args.rounds))
    print(f"{len(forms)} forms, median of {args.rounds} rounds each, seconds per form")
    print(f"{'way':<44}{'median':>9}{'p95':>9}{'max':>9}")
    for way, times in (
        ("formgen draft (places, names, template)", drafted),
        ("python-docx open + read all text", plain),
    ):
        ordered = sorted(times)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        print(f"{way:<44}{statistics.median(times):>9.4f}{p95:>9.4f}{max(times):>9.4f}")
    slowest = max(zip(drafted, (f[0] for f in forms), strict=True))
    print(f"slowest draft: {slowest[1]} {slowest[0]:.4f} s (budget 2 s)")
    # The whole command over the built-in blanks that ask something (not the notices themselves,
    # which a draft refuses: nothing to fill), package files included.
    asking = [f for f in forms[: len(list(api.registry().forms()))] if _asks(*f)]
    builtin = len(asking)
    with tempfile.TemporaryDirectory() as work:
        paths = []
        for name, kind, content in asking:
            path = Path(work) / f"{name}.{kind}"
            path.write_bytes(content)
            paths.append(path)
        started = time.perf_counter()
        package_writer.contents(draft_notice(paths, "bench"))
        whole = time.perf_counter() - started
    print(
        f"whole package of the {builtin} built-in forms (read, draft, YAML, examples, report): "
        f"{whole:.3f} s, {whole / builtin:.4f} s per form"
    )


if __name__ == "__main__":
    main()
