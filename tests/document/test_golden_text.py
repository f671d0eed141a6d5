"""Golden text: each document's text, as a reader sees it, against a committed copy.

A change in what a form says shows here as a line diff; when the change is meant, refresh
the copies with ``pytest tests/test_golden_text.py --update-golden`` and commit them.
"""

from __future__ import annotations

import difflib
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

import formgen
from tests import reading

GOLDEN = Path(__file__).parent / "golden"


def _text(form_id: str, content: bytes, tmp_path: Path) -> str:
    """The document's text, one paragraph (or table row) a line, without empty lines."""
    if formgen.form(form_id).kind == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        lines = ["\t".join(str(v) for v in row if v is not None) for row in sheet.iter_rows(values_only=True)]
    else:
        path = tmp_path / "doc.docx"
        path.write_bytes(content)
        with zipfile.ZipFile(path) as package:
            assert package.testzip() is None
        lines = reading.docx_text(path).split("\n")
    return "\n".join(line.rstrip() for line in lines if line.strip()) + "\n"


CASES = [(f.id, "blank") for f in formgen.registry().forms()] + [
    (f.id, "filled") for f in formgen.registry().forms()
]


@pytest.mark.parametrize(("form_id", "which"), CASES)
def test_document_text_matches_the_golden_copy(
    form_id: str, which: str, tmp_path: Path, update_golden: bool
) -> None:
    if which == "blank":
        content = formgen.render_blank(form_id)
    else:
        first = formgen.api.form_data(form_id, formgen.example_data(form_id))[0]
        content = formgen.render_filled(form_id, first)
    text = _text(form_id, content, tmp_path)
    golden = GOLDEN / f"{form_id}.{which}.txt"
    if update_golden:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"no golden copy: run pytest {__file__} --update-golden"
    expected = golden.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), "golden", "now"))
    assert text == expected, f"the text changed (refresh with --update-golden if meant):\n{diff[:4000]}"
