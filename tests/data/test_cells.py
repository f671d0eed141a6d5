"""Values into and out of spreadsheet cells: text stays text, a formula in a file is read as its text."""

from __future__ import annotations

import ast
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from formgen.data import cells, tabular
from tests.formulas import PAYLOADS, formulas

ROOT = Path(__file__).resolve().parents[2]


def _saved(book: Workbook, tmp_path: Path) -> Path:
    path = tmp_path / "book.xlsx"
    path.write_bytes(cells.save(book))
    return path


def test_text_is_stored_as_typed_and_never_as_a_formula(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    values = [*PAYLOADS, "#N/A", "=", 42, Decimal("12680.45"), 3.5, dt.date(2023, 4, 14)]
    for row, value in enumerate(values, start=1):
        cells.put(sheet.cell(row=row, column=1), value)
    path = _saved(book, tmp_path)

    assert formulas(path) == []
    read = [c.value for (c,) in load_workbook(path).worksheets[0].iter_rows(max_col=1)]
    types = [c.data_type for (c,) in load_workbook(path).worksheets[0].iter_rows(max_col=1)]
    assert read[: len(PAYLOADS) + 2] == [*PAYLOADS, "#N/A", "="]
    assert types[: len(PAYLOADS) + 2] == ["s"] * (len(PAYLOADS) + 2)
    assert read[-4:] == [42, 12680.45, 3.5, dt.datetime(2023, 4, 14)]
    assert types[-4:] == ["n", "n", "n", "d"]


def test_formgen_s_own_formula_stays_a_formula(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    cells.put_row(sheet, 1, [1, 2])
    cells.formula(sheet["C1"], "=SUM(A1:B1)")
    path = _saved(book, tmp_path)
    assert formulas(path) == ["<f>SUM(A1:B1)</f>"]


def test_a_value_set_round_put_is_refused_when_saved(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["B2"] = '=HYPERLINK("http://evil.example")'  # as a careless writer would
    with pytest.raises(cells.FormulaFromDataError, match="B2"):
        cells.save(book)


def _with_cached_formula(tmp_path: Path) -> Path:
    """A workbook whose B2 is a formula with a cached result that lies, as any sender can write it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    cells.put_row(sheet, 1, ["单位名称", "营业收入"])
    cells.put_row(sheet, 2, ["甲公司", 0])
    buffer = io.BytesIO()
    book.save(buffer)
    source, target = zipfile.ZipFile(buffer), tmp_path / "sent.xlsx"
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="B2" t="n"><v>0</v></c>', b'<c r="B2"><f>9*1000</f><v>999</v></c>')
                assert b"<f>" in data
            out.writestr(item, data)
    return target


def test_a_formula_in_a_sent_workbook_is_read_as_its_text_not_its_cached_value(tmp_path: Path) -> None:
    sent = _with_cached_formula(tmp_path)
    sheet = cells.open_workbook(sent.read_bytes()).worksheets[0]
    assert cells.value(sheet["B2"].value) == "=9*1000"
    rows = tabular.read_table(sent)
    assert rows == [{"单位名称": "甲公司", "营业收入": "=9*1000"}]


def _writes_workbooks(tree: ast.AST) -> list[str]:
    """Where a module saves a workbook or puts a value into a cell other than through `cells`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            through_cells = isinstance(node.func.value, ast.Name) and node.func.value.id == "cells"
            if node.func.attr == "save" and not through_cells:
                found.append(f"line {node.lineno}: .save(")
            if node.func.attr == "cell" and any(k.arg == "value" for k in node.keywords):
                found.append(f"line {node.lineno}: .cell(value=…)")
        for target in node.targets if isinstance(node, ast.Assign) else []:
            if isinstance(target, ast.Attribute) and target.attr == "value":
                found.append(f"line {target.lineno}: .value =")
            key = target.slice if isinstance(target, ast.Subscript) else None
            if isinstance(key, ast.Constant) and re.fullmatch(r"[A-Z]{1,3}[0-9]+", str(key.value)):
                found.append(f"line {target.lineno}: sheet[{key.value!r}] =")
    return found


def test_only_the_cells_module_writes_cells_or_saves_a_workbook() -> None:
    """Every module that uses openpyxl writes through `formgen.data.cells` (put, formula, save).

    `cells.save` refuses a formula it did not write, whichever way it got in; this catches the
    writer at review, before a payload in a test does."""
    offenders = {}
    for path in sorted((ROOT / "formgen").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if "openpyxl" in source and path.name != "cells.py":
            found = _writes_workbooks(ast.parse(source))
            if found:
                offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


def test_the_scan_finds_each_way_round_cells() -> None:
    careless = "sheet.cell(row=1, column=1, value=x)\ncell.value = y\nbook.save(buffer)\nsheet['A1'] = z\n"
    assert len(_writes_workbooks(ast.parse(careless))) == 4
