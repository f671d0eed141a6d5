"""Rows of a spreadsheet (CSV or XLSX) as data: a long list of a form, kept where people keep it.

An enterprise lists its equipment in Excel, not in YAML. `read_table` reads the first sheet
of an XLSX, or a CSV in UTF-8 or GB18030 (what Excel's "CSV" and "CSV UTF-8" exports write),
into one dict per row keyed by the header row's text. A data file names such a file with
``!table equipment.xlsx`` (see `formgen.data.loading`); the API may pass `read_table(path)` as the
list's value directly.

Headers are the form's own column labels (供应商名称, 设备名称 …). A row model based on
`TableRow` accepts its fields by those titles as well as by name, so the sheet validates as
it is, and an error names the field the form's way. Three things a sheet copied from the
printed form carries are not data and are dropped: empty rows, the row-number column
(序号 or 编号: the document numbers rows itself) and a trailing 合计 row (a total is derived
from the rows, never typed).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from pydantic import model_validator

from formgen.data import untrusted
from formgen.data.textfile import DataFileError, UnreadableFileError, decode
from formgen.model.fields import FormModel

NUMBER_COLUMNS = frozenset({"序号", "编号"})
TOTAL_LABELS = frozenset({"合计", "总计"})


def read_table(path: Path) -> list[dict[str, Any]]:
    """Return the rows of the CSV or XLSX file at `path`, keyed by its header row.

    The file is untrusted (`formgen.data.untrusted`): a hostile one raises `RefusedFileError`.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise DataFileError(f"{path}: 只支持CSV和XLSX表格 / only .csv and .xlsx tables are read")
    try:
        raw = untrusted.read_file(path)
    except OSError as exc:
        raise UnreadableFileError(f"{path}: 无法打开 / cannot open: {exc.strerror}") from None
    if suffix == ".xlsx":
        untrusted.inspect(raw, path.name)  # a bomb, a macro or a disguised file never reaches openpyxl
    grid = _csv_grid(raw, str(path)) if suffix == ".csv" else _xlsx_grid(raw, str(path))
    return _records(grid, str(path))


def _csv_grid(raw: bytes, name: str) -> list[list[Any]]:
    text, _ = decode(raw, name)
    return [list(line) for line in csv.reader(io.StringIO(text))]


def _xlsx_grid(raw: bytes, name: str) -> list[list[Any]]:
    from formgen.data import cells  # only this reader needs openpyxl; keep `import formgen` light

    try:
        book = cells.open_workbook(raw, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise DataFileError(f"{name}: 不是有效的XLSX文件 / not a readable .xlsx file: {exc}") from None
    try:
        sheet = book.worksheets[0]
        return [[cells.value(v) for v in values] for values in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _cell(value: Any) -> Any:
    """A cell's value as data: text trimmed, whole floats as integers, empty as None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _records(grid: list[list[Any]], name: str) -> list[dict[str, Any]]:
    rows = [[_cell(v) for v in line] for line in grid]
    rows = [line for line in rows if any(v is not None for v in line)]
    if not rows:
        raise DataFileError(f"{name}: 表格为空 / the table has no header row")
    header = [normalize_title(str(v)) if v is not None else "" for v in rows[0]]
    records = []
    for line in rows[1:]:
        first = next(v for v in line if v is not None)
        if str(first) in TOTAL_LABELS:
            continue
        record = {
            title: value
            for title, value in zip(header, line, strict=False)
            if title and title not in NUMBER_COLUMNS and value is not None
        }
        records.append(record)
    return records


def normalize_title(title: str) -> str:
    """A column label as compared: no white space (Excel headers wrap), parentheses full-width."""
    return re.sub(r"\s+", "", title).replace("(", "（").replace(")", "）")


class TableRow(FormModel):
    """Base of a row model whose rows may come from a spreadsheet: fields by name or by title.

    Keys that are neither stay as they are, so the model's ``extra="forbid"`` names an
    unknown column in its error.
    """

    @model_validator(mode="before")
    @classmethod
    def _by_title(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        names = {normalize_title(info.title): name for name, info in cls.model_fields.items() if info.title}
        keyed: dict[str, Any] = {}
        for key, value in data.items():
            if key in cls.model_fields:
                keyed[key] = value
            elif normalize_title(str(key)) in NUMBER_COLUMNS:
                continue
            else:
                keyed[names.get(normalize_title(str(key)), str(key))] = value
        return keyed
