"""Small published forms, one for each layout `formgen draft` must read, written as a bureau
would (python-docx, no formgen layout tools), each with the places a person sees on it.

``python -m tests.drafting.small_forms DIR`` writes them as .docx files into DIR.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.enum.text import WD_UNDERLINE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table

from formgen.drafting.hand_made import Expected


@dataclass
class SmallForm:
    """A form and the input places on it: label, type, options or columns."""

    name: str
    content: bytes
    expected: list[Expected]
    office: list[str] = field(default_factory=list)
    """Labels of places meant for the office: the report must list them as left out."""


def _places(*places: tuple[str, str]) -> list[Expected]:
    """The expected places of a form: (label, type) each."""
    return [Expected(f"p{i}", label, kind) for i, (label, kind) in enumerate(places)]


def _document() -> docx.document.Document:
    return docx.Document()


def _grid(document: docx.document.Document, rows: int, cols: int) -> Table:
    table: Table = document.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    return table


def _bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _write(table: Table, texts: dict[tuple[int, int], str]) -> None:
    """Put each text into its cell (row, column)."""
    for (r, c), text in texts.items():
        table.cell(r, c).text = text


def _vmerge(table: Table, col: int, first: int, last: int) -> None:
    table.cell(first, col).merge(table.cell(last, col))


def label_beside() -> SmallForm:
    """Labels with the empty cell to their right, two pairs a row."""
    document = _document()
    document.add_paragraph("企业基本信息表")
    table = _grid(document, 3, 4)
    _write(table, {
        (0, 0): "单位名称", (0, 2): "统一社会信用代码",
        (1, 0): "成立日期", (1, 2): "邮政编码",
        (2, 0): "电子邮箱", (2, 2): "法定代表人身份证号",
    })  # fmt: skip
    expected = _places(
        ("单位名称", "text"),
        ("统一社会信用代码", "credit_code"),
        ("成立日期", "date"),
        ("邮政编码", "postcode"),
        ("电子邮箱", "email"),
        ("法定代表人身份证号", "id_card"),
    )
    return SmallForm("label_beside", _bytes(document), expected)


def label_above() -> SmallForm:
    """A row of labels with the empty row under it."""
    document = _document()
    document.add_paragraph("项目信息")
    table = _grid(document, 2, 3)
    for c, text in enumerate(("项目名称", "建设地点", "联系手机")):
        table.cell(0, c).text = text
    expected = _places(("项目名称", "text"), ("建设地点", "text"), ("联系手机", "mobile"))
    return SmallForm("label_above", _bytes(document), expected)


def merged_row_headers() -> SmallForm:
    """联系人 and 法定代表人 each head two rows (merged), each with its own 电话."""
    document = _document()
    document.add_paragraph("联系方式")
    table = _grid(document, 4, 3)
    for r, (head, label) in enumerate(
        (("法定代表人", "姓名"), ("法定代表人", "电话"), ("联系人", "姓名"), ("联系人", "电话"))
    ):
        table.cell(r, 0).text = head if r % 2 == 0 else ""
        table.cell(r, 1).text = label
    _vmerge(table, 0, 0, 1)
    _vmerge(table, 0, 2, 3)
    expected = _places(("姓名", "text"), ("电话", "phone"), ("姓名", "text"), ("电话", "phone"))
    return SmallForm("merged_row_headers", _bytes(document), expected)


def units_in_cells() -> SmallForm:
    """The value's cell holds only its unit: 万元, 元, %, 人, 平方米."""
    document = _document()
    document.add_paragraph("经营情况")
    table = _grid(document, 5, 2)
    for r, (label, unit) in enumerate(
        (
            ("营业收入", "万元"),
            ("申请补助", "元"),
            ("研发投入占比", "%"),
            ("从业人员", "人"),
            ("厂房", "平方米"),
        )
    ):
        table.cell(r, 0).text = label
        table.cell(r, 1).text = unit
    expected = _places(
        ("营业收入", "money"),
        ("申请补助", "yuan"),
        ("研发投入占比", "percent"),
        ("从业人员", "count"),
        ("厂房", "area"),
    )
    return SmallForm("units_in_cells", _bytes(document), expected)


def underlines() -> SmallForm:
    """Paragraphs with underscores, underlined spaces and gaps after a colon."""
    document = _document()
    document.add_paragraph("申请书")
    document.add_paragraph("申请单位：________________")
    paragraph = document.add_paragraph("通讯地址：")
    gap = paragraph.add_run("                    ")
    gap.underline = WD_UNDERLINE.SINGLE
    document.add_paragraph("联系电话：          ")
    expected = _places(("申请单位", "text"), ("通讯地址", "text"), ("联系电话", "phone"))
    return SmallForm("underlines", _bytes(document), expected)


