"""The side spreadsheet of a bureau's intake: what the paper does not print, typed once.

附件3 prints no 服务能力自评 and no 申报主体资格, yet 附件2 needs them. `collect` writes
``supplement.xlsx`` with one row per applicant and one column per such field, pre-filled
with what it read or inferred; the bureau completes it, and the next run reads it back.
Row 1 holds the form's labels, row 2 the data paths (the columns' keys), applicants from
row 3.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import BaseModel

from formgen.data import cells, untrusted
from formgen.document.package import normalize_zip, write_atomic
from formgen.model.fields import field_type, list_item

FILE = "supplement.xlsx"
_INPUT = PatternFill("solid", fgColor="FFF2CC")


def unprinted(model: type[BaseModel], tags: Iterable[str]) -> list[tuple[str, str, type | None]]:
    """The fields of `model` that no input of the blank fills: (path, label, type), in order.

    Lists are left out: a row that the paper cannot hold is no single cell's value.
    """
    inputs = {t.split("=", 1)[0].split("[", 1)[0] for t in tags}
    found: list[tuple[str, str, type | None]] = []

    def walk(current: type[BaseModel], prefix: str, labels: str) -> None:
        for name, info in current.model_fields.items():
            path = f"{prefix}{name}"
            label = f"{labels}{info.title or name}"
            annotation, _ = field_type(info)
            if list_item(annotation) is not None:
                continue
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                walk(annotation, f"{path}.", f"{label} › ")
            elif not any(i == path or i.startswith(f"{path}.") for i in inputs):
                found.append((path, label, annotation if isinstance(annotation, type) else None))

    walk(model, "", "")
    return found


def read(folder: Path) -> dict[str, dict[str, Any]]:
    """The values in `folder`'s side spreadsheet, by applicant and data path; {} without one."""
    path = folder / FILE
    if not path.is_file():
        return {}
    content = untrusted.read_file(path)
    untrusted.inspect(content, path.name)
    sheet = cells.open_workbook(content).active
    if sheet is None:
        return {}
    rows = list(sheet.iter_rows(values_only=True))
    if len(rows) < 2:
        return {}
    paths = [str(p) if p else "" for p in rows[1]]
    values: dict[str, dict[str, Any]] = {}
    for row in rows[2:]:
        if not row or not row[0]:
            continue
        values[str(row[0])] = {
            paths[i]: cells.value(value)
            for i, value in enumerate(row)
            if i >= 1 and paths[i] and value not in (None, "")
        }
    return values


def write(
    folder: Path,
    fields: list[tuple[str, str, type | None]],
    rows: Mapping[str, Mapping[str, Any]],
) -> Path:
    """Write the side spreadsheet: one row per applicant of `rows`, pre-filled with its values."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "补充信息"
    cells.append(sheet, ["申请人 applicant", *(label for _, label, _ in fields)])
    cells.append(sheet, ["", *(path for path, _, _ in fields)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(color="808080", size=9)
    for applicant, values in rows.items():
        cells.append(sheet, [applicant, *(_cell(values.get(path)) for path, _, _ in fields)])
    for column, (_, _, kind) in enumerate(fields, start=2):
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.column_dimensions[letter].width = 40
        for (cell,) in sheet.iter_rows(min_row=3, min_col=column, max_col=column):
            cell.fill = _INPUT
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            choices = ",".join(str(m.value) for m in kind)
            if len(choices) < 250:
                check = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
                check.add(f"{letter}3:{letter}{max(3, len(rows) + 2)}")
                sheet.add_data_validation(check)
    sheet.column_dimensions["A"].width = 36
    sheet.freeze_panes = "B3"
    target = folder / FILE
    write_atomic(target, normalize_zip(cells.save(book)))
    return target


def _cell(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value
