"""Each small published form goes the whole way: drafted into a package, checked clean, its blank
made (the publisher's document with controls as Word expects, valid OOXML), filled with the
draft's example as Word stores it and read back with the values equal — also after LibreOffice
saved it again — and filled as a PDF whose text holds the values."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from lxml import etree
from openxml_audit import OpenXmlValidator

import formgen
from formgen.document.controls import controls, word_fill
from formgen.pdf.convert import convert_cold
from tests import reading
from tests.drafting import small_forms

NOTICE = "small-forms"
NAMES = [make.__name__ for make in small_forms.ALL]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """All small forms drafted into one package, served through FORMGEN_NOTICES."""
    root = tmp_path_factory.mktemp("drafted")
    files = []
    for make in small_forms.ALL:
        form = make()
        path = root / "published" / f"{form.name}.docx"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(form.content)
        files.append(path)
    folder = root / "package"
    formgen.api.draft(files, folder, notice_id=NOTICE)
    (folder / "published").mkdir()
    for path in files:
        (folder / "published" / path.name).write_bytes(path.read_bytes())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FORMGEN_NOTICES", str(folder))
        formgen.api.registry.cache_clear()
        yield folder
    formgen.api.registry.cache_clear()


def _form_id(package: Path, name: str) -> str:
    """The drafted form whose source is `name`.docx."""
    for spec in (package / "forms").glob("*.yaml"):
        if f"source: {name}.docx" in spec.read_text(encoding="utf-8"):
            return f"{NOTICE}.{spec.stem}"
    raise AssertionError(f"no form drafted from {name}.docx")


def _values(data: Any) -> list[str]:
    """Every leaf value of example data as printed text would show its digits or words."""
    if isinstance(data, dict):
        return [v for value in data.values() for v in _values(value)]
    if isinstance(data, list):
        return [v for value in data for v in _values(value)]
    return [str(data)]


def _findings(content: bytes, path: Path) -> list[str]:
    """What the OOXML validator reports, each finding by its part and kind (counts left out)."""
    path.write_bytes(content)
    found = [str(f) for f in OpenXmlValidator(max_errors=0).validate(str(path)).errors]
    return [re.sub(r"\d+ style\(s\).*", "", f) for f in found if "bbPlcHdr" not in f]


def _new_findings(blank: bytes, published: bytes, tmp_path: Path) -> list[str]:
    """Findings of the blank that the published document does not have already.

    The placeholder gallery's ``bbPlcHdr`` is valid (ECMA-376 §17.12.17) and let through, as
    `tests/document/test_ooxml_valid.py` says; a publisher's own findings (python-docx's
    default template carries a stale stylesWithEffects part) are the publisher's.
    """
    before = set(_findings(published, tmp_path / "published.docx"))
    return [f for f in _findings(blank, tmp_path / "blank.docx") if f not in before]


def test_the_drafted_package_is_clean(package: Path) -> None:
    assert formgen.api.check_package(package) == []
    names = {p.name for p in package.iterdir()}
    assert names >= {"notice.yaml", "forms", "templates", "examples", "draft-report.md", "draft-report.json"}


@pytest.mark.parametrize("name", NAMES)
def test_blank_filled_in_word_reads_back(name: str, package: Path, tmp_path: Path) -> None:
    form_id = _form_id(package, name)
    blank = formgen.render_blank(form_id)
    text = "".join(p.text for p in docx.Document(io.BytesIO(blank)).paragraphs)
    assert "{{" not in text and "{%" not in text
    assert _new_findings(blank, (package / "published" / f"{name}.docx").read_bytes(), tmp_path) == []
    inputs = controls(etree.fromstring(zipfile.ZipFile(io.BytesIO(blank)).read("word/document.xml")))
    assert inputs and all(c.tag and c.alias for c in inputs)
    data = formgen.example_data(form_id)
    filled = tmp_path / "filled.docx"
    filled.write_bytes(word_fill(blank, data))
    expected = formgen.check(form_id, data).instance
    assert expected is not None
    read = formgen.api.read_back(form_id, filled)
    assert formgen.check(form_id, read.data).instance == expected


@pytest.mark.pdf
def test_after_libreoffice_saved_them_and_as_pdf(package: Path, tmp_path: Path) -> None:
    """One LibreOffice call re-saves every Word-filled blank; another prints every filled form."""
    ids = [_form_id(package, name) for name in NAMES]
    word = tmp_path / "word"
    word.mkdir()
    for form_id in ids:
        (word / f"{form_id}.docx").write_bytes(
            word_fill(formgen.render_blank(form_id), formgen.example_data(form_id))
        )
    convert_cold(sorted(word.iterdir()), tmp_path / "lo", to="docx")
    filled = tmp_path / "filled"
    for form_id in ids:
        data = formgen.example_data(form_id)
        resaved = tmp_path / "lo" / f"{form_id}.docx"
        expected = formgen.check(form_id, data).instance
        assert formgen.check(form_id, formgen.api.read_back(form_id, resaved).data).instance == expected, (
            form_id
        )
        formgen.fill(form_id, data, filled)
    convert_cold(sorted(filled.iterdir()), filled)
    for form_id in ids:
        printed = reading.squeeze(reading.pdf_text(filled / f"{form_id}.pdf"))
        for value in _values(formgen.example_data(form_id)):
            assert _shown(value, printed), (form_id, value)


def _shown(value: str, printed: str) -> bool:
    """Whether `printed` shows `value`: a date as 2023年4月14日, a number as the renderer formats
    it (1,000.00, 12.5), text as it is."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        year, month, day = value.split("-")
        return f"{int(year)}年{int(month)}月{int(day)}日" in printed
    plain = printed.replace(",", "")
    if re.fullmatch(r"\d+(\.\d+)?", value):
        number = Decimal(value)
        return any(form in plain for form in (f"{number:.2f}", f"{number.normalize():f}"))
    return reading.squeeze(value) in printed
