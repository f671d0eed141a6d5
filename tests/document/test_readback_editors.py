"""Forms that went through other editors read back to the same data.

The files are really re-saved by the LibreOffice that set-up installs (DOCX→DOCX,
XLSX→XLSX): LibreOffice 7.4 drops every tag, wraps checkboxes, splits text controls and
moves a block control's later paragraphs out of it. Filled as Word stores it first: ticks,
a date picker, controls left empty, a case added with Word's "insert row", and text pasted
with its formatting (runs of another font, bold).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import formgen
from formgen.document.controls import W, word_fill
from formgen.pdf.convert import convert_cold
from tests.conftest import example_data

FORMS = ("sichuan-2023-110.annex3", "chongqing-2023-1.annex2")


def _paste_formatted(docx: bytes, alias: str, pieces: list[tuple[str, str]]) -> bytes:
    """Put `pieces` (text, run properties) into the first control named `alias`, as a paste does."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    root = etree.fromstring(source.read("word/document.xml"))
    sdt = next(s for s in root.iter(W + "sdt") if s.find(f"{W}sdtPr/{W}alias").get(W + "val") == alias)
    content = sdt.find(W + "sdtContent")
    for run in list(content):
        content.remove(run)
    for text, props in pieces:
        content.append(
            etree.fromstring(
                f'<w:r xmlns:w="{W[1:-1]}"><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'
            )
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, etree.tostring(root) if name == "word/document.xml" else source.read(name))
    return out.getvalue()


PASTED = [
    ("成都蜀安", '<w:rFonts w:ascii="Arial" w:eastAsia="微软雅黑"/><w:b/>'),
    ("智造技术服务", '<w:i/><w:color w:val="C00000"/>'),
    ("有限公司", '<w:sz w:val="28"/>'),
]


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path, dict[str, Any]]]:
    """Each form filled as Word stores it, and the same file opened and saved by LibreOffice."""
    folder = tmp_path_factory.mktemp("editors")
    word_files = []
    made: dict[str, tuple[Path, Path, dict[str, Any]]] = {}
    for form_id in FORMS:
        data = example_data(form_id)
        filled = word_fill(formgen.render_blank(form_id), data)
        if form_id == FORMS[0]:
            filled = _paste_formatted(filled, "单位名称", PASTED)
        path = folder / f"{form_id}.docx"
        path.write_bytes(filled)
        word_files.append(path)
        made[form_id] = (path, folder / "lo" / path.name, data)
    (folder / "blank.docx").write_bytes(formgen.render_blank(FORMS[0]))
    table = formgen.fill(
        "sichuan-2023-110.annex5",
        {"rows": [example_data("sichuan-2023-110.enterprise")["application"]]},
        folder,
    )[0]
    convert_cold([*word_files, folder / "blank.docx"], folder / "lo", to="docx")
    convert_cold([table], folder / "lo", to="xlsx")
    return made


def _same_words(data: Any) -> Any:
    """Data with white space squeezed: LibreOffice joins lines inside an inline control."""
    if isinstance(data, dict):
        return {k: _same_words(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_same_words(v) for v in data]
    return "".join(str(data).split())


@pytest.mark.parametrize("form_id", FORMS)
def test_libreoffice_resaved_reads_back_as_word_filled(
    form_id: str, edited: dict[str, tuple[Path, Path, dict[str, Any]]]
) -> None:
    word, resaved, _ = edited[form_id]
    assert b"w:tag" not in zipfile.ZipFile(resaved).read("word/document.xml")  # the tags are gone
    from_word = formgen.api.read_back(form_id, word)
    from_lo = formgen.api.read_back(form_id, resaved)
    assert not from_word.recovered and from_lo.recovered
    assert from_lo.unread == []
    assert _same_words(from_lo.data) == _same_words(from_word.data)


def test_what_word_and_libreoffice_files_hold(edited: dict[str, tuple[Path, Path, dict[str, Any]]]) -> None:
    """Ticks, the date, empty controls, the inserted case row and the pasted name, as typed."""
    word, resaved, data = edited[FORMS[0]]
    for path in (word, resaved):
        read = formgen.api.read_back(FORMS[0], path).data
        assert read["directions"] == data["directions"]
        assert read["profile"]["nature"] == "民营"
        assert read["profile"]["established"] == str(data["profile"]["established"])
        assert "nature_other" not in read["profile"]  # left empty: its prompt is not data
        assert len(data["profile"]["cases"]) == 3  # the blank prints two case rows
        assert _same_words(read["profile"]["cases"]) == _same_words(data["profile"]["cases"])
        assert read["profile"]["unit_name"] == "成都蜀安智造技术服务有限公司"
        assert read["profile"]["region"] == data["profile"]["region"]  # from the 注册地址


def test_a_blank_resaved_by_libreoffice_reads_as_empty(
    edited: dict[str, tuple[Path, Path, dict[str, Any]]],
) -> None:
    resaved = edited[FORMS[0]][1].parent / "blank.docx"
    result = formgen.api.read_back(FORMS[0], resaved)
    assert result.recovered and result.data == {}


def test_a_table_resaved_by_libreoffice_reads_back(
    edited: dict[str, tuple[Path, Path, dict[str, Any]]],
) -> None:
    resaved = edited[FORMS[0]][1].parent / "sichuan-2023-110.annex5.xlsx"
    read = formgen.api.read_filled("sichuan-2023-110.annex5", resaved)
    checked = formgen.check("sichuan-2023-110.annex5", read)
    assert checked.ok, [str(p) for p in checked.problems]
    assert (
        read["rows"][0]["unit_name"]
        == example_data("sichuan-2023-110.enterprise")["application"]["unit_name"]
    )


def test_an_input_that_cannot_be_placed_is_reported(
    edited: dict[str, tuple[Path, Path, dict[str, Any]]], tmp_path: Path
) -> None:
    """A text control LibreOffice left that matches no input of the blank is named, not dropped."""
    _, resaved, _ = edited[FORMS[0]]
    source = zipfile.ZipFile(resaved)
    root = etree.fromstring(source.read("word/document.xml"))
    body = root.find(W + "body")
    stray = f'<w:p xmlns:w="{W[1:-1]}"><w:sdt><w:sdtPr><w:alias w:val="备注"/><w:text/></w:sdtPr><w:sdtContent><w:r><w:t>另附说明</w:t></w:r></w:sdtContent></w:sdt></w:p>'
    body.insert(len(body) - 1, etree.fromstring(stray))
    target = tmp_path / "stray.docx"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            out.writestr(name, etree.tostring(root) if name == "word/document.xml" else source.read(name))
    result = formgen.api.read_back(FORMS[0], target)
    assert any("另附说明" in line and "备注" in line for line in result.unread)
