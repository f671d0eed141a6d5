"""Packet data of 川经信办函〔2023〕110号: each document derived from what the submitter wrote once."""

from __future__ import annotations

from pathlib import Path

import formgen
from tests import reading

ENTERPRISE = "sichuan-2023-110.enterprise"


def test_enterprise_is_named_once_and_appears_in_both_documents(tmp_path: Path) -> None:
    data = formgen.example_data(ENTERPRISE)
    assert "enterprise" not in data["materials"]
    (annex4,) = formgen.fill("sichuan-2023-110.annex4", data, tmp_path)
    (annex5,) = formgen.fill("sichuan-2023-110.annex5", data, tmp_path)
    name = data["application"]["unit_name"]
    assert name in reading.docx_text(annex4)
    assert name in reading.xlsx_text(annex5)
    assert reading.xlsx_text(annex5).count(data["application"]["credit_code"]) == 1


def test_city_makes_one_report_per_provider(tmp_path: Path) -> None:
    data = formgen.example_data("sichuan-2023-110.city")
    reports = formgen.fill("sichuan-2023-110.annex3", data, tmp_path)
    assert [p.name for p in reports] == [f"sichuan-2023-110.annex3-0{n}.docx" for n in (1, 2, 3)]
    for path, provider in zip(reports, data["providers"], strict=True):
        assert provider["profile"]["unit_name"] in reading.docx_text(path)