def choices_with_other() -> SmallForm:
    """A □ group in a cell with 其他 and its line, and a □ group in a paragraph."""
    document = _document()
    document.add_paragraph("企业类型")
    table = _grid(document, 1, 2)
    table.cell(0, 0).text = "单位性质"
    table.cell(0, 1).text = "□国有企业  □民营企业  □其他________"
    document.add_paragraph("是否上市：□是  □否")
    expected = [
        Expected("a", "单位性质", "choice", ["国有企业", "民营企业", "其他"]),
        Expected("a_other", "其他（请注明）", "text"),
        Expected("b", "是否上市", "choice", ["是", "否"]),
    ]
    return SmallForm("choices_with_other", _bytes(document), expected)


def rows_two_level() -> SmallForm:
    """A rows table: 序号, 设备名称 and a 购置情况 group over 数量（台）and 金额（万元）."""
    document = _document()
    document.add_paragraph("主要生产设备")
    table = _grid(document, 5, 4)
    _write(
        table,
        {
            (0, 0): "序号",
            (0, 1): "设备名称",
            (0, 2): "购置情况",
            (1, 2): "数量（台）",
            (1, 3): "金额（万元）",
        },
    )
    table.cell(0, 2).merge(table.cell(0, 3))
    _vmerge(table, 0, 0, 1)
    _vmerge(table, 1, 0, 1)
    expected = [
        Expected("rows.a", "设备名称", "text", row_of="主要生产设备"),
        Expected("rows.b", "购置情况数量（台）", "count", row_of="主要生产设备"),
        Expected("rows.c", "购置情况金额（万元）", "money", row_of="主要生产设备"),
    ]
    return SmallForm("rows_two_level", _bytes(document), expected)


def office_only() -> SmallForm:
    """An applicant's rows and the office's: 审核意见, 经办人, its seal, a photo box."""
    document = _document()
    document.add_paragraph("登记表")
    table = _grid(document, 4, 4)
    _write(
        table,
        {
            (0, 0): "申请人",
            (0, 2): "照片",
            (1, 0): "联系电话",
            (2, 0): "审核意见",
            (3, 0): "经办人",
            (3, 2): "受理日期",
        },
    )
    expected = [Expected("a", "申请人", "text"), Expected("b", "联系电话", "phone")]
    return SmallForm(
        "office_only", _bytes(document), expected, office=["审核意见", "经办人", "受理日期", "照片"]
    )


def cover_page() -> SmallForm:
    """A cover: title, then 申报单位（盖章）, 推荐单位 and 申报日期 on lines of their own."""
    document = _document()
    document.add_paragraph("附件2")
    document.add_paragraph("专项资金申报书")
    document.add_paragraph("申报单位（盖章）：____________________")
    document.add_paragraph("推荐单位：____________________")
    document.add_paragraph("申报日期：      年    月    日")
    _page_break(document)
    document.add_paragraph("填报说明")
    expected = _places(("申报单位", "text"), ("推荐单位", "text"), ("申报日期", "date"))
    return SmallForm("cover_page", _bytes(document), expected)


def pledge() -> SmallForm:
    """A 承诺书: prose, the signature by hand, and the date's 年 月 日."""
    document = _document()
    document.add_paragraph("承诺书")
    document.add_paragraph("本单位郑重承诺：所提交的申报材料真实、准确、完整，如有虚假，愿承担相应责任。")
    document.add_paragraph("承诺单位：__________________")
    document.add_paragraph("法定代表人（签字）：")
    document.add_paragraph("                                  年    月    日")
    expected = [Expected("a", "承诺单位", "text"), Expected("b", "日期", "date")]
    return SmallForm("pledge", _bytes(document), expected, office=["法定代表人"])


def _page_break(document: docx.document.Document) -> None:
    run = document.add_paragraph().add_run()
    br = OxmlElement("w:br")
    br.set(qn("w:type"), "page")
    run._r.append(br)


ALL: tuple[Callable[[], SmallForm], ...] = (
    label_beside,
    label_above,
    merged_row_headers,
    units_in_cells,
    underlines,
    choices_with_other,
    rows_two_level,
    office_only,
    cover_page,
    pledge,
)


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    for make in ALL:
        form = make()
        (folder / f"{form.name}.docx").write_bytes(form.content)
