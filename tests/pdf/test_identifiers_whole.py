"""Identifiers whole: every code, phone number, e-mail address and date of the example data
prints on one line of every filled PDF, never broken inside its table cell.

A reviewer checks a 统一社会信用代码 against a licence character by character; broken as
``91510107MA62L3R5`` / ``XE`` it cannot be read at a glance. The values are found by their
field types (`Identifier` and dates), so a new form or field is checked without naming it.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from pydantic import BaseModel

import formgen
from formgen.document import locale
from formgen.document.fitting import text_width
from formgen.model.fields import Identifier, field_type
from formgen.pdf import convert
from tests import reading

pytestmark = pytest.mark.pdf

FORMS = [f.id for f in formgen.registry().forms()]


def printed_values(instance: BaseModel) -> list[str]:
    """The identifiers and dates of `instance`, nested groups and rows included, as printed."""
    found: list[str] = []
    for name, info in type(instance).model_fields.items():
        value = getattr(instance, name)
        _, metadata = field_type(info)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, BaseModel):
                found += printed_values(item)
            elif isinstance(item, dt.date):
                found += [locale.date(item), locale.date_upper(item)]
            elif item is not None and any(isinstance(m, Identifier) for m in metadata):
                found.append(str(item))
    return found


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path, list[str]]]:
    """Every form filled from its example: the document, its PDF (one LibreOffice call), its values."""
    folder = tmp_path_factory.mktemp("identifiers")
    documents, values = [], []
    for form_id in FORMS:
        instance = formgen.api.form_data(form_id, formgen.example_data(form_id))[0]
        path = folder / f"{form_id}.{formgen.form(form_id).kind}"
        path.write_bytes(formgen.render_filled(form_id, instance))
        documents.append(path)
        values.append(sorted(set(printed_values(instance))))
    pdfs = convert.to_pdf(documents, folder)
    return {f: (d, p, v) for f, d, p, v in zip(FORMS, documents, pdfs, values, strict=True)}


def _lines(pdf: Path) -> list[str]:
    """The PDF's lines as laid out, spaces removed (pdftotext puts one between CJK and digits)."""
    layout = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return [line.replace(" ", "") for line in layout.stdout.splitlines()]


def _times_printed(document: Path, value: str) -> int:
    """How often the document prints `value`: counted in a DOCX's text; a table's value once."""
    if document.suffix == ".xlsx":
        return 1
    return reading.docx_text(document).replace(" ", "").count(value)


@pytest.mark.parametrize("form_id", FORMS)
def test_each_identifier_prints_whole_on_one_line(
    form_id: str, filled: dict[str, tuple[Path, Path, list[str]]]
) -> None:
    document, pdf, values = filled[form_id]
    lines = _lines(pdf)
    broken = []
    for value in values:
        expected = _times_printed(document, value)
        whole = sum(line.count(value) for line in lines)
        if whole < expected:
            broken.append(f"{value}: printed {expected}×, whole on one line {whole}×")
    assert not broken, f"{form_id}: identifiers broken across lines:\n" + "\n".join(broken)


def test_the_examples_hold_long_identifiers(filled: dict[str, tuple[Path, Path, list[str]]]) -> None:
    """The check means something: the examples print codes, a long e-mail address and long dates,
    each too wide for its cell at the table's own size, and so set a size smaller."""
    values = {v for _, _, vs in filled.values() for v in vs}
    assert any(len(v) == 18 and v.startswith("91") for v in values)  # 统一社会信用代码
    emails = [v for v in values if "@" in v]
    assert emails and max(map(len, emails)) >= 30
    assert any(len(v) == 11 and v.endswith("日") for v in values)  # 2014年12月18日
    # At 小四 (12 pt), the longest address would not fit the 64 mm column of 附件3.
    assert text_width(max(emails, key=len), 12) > 64 / 25.4 * 72
