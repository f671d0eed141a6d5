"""A unit or suffix the paper prints after an input is never printed twice, whoever typed it."""

from __future__ import annotations

import copy
import io
from typing import Any

from docx import Document

import formgen
from formgen import api


def _annex3_text(data: dict[str, Any]) -> str:
    checked = api.check("sichuan-2023-110.annex3", data)
    assert checked.ok, [str(p) for p in checked.problems]
    assert checked.instance is not None
    document = Document(io.BytesIO(api.render_filled("sichuan-2023-110.annex3", checked.instance)))
    return "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)


def test_a_level_typed_with_its_ji_prints_once() -> None:
    data = copy.deepcopy(formgen.example_data("sichuan-2023-110.annex3"))
    data["profile"]["qualifications"] = [{"kind": "安全评价机构资质", "detail": "乙级"}]
    text = _annex3_text(data)
    assert "安全评价机构资质 乙级" in text
    assert "乙级级" not in text


def test_a_level_typed_without_it_prints_the_same() -> None:
    data = copy.deepcopy(formgen.example_data("sichuan-2023-110.annex3"))
    data["profile"]["qualifications"] = [{"kind": "安全评价机构资质", "detail": "乙"}]
    assert "安全评价机构资质 乙级" in _annex3_text(data)


def test_green_manufacturing_keeps_its_ji() -> None:
    data = copy.deepcopy(formgen.example_data("sichuan-2023-110.annex3"))
    data["profile"]["qualifications"] = [{"kind": "绿色制造体系评价第三方评价机构资格", "detail": "省级"}]
    assert "（国家级/省级）省级" in _annex3_text(data)


def test_an_amount_typed_with_wanyuan_is_the_amount() -> None:
    data = copy.deepcopy(formgen.example_data("sichuan-2023-110.annex3"))
    data["profile"]["registered_capital"] = "1200万元"
    checked = api.check("sichuan-2023-110.annex3", data)
    assert checked.ok and checked.instance is not None
    assert str(checked.instance.profile.registered_capital) == "1200"  # type: ignore[attr-defined]
    data["profile"]["registered_capital"] = "1200元"
    assert not api.check("sichuan-2023-110.annex3", data).ok
