"""Fill a spreadsheet template (see `formgen.document.xlsx_layout`) with rows of data, or with blank input rows.

Numbers stay numbers (Excel sums them), shown in the form's formats: amounts in 万元 with two
decimals, dates as 2023年4月14日. Every input column gets the validation its field implies:
a drop-down for a fixed choice (a warning only, for several choices joined by 、 or a
list that also takes typed text), whole
or decimal numbers not below zero, a length limit. A hidden sheet maps each input range to
its data path, so a table filled by hand can be read back.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
from copy import copy
from decimal import Decimal
from importlib.resources.abc import Traversable
from typing import Any, Union, get_args, get_origin

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel

from formgen.data import cells
from formgen.document.xlsx_layout import (
    BORDER,
    CENTER,
    META_SHEET,
    Column,
    SheetSpec,
    hide,
    load_spec,
    to_bytes,
)
from formgen.model.fields import Identifier, MaxChars, Unit, field_type, list_item

LISTS_SHEET = "_lists"
INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
JOIN = "、"


def render(template: Traversable, model: type[BaseModel], instance: BaseModel | None, *, title: str) -> bytes:
    """Return the bytes of the spreadsheet: blank input rows when `instance` is None."""
    workbook = cells.open_workbook(template.read_bytes())
    spec = load_spec(workbook[META_SHEET])
    sheet = workbook.worksheets[0]
    row_model = list_item(model.model_fields[spec.rows_path].annotation)
    if not (isinstance(row_model, type) and issubclass(row_model, BaseModel)):
        raise TypeError(f"{model.__name__}.{spec.rows_path} is not a list of rows")
    rows: list[BaseModel | None] = (
        list(getattr(instance, spec.rows_path)) if instance is not None else [None] * spec.blank_rows
    )
    blank = instance is None
    first = spec.first_data_row
    last = first + max(len(rows), 1) - 1
    formats = [_number_format(row_model, column) for column in spec.columns]
    whole = [_printed_whole(row_model, column) for column in spec.columns]
    styled: dict[tuple[int, bool], StyleArray] = {}
    for offset, item in enumerate(rows):
        for index, column in enumerate(spec.columns, start=1):
            serial = column.serial
            value = offset + 1 if serial else _value(item, column.path) if column.holds_data else None
            numeric = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
            cell = cells.put(sheet.cell(row=first + offset, column=index), value)
            done = styled.get((index, numeric))
            if done is not None:
                # The same style as the column's cells above: its style indexes copied, not
                # looked up again (openpyxl hashes every style object it is given; a table of
                # a thousand rows spent seconds on it).
                cell._style = copy(done)
                continue
            _style_data_cell(cell, numeric, spec, blank=blank and column.holds_data)
            if whole[index - 1]:
                # A code, number or date prints on one line: the cell's type shrinks if need be.
                cell.alignment = Alignment(horizontal="left", vertical="center", shrink_to_fit=True)
            if serial:
                cell.alignment = CENTER
            if formats[index - 1]:
                cell.number_format = formats[index - 1]
            styled[(index, numeric)] = copy(cell._style)
    for header_field in spec.fields:
        value = None if instance is None else _value(instance, header_field.path)
        cell = cells.put(sheet[header_field.anchor], value)
        cell.font = Font(name="仿宋_GB2312", size=spec.font_size + 1)
        cell.alignment = Alignment(horizontal="left", vertical="center")
        if blank:
            cell.fill = INPUT_FILL
    _fit_heights(sheet, spec, first, first + len(rows) - 1, whole)
    _notes(sheet, spec, last + 1)
    _validations(workbook, sheet, spec, row_model, first, last)
    _field_map(workbook[META_SHEET], spec, first, last)
    return to_bytes(workbook, title=title)


def _value(item: Any, path: str) -> Any:
    """The cell value of the field at dotted `path` of `item`."""
    value = item
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part)
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, list):
        return JOIN.join(str(v.value) if isinstance(v, enum.Enum) else str(v) for v in value)
    return value


def _number_format(row_model: type[BaseModel], column: Column) -> str | None:
    """Amounts in 万元 with two decimals; other decimals as typed; dates as 2023年4月14日."""
    if not column.holds_data:
        return None
    annotation, metadata = _field_of(row_model, column.path)
    if isinstance(annotation, type) and issubclass(annotation, Decimal):
        return MONEY_FORMAT if any(isinstance(m, Unit) and m.text == "万元" for m in metadata) else "0.00##"
    if isinstance(annotation, type) and issubclass(annotation, dt.date):
        return DATE_FORMAT
    return None


def _printed_whole(row_model: type[BaseModel], column: Column) -> bool:
    """Whether the column holds identifiers or dates, which never break across lines."""
    if not column.holds_data:
        return False
    annotation, metadata = _field_of(row_model, column.path)
    is_date = isinstance(annotation, type) and issubclass(annotation, dt.date)
    return is_date or any(isinstance(m, Identifier) for m in metadata)


def _style_data_cell(cell: Cell, numeric: bool, spec: SheetSpec, *, blank: bool) -> None:
    cell.font = Font(name="仿宋_GB2312", size=spec.font_size)
    cell.border = BORDER
    cell.alignment = Alignment(horizontal="right" if numeric else "left", vertical="center", wrap_text=True)
    if blank:
        cell.fill = INPUT_FILL


def _text_lines(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` characters wide (a CJK character is two)."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return max(1, -(-units // max(int(width) - 1, 1)))


def _fit_heights(sheet: Worksheet, spec: SheetSpec, first: int, last: int, whole: list[bool]) -> None:
    """Set row heights to the wrapped text: spreadsheet programs do not grow rows written by a library.

    Columns printed `whole` (identifiers, dates) take one line, their type shrunk to fit."""
    line_height = spec.font_size * 1.45
    rows = [*range(spec.first_header_row, spec.first_data_row), *range(first, last + 1)]
    for row in rows:
        lines = 1
        for index, column in enumerate(spec.columns, start=1):
            value = sheet.cell(row=row, column=index).value
            if value is not None and not (row >= first and whole[index - 1]):
                lines = max(lines, _text_lines(str(value), column.width))
        sheet.row_dimensions[row].height = max(lines * line_height + 6, 22)


def _notes(sheet: Worksheet, spec: SheetSpec, row: int) -> None:
    width = len(spec.columns)
    for offset, text in enumerate(spec.notes):
        cell = cells.put(sheet.cell(row=row + offset, column=1), text)
        cell.font = Font(name="仿宋_GB2312", size=spec.font_size)
        cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        sheet.merge_cells(start_row=row + offset, start_column=1, end_row=row + offset, end_column=width)


def _field_of(row_model: type[BaseModel], path: str) -> tuple[Any, list[Any]]:
    """The annotation (unwrapped) and metadata of the field at dotted `path` of `row_model`."""
    current: Any = row_model
    annotation: Any = None
    metadata: list[Any] = []
    for part in path.split("."):
        annotation, metadata = field_type(current.model_fields[part])
        current = annotation
    return annotation, metadata


def _validations(
    workbook: Any, sheet: Worksheet, spec: SheetSpec, row_model: type[BaseModel], first: int, last: int
) -> None:
    for index, column in enumerate(spec.columns, start=1):
        if not column.holds_data:
            continue
        validation = _validation_for(workbook, row_model, column)
        if validation is None:
            continue
        letter = get_column_letter(index)
        validation.add(f"{letter}{first}:{letter}{last}")
        sheet.add_data_validation(validation)


def _validation_for(workbook: Any, row_model: type[BaseModel], column: Column) -> DataValidation | None:
    annotation, metadata = _field_of(row_model, column.path)
    item = list_item(annotation)
    several = item is not None
    choice, open_ended = _choices(item if several else annotation)
    if choice is not None:
        options = [str(o.value) for o in choice]
        validation = DataValidation(
            type="list",
            formula1=_options_range(workbook, column.path, options),
            allow_blank=True,
            showDropDown=False,
            errorStyle="warning" if several or open_ended else "stop",
        )
        validation.promptTitle = "请选择"
        validation.prompt = "可多选，用“、”分隔" if several else "请从下拉列表中选择"
        validation.error = "不在可选范围内 / not one of the options"
        validation.showInputMessage = True
        validation.showErrorMessage = True
        return validation
    if isinstance(annotation, type) and issubclass(annotation, Decimal):
        validation = DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
        validation.error = "应为不小于0的数字（万元） / a number not below 0"
    elif isinstance(annotation, type) and issubclass(annotation, int) and not issubclass(annotation, bool):
        validation = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
        validation.error = "应为不小于0的整数 / a whole number not below 0"
    else:
        limit = next((m.limit for m in metadata if isinstance(m, MaxChars)), None)
        if limit is None:
            return None
        validation = DataValidation(
            type="textLength", operator="lessThanOrEqual", formula1=str(limit), allow_blank=True
        )
        validation.error = f"不超过{limit}字 / at most {limit} characters"
    validation.showErrorMessage = True
    return validation


def _choices(annotation: Any) -> tuple[type[enum.Enum] | None, bool]:
    """The fixed choices of a field type, and whether text outside them is allowed too.

    `Enum` is a closed list; `Enum | str` is the paper's list with its 其他 typed out (附件2's
    主要服务行业 prints 医药制造 where the applicant ticked 其他 and typed it).
    """
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation, False
    if get_origin(annotation) in (Union, types.UnionType):
        found = [a for a in get_args(annotation) if isinstance(a, type) and issubclass(a, enum.Enum)]
        if len(found) == 1:
            return found[0], True
    return None, False


def _options_range(workbook: Any, name: str, options: list[str]) -> str:
    """Put `options` in a column of the hidden list sheet; return the range as a list formula."""
    if LISTS_SHEET in workbook.sheetnames:
        lists = workbook[LISTS_SHEET]
    else:
        lists = workbook.create_sheet(LISTS_SHEET)
        hide(lists)
    column = lists.max_column + 1 if lists["A1"].value is not None else 1
    letter = get_column_letter(column)
    for offset, text in enumerate([name, *options], start=1):
        cells.put(lists.cell(row=offset, column=column), text)
    return f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(options) + 1}"


def _field_map(meta: Worksheet, spec: SheetSpec, first: int, last: int) -> None:
    """Record which cells hold which data path: row 3 on, path and range."""
    sheet_name = spec.label or "Sheet1"
    cells.put_row(meta, 2, ["path", "range"])
    row = 3
    for index, column in enumerate(spec.columns, start=1):
        if not column.holds_data:
            continue
        letter = get_column_letter(index)
        cells.put_row(
            meta,
            row,
            [
                f"{spec.rows_path}[].{column.path}",
                f"{quote_sheetname(sheet_name)}!${letter}${first}:${letter}${last}",
            ],
        )
        row += 1
    for header_field in spec.fields:
        cells.put_row(meta, row, [header_field.path, f"{quote_sheetname(sheet_name)}!{header_field.anchor}"])
        row += 1
