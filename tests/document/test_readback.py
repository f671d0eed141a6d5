"""A blank form filled in by hand reads back into the data that fills it.

Word is played here: each content control of a blank form gets what a person would type or
tick, found in the example data by the control's tag; reading the document back must give
data that validates to the same model as the example.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from typer.testing import CliRunner

import formgen
from formgen.cli import app
from tests.conftest import example_data

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
_STEP = re.compile(r"([^.\[\]]+)(?:\[([^\]]*)\])?")


def _value(data: Any, tag: str) -> Any:
    """What a person fills into the control tagged `tag`: text, a date, or True for a tick."""
    path, _, option = tag.partition("=")
    current = data
    for name, index in _STEP.findall(path):
        if not isinstance(current, dict) or name not in current:
            return None
        current = current[name]
        if index:
            if index.isdigit():
                current = current[int(index)] if int(index) < len(current) else None
            else:  # a printed list's item, by its key: the item whose first field is the key
                current = next((item for item in current if index in item.values()), None)
                if current is None:
                    return None
                if tag.endswith(f"[{index}]"):
                    return True
    if option:
        return option == current or (isinstance(current, list) and option in current)
    return current


def _word_fill(blank: bytes, data: dict[str, Any]) -> bytes:
    """The blank document with every control filled from `data` as Word would store it."""
    source = zipfile.ZipFile(io.BytesIO(blank))
    root = etree.fromstring(source.read("word/document.xml"))
    for sdt in root.iter(W + "sdt"):
        pr = sdt.find(W + "sdtPr")
        value = _value(data, pr.find(W + "tag").get(W + "val"))
        box = pr.find(W14 + "checkbox")
        if box is not None:
            box.find(W14 + "checked").set(W14 + "val", "1" if value is True else "0")
            continue
        if value in (None, ""):
            continue
        plc = pr.find(W + "showingPlcHdr")
        pr.remove(plc)
        date = pr.find(W + "date")
        if isinstance(value, dt.date) and date is not None:
            date.set(W + "fullDate", f"{value.isoformat()}T00:00:00Z")
            value = f"{value.year}年{value.month}月{value.day}日"
        texts = list(sdt.find(W + "sdtContent").iter(W + "t"))
        texts[0].text = str(value)
        for extra in texts[1:]:
            extra.text = ""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = etree.tostring(root) if name == "word/document.xml" else source.read(name)
            target.writestr(name, content)
    return out.getvalue()


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
