"""Drafting reads each layout of a published form as a person does: every input place found,
with its label, type, options or columns; nothing else made a field; the office's places and
signatures left out with a reason; the template the published text with tags at those places."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest

from formgen.document.docx_render import template_variables
from formgen.drafting import hand_made
from formgen.drafting.docx_draft import draft
from tests.drafting import small_forms

FORMS = {make.__name__: make for make in small_forms.ALL}


@pytest.mark.parametrize("name", FORMS)
def test_every_place_found_and_nothing_else(name: str) -> None:
    form = FORMS[name]()
    found = draft(form.content, f"{name}.docx").found
    comparison = hand_made.compare(found, form.expected)
    assert comparison.missed == []
    assert comparison.extra == []
    assert comparison.same_label == len(form.expected)
    assert comparison.wrong_type == []
    assert comparison.same_choices == comparison.choices
    left_out = " ".join(item.text for item in found.left_out)
    for label in form.office:
        assert label in left_out


def test_choice_options_and_other_text() -> None:
    found = draft(small_forms.choices_with_other().content, "x.docx").found
    nature = found.places[0]
    assert (nature.label, nature.type, nature.options, nature.other) == (
        "单位性质",
        "choice",
        ["国有企业", "民营企业", "其他"],
        "其他",
    )


def test_rows_table_with_two_header_levels() -> None:
    found = draft(small_forms.rows_two_level().content, "x.docx").found
    (rows,) = found.places
    assert (rows.type, rows.label, rows.blank_rows) == ("rows", "主要生产设备", 3)
    assert [(c.label, c.type) for c in rows.columns] == [
        ("设备名称", "text"),
        ("购置情况数量（台）", "count"),
        ("购置情况金额（万元）", "money"),
    ]


def test_two_phones_of_two_people_have_their_own_paths() -> None:
    form = small_forms.merged_row_headers()
    first = [p.path for p in draft(form.content, "x.docx").found.places]
    again = [p.path for p in draft(form.content, "x.docx").found.places]
    assert first == ["法定代表人_姓名", "法定代表人_电话", "联系人_姓名", "联系人_电话"]
    assert again == first


_TAGS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_GAPS = re.compile(r"[\s_□☐\u3000]|年\s*月\s*日")


def _text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return _GAPS.sub("", _TAGS.sub("", "".join(parts)))


@pytest.mark.parametrize("name", FORMS)
def test_template_is_the_published_text_with_tags(name: str, tmp_path: Path) -> None:
    form = FORMS[name]()
    drafted = draft(form.content, f"{name}.docx")
    assert _text(drafted.template) == _text(form.content)
    template = tmp_path / "t.docx"
    template.write_bytes(drafted.template)
    assert template_variables(template) == {p.path for p in drafted.found.places} | {
        f"{p.path}_其他" for p in drafted.found.places if p.other
    }
    before = zipfile.ZipFile(io.BytesIO(form.content))
    after = zipfile.ZipFile(io.BytesIO(drafted.template))
    assert before.namelist() == after.namelist()
    for member in before.namelist():
        if member != "word/document.xml":
            assert before.read(member) == after.read(member), member


def test_limits_and_types_come_from_the_words() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "项目简介（不超过300字）"
    table.cell(1, 0).text = "注册资本（万元）"
    table.cell(2, 0).text = "传真"
    for row in table.rows:
        row.height = 1500 if row is table.rows[0] else None
    buffer = io.BytesIO()
    document.save(buffer)
    places = draft(buffer.getvalue(), "x.docx").found.places
    assert [(p.label, p.type, p.max_chars) for p in places] == [
        ("项目简介", "long_text", 300),
        ("注册资本（万元）", "money", None),
        ("传真", "phone", None),
    ]
