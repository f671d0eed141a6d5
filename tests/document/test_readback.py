"""A blank form filled in by hand reads back into the data that fills it.

Word is played here (`formgen.document.controls.word_fill`): each content control of a blank form gets what a person would type or
tick, found in the example data by the control's tag; reading the document back must give
data that validates to the same model as the example.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

import formgen
from formgen.cli import app
from formgen.document.controls import value_at, word_fill
from tests.conftest import example_data

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_value = value_at
_word_fill = word_fill


FORMS = ["sichuan-2023-110.annex3", "sichuan-2023-110.annex4", "chongqing-2023-1.annex2"]


def _tags(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return [e.get(W + "val") for e in root.iter(W + "tag")]


@pytest.mark.parametrize("form_id", FORMS)
def test_a_blank_filled_in_word_reads_back_to_the_data(form_id: str, tmp_path: Path) -> None:
    """Every control reads back what was filled into it, at its data path."""
    data = example_data(form_id)
    blank = formgen.render_blank(form_id)
    filled = tmp_path / "filled.docx"
    filled.write_bytes(_word_fill(blank, data))
    read = formgen.api.read_filled(form_id, filled)
    expected = {tag: _value(data, tag) for tag in _tags(blank)}
    found = {tag: _value(read, tag) for tag in expected}
    as_typed = {
        t: v if isinstance(v, bool) else (None if v in (None, "") else str(v).strip())
        for t, v in expected.items()
    }
    found = {t: v if isinstance(v, bool) or v is None else str(v) for t, v in found.items()}
    # An unticked box reads back as not ticked, or as no value at all.
    assert {t: v for t, v in found.items() if v not in (None, False)} == {
        t: v for t, v in as_typed.items() if v not in (None, False)
    }


def test_what_the_paper_holds_validates(tmp_path: Path) -> None:
    """Read back, the 申报书 validates as it is: everything it asks for is on the paper."""
    form_id = "chongqing-2023-1.annex2"
    data = example_data(form_id)
    for key in ("others",):
        data["kpis"][key] = data["kpis"][key][:2]  # the blank offers two 其他指标 rows
    for key in ("legal", "strength", "honours"):
        data["proofs"][key] = data["proofs"][key][:2]
    filled = tmp_path / "filled.docx"
    filled.write_bytes(_word_fill(formgen.render_blank(form_id), data))
    checked = formgen.check(form_id, formgen.api.read_filled(form_id, filled))
    assert checked.ok, [str(p) for p in checked.problems]
    original = formgen.check(form_id, data).instance
    assert checked.instance == original


def test_unfilled_blank_reads_as_empty(tmp_path: Path) -> None:
    (blank,) = formgen.blank(["sichuan-2023-110.annex3"], tmp_path)
    assert formgen.api.read_filled("sichuan-2023-110.annex3", blank) == {}


def test_a_summary_table_reads_back(tmp_path: Path) -> None:
    city = example_data("sichuan-2023-110.city")
    (table,) = formgen.fill("sichuan-2023-110.annex2", city, tmp_path)
    read = formgen.api.read_filled("sichuan-2023-110.annex2", table)
    checked = formgen.check("sichuan-2023-110.annex2", read)
    assert checked.ok, [str(p) for p in checked.problems]
    (expected,) = formgen.api.form_data("sichuan-2023-110.annex2", city)
    assert checked.instance == expected


def test_read_command_writes_yaml(tmp_path: Path) -> None:
    (blank,) = formgen.blank(["chongqing-2023-1.annex1"], tmp_path)
    result = CliRunner().invoke(
        app, ["read", "chongqing-2023-1.annex1", str(blank), "--out", str(tmp_path / "d.yaml")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "d.yaml").read_text(encoding="utf-8") == "rows: []\n"
    assert (
        CliRunner().invoke(app, ["read", "chongqing-2023-1.annex1", str(tmp_path / "none.xlsx")]).exit_code
        == 2
    )
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    assert (
        CliRunner().invoke(app, ["read", "sichuan-2023-110.annex3", str(tmp_path / "bad.docx")]).exit_code
        == 1
    )


def test_totals_written_on_paper_are_derived_again(tmp_path: Path) -> None:
    """A 合计 or 总目标 someone wrote in the blank is not data: it is computed from its parts."""
    form_id = "sichuan-2023-110.annex4"
    data = example_data(form_id)
    data["equipment"] = data["equipment"][:2]
    data["equipment_total"] = 999  # what a hand wrote in the 合计 cell
    filled = tmp_path / "filled.docx"
    filled.write_bytes(_word_fill(formgen.render_blank(form_id), data))
    read = formgen.api.read_filled(form_id, filled)
    assert "equipment_total" not in read
    checked = formgen.check(form_id, read)
    assert checked.ok, [str(p) for p in checked.problems]
    assert getattr(checked.instance, "equipment_total", None) == sum(e["quantity"] for e in data["equipment"])
