"""Every generated DOCX and XLSX is valid OOXML, and behaves in Word, WPS and Excel as meant.

The validator is openxml-audit: the Open XML SDK's schema data for ECMA-376 transitional
(Office 2019), with Markup Compatibility processing (w14 checkboxes are understood, not
ignored), plus the SDK's semantic checks and the repairs Word and Excel are known to make.
Blank (with and without prompts), filled, and the committed templates themselves are checked.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook
from openxml_audit import OpenXmlValidator, ValidationError

import formgen

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FORMS = [f.id for f in formgen.registry().forms()]
WAYS = ("blank", "blank_no_prompts", "filled", "template")

# Each finding let through, and why. Nothing else is: a new finding fails the test.
ALLOWED = {
    # openxml-audit 0.8 checks every `w:type` against ST_SectionMark (a section break's type).
    # In a building block's `w:docPartPr/w:types` it is ST_DocPartType (ECMA-376 Part 1
    # §17.12.17), where `bbPlcHdr` (a placeholder) is one of the values, as Word writes it.
    "docPartPr[1]/types[1]/type[1]": "bbPlcHdr",
    # openpyxl writes strings inline (`<c t="inlineStr">`, ECMA-376 Part 1 §18.3.1.4): valid,
    # and Excel moves them into a shared-strings table when it next saves. A warning only.
    "Excel_InlineStrCells": "inline-string cell",
}


def _content(form_id: str, way: str) -> bytes:
    if way == "blank":
        return formgen.render_blank(form_id)
    if way == "blank_no_prompts":
        return formgen.render_blank(form_id, prompts=False)
    if way == "template":
        return formgen.form(form_id).template.read_bytes()
    first = formgen.api.form_data(form_id, formgen.example_data(form_id))[0]
    return formgen.render_filled(form_id, first)


def _allowed(finding: ValidationError) -> bool:
    text = f"{finding.id} {finding}"
    return any(where in text and what in text for where, what in ALLOWED.items())


@pytest.fixture(scope="module")
def validator() -> OpenXmlValidator:
    return OpenXmlValidator(max_errors=0)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("form_id", FORMS)
def test_document_is_valid_ooxml(form_id: str, way: str, validator: OpenXmlValidator, tmp_path: Path) -> None:
    path = tmp_path / f"{form_id}.{formgen.form(form_id).kind}"
    path.write_bytes(_content(form_id, way))
    result = validator.validate(str(path))
    findings = [str(f) for f in result.errors if not _allowed(f)]
    assert not findings, "\n".join(findings[:20])


def test_the_allowed_findings_are_the_ones_named(validator: OpenXmlValidator, tmp_path: Path) -> None:
    """The exceptions above still match what the validator reports, so none hides a real error."""
    docx, xlsx = tmp_path / "a.docx", tmp_path / "a.xlsx"
    docx.write_bytes(formgen.render_blank("sichuan-2023-110.annex3"))
    xlsx.write_bytes(formgen.render_blank("sichuan-2023-110.annex2"))
    found = [f for path in (docx, xlsx) for f in validator.validate(str(path)).errors]
    assert all(_allowed(f) for f in found)
    for where, what in ALLOWED.items():
        assert any(where in f"{f.id} {f}" and what in str(f) for f in found), where


def _parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return {name: package.read(name) for name in package.namelist()}


@pytest.mark.parametrize("form_id", [f for f in FORMS if formgen.form(f).kind == "docx"])
def test_no_stale_parts_of_the_default_template(form_id: str) -> None:
    for way in ("blank", "filled", "template"):
        names = set(_parts(_content(form_id, way)))
        assert not {"word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/item1.xml"} & names
        parts = _parts(_content(form_id, way))
        rels = parts["word/_rels/document.xml.rels"].decode()
        assert "stylesWithEffects" not in rels and "customXml" not in rels
        assert (
            b"Macintosh" not in parts["docProps/app.xml"] and b"Normal.dotm" not in parts["docProps/app.xml"]
        )
        assert b'w:eastAsia="ja-JP"' not in parts["word/settings.xml"]


def _controls(document: bytes) -> list[tuple[str | None, str, bool]]:
    """Each control's placeholder name, the text it shows, and whether it shows its prompt."""
    root = etree.fromstring(document)
    found = []
    for sdt in root.iter(W + "sdt"):
        ref = sdt.find(f"{W}sdtPr/{W}placeholder/{W}docPart")
        shown = "".join(sdt.find(W + "sdtContent").itertext())
        prompting = sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None
        found.append((None if ref is None else ref.get(W + "val"), shown, prompting))
    return found


def _blocks(glossary: bytes) -> dict[str, str]:
    """The placeholder gallery's building blocks: name to the text they show."""
    root = etree.fromstring(glossary)
    blocks = {}
    for part in root.iter(W + "docPart"):
        assert part.find(f"{W}docPartPr/{W}category/{W}gallery").get(W + "val") == "placeholder"
        name = part.find(f"{W}docPartPr/{W}name").get(W + "val")
        blocks[name] = "".join(part.find(W + "docPartBody").itertext())
    return blocks


@pytest.mark.parametrize("form_id", [f for f in FORMS if formgen.form(f).kind == "docx"])
def test_an_emptied_control_shows_its_own_prompt(form_id: str) -> None:
    """Every prompting control names a building block of the glossary that shows its prompt."""
    parts = _parts(_content(form_id, "blank"))
    controls = _controls(parts["word/document.xml"])
    prompting = [c for c in controls if c[2]]
    if not prompting:
        assert "word/glossary/document.xml" not in parts
        return
    rels = parts["word/_rels/document.xml.rels"].decode()
    assert 'Target="glossary/document.xml"' in rels
    assert "wordprocessingml.document.glossary+xml" in parts["[Content_Types].xml"].decode()
    blocks = _blocks(parts["word/glossary/document.xml"])
    for name, shown, _ in prompting:
        assert name is not None, shown
        assert blocks[name] == shown
    assert len(blocks) == len({name for name, _, _ in prompting}), "one block a prompt, none unused"
    assert any(text.startswith("请") for text in blocks.values())


def test_a_filled_form_needs_no_placeholders() -> None:
    parts = _parts(_content("sichuan-2023-110.annex3", "filled"))
    assert "word/glossary/document.xml" not in parts
    assert not _controls(parts["word/document.xml"])


@pytest.mark.parametrize("form_id", [f for f in FORMS if formgen.form(f).kind == "xlsx"])
@pytest.mark.parametrize("way", ("blank", "filled", "template"))
def test_helper_sheets_are_very_hidden_and_the_structure_locked(form_id: str, way: str) -> None:
    book = load_workbook(io.BytesIO(_content(form_id, way)))
    states = {sheet.title: sheet.sheet_state for sheet in book.worksheets}
    form_sheet, *helpers = book.worksheets
    assert form_sheet.sheet_state == "visible"
    assert helpers and all(states[h.title] == "veryHidden" for h in helpers), states
    assert "_formgen" in states
    assert book.security is not None and book.security.lockStructure
    # Filling needs no password: neither the workbook nor the form's sheet asks for one.
    assert not book.security.workbookPassword and not book.security.workbookHashValue
    assert not form_sheet.protection.sheet
