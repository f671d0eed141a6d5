"""The province's table: bureaus' summary tables joined, grouped, renumbered, conflicts named."""

from __future__ import annotations

import copy
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

import formgen
from formgen.cli import app
from tests.conftest import example_data

ANNEX5 = "sichuan-2023-110.annex5"


def _table(folder: Path, rows: list[dict[str, object]]) -> Path:
    (path,) = formgen.fill(ANNEX5, {"rows": rows}, folder)
    return path


def test_tables_join_by_city_with_a_conflict_named(tmp_path: Path) -> None:
    chengdu = example_data("sichuan-2023-110.city")["enterprises"]
    deyang = example_data("sichuan-2023-110.enterprise")["application"]
    twice = copy.deepcopy(chengdu[1])
    twice["unit_name"] = "四川蜀源建材（重复申报）"
    first = _table(tmp_path / "a", [chengdu[0], deyang, chengdu[1]])
    second = _table(tmp_path / "b", [twice, chengdu[2]])
    result = CliRunner().invoke(
        app, ["merge", ANNEX5, str(first), str(second), "--out", str(tmp_path / "out")]
    )
    output = " ".join(result.output.split())
    assert result.exit_code == 1, output
    assert "conflict" in output and chengdu[1]["credit_code"] in output
    assert "第3行" in output and "第1行" in output
    merged = tmp_path / "out" / f"{ANNEX5}.xlsx"
    read = formgen.api.read_filled(ANNEX5, merged)
    names = [row["unit_name"] for row in read["rows"]]
    assert names == [
        chengdu[0]["unit_name"],
        chengdu[1]["unit_name"],
        chengdu[2]["unit_name"],
        deyang["unit_name"],
    ]
    sheet = load_workbook(merged).worksheets[0]
    serials = [row[0] for row in sheet.iter_rows(values_only=True) if row[1] in names]
    assert serials == [1, 2, 3, 4]


def test_a_table_of_another_form_is_refused(tmp_path: Path) -> None:
    (other,) = formgen.fill("sichuan-2023-110.annex2", example_data("sichuan-2023-110.city"), tmp_path)
    good = _table(tmp_path / "a", example_data("sichuan-2023-110.city")["enterprises"])
    result = CliRunner().invoke(app, ["merge", ANNEX5, str(good), str(other), "--out", str(tmp_path / "out")])
    output = " ".join(result.output.split())
    assert result.exit_code == 1 and "refused" in output and "this is not sichuan-2023-110.annex5" in output
    assert len(formgen.api.read_filled(ANNEX5, tmp_path / "out" / f"{ANNEX5}.xlsx")["rows"]) == 3
