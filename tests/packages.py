"""Notice packages for tests: the example package of docs/notice-packages.md, its templates written
as a publisher would (python-docx, openpyxl: no formgen layout tools), with tags at the inputs.

``python -m tests.packages DIR`` writes the templates of `examples/packages/demo-2024-7` there.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import docx
from docx.shared import Pt
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side

DEMO = Path(__file__).resolve().parent.parent / "examples" / "packages" / "demo-2024-7"

APPLICATION_ROWS = [
    ("推荐单位", "{{r recommender }}"),
    ("单位名称", "{{r unit_name }}"),
    ("统一社会信用代码", "{{r credit_code }}"),
    ("法定代表人身份证号", "{{r legal_id }}"),
    ("邮政编码", "{{r postcode }}"),
    ("注册资本（万元）", "{{r capital }}"),
    ("申请补助（元）", "{{r grant }}"),
    ("研发投入占比（%）", "{{r share }}"),
    ("厂房面积（平方米）", "{{r floor_area }}"),
    ("职工人数（人）", "{{r staff }}"),
    ("成立日期", "{{r founded }}"),
    (
        "单位性质",
        "{{r nature['国有企业'] }}国有企业 {{r nature['民营企业'] }}民营企业 "
        "{{r nature['外资企业'] }}外资企业 {{r nature['其他'] }}其他 {{r nature_other }}",
    ),
    (
        "服务领域（可多选）",
        "{{r fields_of_work['智能制造'] }}智能制造 {{r fields_of_work['绿色制造'] }}绿色制造 "
        "{{r fields_of_work['工业互联网'] }}工业互联网",
    ),
]


def write_application(path: Path) -> None:
    """附件1 示范项目申报表 as a bureau's Word file, tags typed at its input places."""
    _application(
        path,
        APPLICATION_ROWS,
        contact=("{{r contact.name }}", "{{r contact.mobile }}"),
        after=[("电子邮箱", "{{r contact.email }}"), ("项目简介", "{{p intro }}")],
        equipment=[
            ["{%tr for item in equipment %}", "", ""],
            ["{{r item.name }}", "{{r item.count }}", "{{r item.value }}"],
            ["{%tr endfor %}", "", ""],
        ],
    )


def write_published_application(path: Path) -> None:
    """附件1 as its publisher sends it out: empty cells, □ before each option, empty rows."""
    labels = ["单位名称", "统一社会信用代码", "法定代表人身份证号", "邮政编码", "注册资本（万元）"]
    nature = ("单位性质", "□国有企业  □民营企业  □外资企业  □其他________")
    _application(path, [*((label, "") for label in labels), nature], ("", ""), [], [["", "", ""]] * 3)


def _application(
    path: Path,
    rows: Sequence[tuple[str, str]],
    contact: tuple[str, str],
    after: Sequence[tuple[str, str]],
    equipment: Sequence[Sequence[str]],
) -> None:
    """The 申报表: label and value rows, 联系人 and 手机 on one row, then the 主要设备 table."""
    document = docx.Document()
    document.styles["Normal"].font.size = Pt(12)
    document.add_paragraph("附件1")
    document.add_paragraph("示范项目申报表")
    grid = document.add_table(rows=0, cols=4)
    grid.style = "Table Grid"

    def labelled(label: str, value: str) -> None:
        cells = grid.add_row().cells
        cells[0].text = label
        cells[1].merge(cells[3]).text = value

    for label, value in rows:
        labelled(label, value)
    cells = grid.add_row().cells
    cells[0].text, cells[1].text, cells[2].text, cells[3].text = "联系人", contact[0], "手机", contact[1]
    for label, value in after:
        labelled(label, value)
    document.add_paragraph("主要设备")
    table = document.add_table(rows=1 + len(equipment), cols=3)
    table.style = "Table Grid"
    for row, texts in zip(
        table.rows, [["设备名称", "数量（台/套）", "原值（万元）"], *equipment], strict=True
    ):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    document.add_paragraph("申报单位（盖章）            年  月  日")
    document.save(str(path))


def write_summary(path: Path) -> None:
    """附件2 示范项目推荐汇总表 as a bureau's Excel file: title, 推荐单位 line, one header row."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "附件2"
    sheet["A1"] = "附件2"
    sheet["A2"] = "示范项目推荐汇总表"
    sheet["A2"].font = Font(size=16, bold=True)
    sheet.merge_cells("A2:G2")
    sheet["A3"] = "推荐单位（盖章）："
    thin = Side(style="thin")
    headers = ["序号", "单位名称", "统一社会信用代码", "单位性质", "注册资本（万元）", "联系人", "手机"]
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=4, column=column, value=text)
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for letter, width in zip("ABCDEFG", [6, 30, 22, 12, 14, 10, 14], strict=True):
        sheet.column_dimensions[letter].width = width
    workbook.save(str(path))


def write_published_summary(path: Path) -> None:
    """附件2 as published: the header of `write_summary` and ten empty bordered rows."""
    write_summary(path)
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    thin = Side(style="thin")
    for row in range(5, 15):
        for column in range(1, 8):
            sheet.cell(row=row, column=column).border = Border(left=thin, right=thin, top=thin, bottom=thin)
    workbook.save(str(path))


def write_demo(folder: Path) -> Path:
    """Copy the example package's YAML into `folder` and write its templates there."""
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns("templates"), dirs_exist_ok=True)
    write_templates(folder / "templates")
    return folder


def write_templates(folder: Path) -> None:
    """Write the example package's two templates into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    write_application(folder / "application.docx")
    write_summary(folder / "summary.xlsx")


if __name__ == "__main__":
    write_templates(Path(sys.argv[1]))
