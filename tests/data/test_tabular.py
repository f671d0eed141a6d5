"""The spreadsheet reader: rows of CSV and XLSX files as a row model's data, headers as its titles."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from pydantic import Field, ValidationError

from formgen.data.tabular import TableRow, read_table
from formgen.data.textfile import DataFileError
from formgen.model.fields import Count, Text


class Item(TableRow):
    name: Text = Field(title="设备名称")
    spec: Text | None = Field(default=None, title="规格型号（选填）")
    quantity: Count = Field(title="数量")


CSV = "序号,设备名称, 规格型号(选填) ,数 量\n1,液压机,3150吨,1\n,,,\n2,车床,,4\n合计,,,5\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_rows_are_keyed_by_header(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "items.csv"
    path.write_bytes(CSV.encode(encoding))
    rows = read_table(path)
    # Headers lose white space and take full-width parentheses; 序号, empty rows, 合计 are dropped.
    assert rows == [
        {"设备名称": "液压机", "规格型号（选填）": "3150吨", "数量": "1"},
        {"设备名称": "车床", "数量": "4"},
    ]
    items = [Item.model_validate(row) for row in rows]
    assert [(i.name, i.spec, i.quantity) for i in items] == [("液压机", "3150吨", 1), ("车床", None, 4)]


def test_xlsx_reads_the_first_sheet_with_numbers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "设备名称", "数量"])
    sheet.append([1, "液压机", 2.0])
    book.create_sheet("其他").append(["不读"])
    buffer = io.BytesIO()
    book.save(buffer)
    (tmp_path / "items.xlsx").write_bytes(buffer.getvalue())
    assert read_table(tmp_path / "items.xlsx") == [{"设备名称": "液压机", "数量": 2}]


def test_fields_by_name_still_work() -> None:
    assert Item.model_validate({"name": "液压机", "quantity": 1}).name == "液压机"


def test_an_unknown_column_is_named_in_the_error() -> None:
    with pytest.raises(ValidationError) as caught:
        Item.model_validate({"设备名称": "液压机", "数量": "1", "产地": "德阳"})
    assert "产地" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("items.txt", b"a,b", "only .csv and .xlsx"),
        ("items.csv", b"", "no header row"),
        ("items.xlsx", b"not a workbook", "the content is of no known type"),
    ],
)
def test_unreadable_tables_say_why(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(DataFileError, match=message):
        read_table(tmp_path / name)


def test_a_missing_table_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot open"):
        read_table(tmp_path / "missing.csv")
