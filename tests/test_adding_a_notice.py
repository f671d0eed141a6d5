"""docs/adding-a-notice.md, proven: a new notice is models, a layout and an example, no engine change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import Field

import formgen
from formgen.authoring import Cell, Form, FormModel, Money, Notice, Text, new_document, para, row, save, table
from tests import reading


class Pledge(FormModel):
    """A one-table form: 单位名称 and 注册资本（万元）."""

    unit_name: Text = Field(title="单位名称")
    capital: Money = Field(title="注册资本（万元）")


def build(path: Path) -> None:
    document = new_document()
    para(document, "附件", "AnnexLabel")
    para(document, "测试申请表", "FormTitle")
    grid = table(document, [50, 106])
    row(grid, Cell("单位名称"), Cell("{{r unit_name }}"))
    row(grid, Cell("注册资本（万元）"), Cell("{{r capital }}"))
    save(document, path, title="测试申请表")


@pytest.fixture
def test_notice(tmp_path: Path) -> Iterator[Notice]:
    template = tmp_path / "form.docx"
    build(template)
    example = tmp_path / "example.yaml"
    example.write_text("unit_name: 测试单位\ncapital: 1234.5\n", encoding="utf-8")
    notice = Notice(
        id="test-2024-1",
        title="测试通知",
        issuer="测试厅",
        doc_number="测〔2024〕1号",
        date=dt.date(2024, 1, 1),
        forms=(Form("test-2024-1.form", "附件", "测试申请表", "docx", Pledge, template, example, build),),
    )
    registry = formgen.registry()
    registry.register(notice)
    yield notice
    del registry.notices[notice.id]


def test_a_registered_notice_is_served_by_the_engine(test_notice: Notice, tmp_path: Path) -> None:
    assert formgen.check("test-2024-1.form", formgen.example_data("test-2024-1.form")).ok
    (blank,) = formgen.blank(["test-2024-1.form"], tmp_path / "blank")
    assert [c.tag for c in reading.controls(blank)] == ["unit_name", "capital"]
    (filled,) = formgen.fill(
        "test-2024-1.form", formgen.example_data("test-2024-1.form"), tmp_path / "filled"
    )
    text = reading.docx_text(filled)
    assert "测试单位" in text and "1,234.50" in text


def test_forms_of_another_notice_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not belong"):
        formgen.registry().register(
            Notice(
                id="a",
                title="",
                issuer="",
                doc_number="",
                date=dt.date(2024, 1, 1),
                forms=(Form("b.form", "", "", "docx", Pledge, tmp_path / "x.docx", tmp_path / "x.yaml"),),
            )
        )
