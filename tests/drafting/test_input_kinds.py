"""Every kind of file a bureau publishes drafts as its .docx or .xlsx does: .doc, .wps, .rtf,
.odt and .html beside the Word form, .xls and .et beside the Excel table; the package is clean,
and each form fills with its example.

LibreOffice writes the other kinds here from the small forms (the .doc by way of .odt: its
direct .docx → .doc export drops a python-docx table). WPS Office saves .wps and .et in the
Word 97 and Excel 97 formats, so a Word 97 file named .wps and an Excel 97 file named .et
stand for them.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import formgen
from formgen.pdf.convert import convert_cold
from tests import reading
from tests.drafting import small_forms
from tests.packages import write_published_summary

WORD_KINDS = (".doc", ".wps", ".rtf", ".odt", ".html")
EXCEL_KINDS = (".xls", ".et")


def _fields(package: Path, name: str) -> list[tuple[str, str]]:
    spec: Any = yaml.safe_load((package / "forms" / f"{name}.yaml").read_text(encoding="utf-8"))
    if spec["kind"] == "xlsx":
        return [(c["label"], c.get("type", "")) for c in spec["table"]["columns"]]
    return [(f["label"], f["type"]) for f in spec["fields"]]


def _source_names(package: Path) -> dict[str, str]:
    """Form name by the file it was drafted from."""
    names = {}
    for spec in (package / "forms").glob("*.yaml"):
        names[yaml.safe_load(spec.read_text(encoding="utf-8"))["source"]] = spec.stem
    return names


@pytest.mark.pdf
def test_every_kind_drafts_as_its_ooxml_form_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    published = tmp_path / "published"
    published.mkdir()
    form, table = published / "form.docx", published / "table.xlsx"
    form.write_bytes(small_forms.label_beside().content)
    write_published_summary(table)
    made = tmp_path / "made"
    for kind in ("odt", "rtf", "html"):
        convert_cold([form], made, to=kind)
    convert_cold([made / "form.odt"], made, to="doc")
    convert_cold([table], made, to="xls")
    shutil.copy(made / "form.doc", made / "form.wps")
    shutil.copy(made / "table.xls", made / "table.et")

    plain = tmp_path / "plain"
    formgen.api.draft([form, table], plain, notice_id="kinds-plain")
    package = tmp_path / "package"
    files = [made / f"form{kind}" for kind in WORD_KINDS] + [made / f"table{kind}" for kind in EXCEL_KINDS]
    formgen.api.draft(files, package, notice_id="kinds")
    assert formgen.api.check_package(package) == []

    plain_names = _source_names(plain)
    expected = {
        kind: _fields(plain, plain_names[f"{stem}{kind}"])
        for stem, kind in (("form", ".docx"), ("table", ".xlsx"))
    }
    names = _source_names(package)
    for file in files:
        kind = ".docx" if file.suffix in WORD_KINDS else ".xlsx"
        assert _fields(package, names[file.name]) == expected[kind], file.name
    report = (package / "draft-report.md").read_text(encoding="utf-8")
    for file in files:
        assert f"由LibreOffice从{file.suffix}转换" in report

    monkeypatch.setenv("FORMGEN_NOTICES", str(package))
    formgen.api.registry.cache_clear()
    try:
        for file in files:
            form_id = f"kinds.{names[file.name]}"
            filled = formgen.fill(
                form_id, formgen.example_data(form_id), tmp_path / "filled" / file.suffix[1:]
            )
            if file.suffix in WORD_KINDS:
                text = reading.docx_text(filled[0])
                assert "示例单位名称" in text and "91510107MA62L3R5XE" in text, file.name
            else:
                assert "13800138000" in reading.xlsx_text(filled[0]), file.name
    finally:
        formgen.api.registry.cache_clear()
