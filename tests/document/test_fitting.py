"""The identifier style in a narrow cell: the largest Chinese type size at which the value fits."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

import formgen
from formgen.document import wordml
from formgen.document.docx_layout import Cell, new_document, row, table
from formgen.document.fitting import fit_identifiers


def _size_of(value: str, width_mm: float) -> float | None:
    """The size fitting gives `value` alone in a 12 pt table cell `width_mm` wide (None: unchanged)."""
    document = new_document()
    (cell,) = row(table(document, [width_mm]), Cell(""))
    cell.paragraphs[0]._p.append(
        parse_xml(wordml.identifier_run(value).replace("<w:r>", f"<w:r {nsdecls('w')}>"))
    )
    fit_identifiers(document)
    buffer = io.BytesIO()
    document.save(buffer)
    run = Document(buffer).tables[0].cell(0, 0).paragraphs[0].runs[-1]
    assert run.text == value
    size = run._r.find(f"{qn('w:rPr')}/{qn('w:sz')}")
    return None if size is None else int(size.get(qn("w:val"))) / 2


@pytest.mark.parametrize(
    ("value", "width_mm", "size"),
    [
        ("91510107MA62L3R5XE", 64, None),  # fits at the table's 12 pt
        ("91510107MA62L3R5XE", 46, 10.5),  # 五号
        ("wangxiaowen@shuan-tech.example.cn", 64, 7.5),  # 六号
        ("13981234567", 34, None),
        ("023-41428860", 34, 10.5),
        ("wangxiaowen@shuan-tech.example.cn", 20, 7.5),  # too long even at 六号: the smallest
    ],
)
def test_a_value_too_wide_for_its_cell_is_set_smaller(
    value: str, width_mm: float, size: float | None
) -> None:
    assert _size_of(value, width_mm) == size


def test_text_outside_the_identifier_style_is_left_alone() -> None:
    document = new_document()
    (cell,) = row(table(document, [20]), Cell("wangxiaowen@shuan-tech.example.cn"))
    assert fit_identifiers(document) == 0
    assert cell.paragraphs[0].runs[0].font.size is None


def _typed_sizes(form_id: str) -> dict[str, float | None]:
    """Each blank identifier control's tag, and the size Word gives what is typed into it."""
    root = etree.fromstring(
        zipfile.ZipFile(io.BytesIO(formgen.render_blank(form_id))).read("word/document.xml")
    )
    found: dict[str, float | None] = {}
    for control in root.iter(qn("w:sdtPr")):
        style = control.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
        if style is None or style.get(qn("w:val")) != wordml.IDENTIFIER_STYLE:
            continue
        size = control.find(f"{qn('w:rPr')}/{qn('w:sz')}")
        found[control.find(qn("w:tag")).get(qn("w:val"))] = (
            None if size is None else int(size.get(qn("w:val"))) / 2
        )
    return found


def test_a_blank_control_is_sized_for_what_will_be_typed_into_it() -> None:
    """A code typed into the narrow 组织机构代码 cell of a member prints smaller; in the wide cell
    of the applicant's own code, at the table's size."""
    sizes = _typed_sizes("chongqing-2023-1.annex2")
    assert sizes["unit.code"] is None
    assert sizes["members[0].code"] is not None and sizes["members[0].code"] < 12
    assert sizes["unit.contact.mobile"] is None
    assert {"unit.contact.email", "applied_on", "pledge.phone"} <= set(sizes)
