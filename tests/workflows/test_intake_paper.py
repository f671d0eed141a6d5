"""A bureau's intake checks the stamped paper copy an applicant sends beside its files.

Two providers of the city's example intake send a scan of their own packet as they printed,
stamped and scanned it: the first whole (``盖章扫描件.pdf``), the second with a page left out
(in a ``scan/`` folder). The first is taken with its paper matched; the second is returned
with the missing page named in the intake report (XLSX and JSON), and both verifications are
written beside it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

import formgen
from formgen import api
from formgen.data import paths
from formgen.data.naming import safe_name
from formgen.document.controls import word_fill
from formgen.pdf import convert
from formgen.workflows import intake, intake_example, intake_paper, supplement
from tests.conftest import example_data
from tests.paper import scanning
from tests.pdf_reading import pages

pytestmark = pytest.mark.pdf

CITY = "sichuan-2023-110.city"
PROVIDER = "sichuan-2023-110.provider"
ANNEX3 = "sichuan-2023-110.annex3"


def _paper_copy(packet: Path, target: Path, *, leave_out: int | None = None) -> None:
    """`packet` printed, stamped at its seal places, scanned at 150 dpi turned 1°, as one PDF."""
    scanner = scanning.Scanner(angle=1.0, jpeg=70)
    images = []
    for n, (image, page) in enumerate(zip(scanning.render(packet, 150), pages(packet), strict=True), start=1):
        if n != leave_out:
            images.append(scanner.scan(scanning.stamp(image, scanning.seal_places(page), 150), seed=n))
    target.parent.mkdir(parents=True, exist_ok=True)
    scanning.save_pdf(images, target, 150)


def _collected(
    folder: Path, out: Path, side: dict[str, dict[str, Any]], *names: str
) -> list[intake.Applicant]:
    """The city's intake of `folder` into `out`, with the bureau's side values: the applicants `names`."""
    supplement.write(out, intake.side_fields(intake.slots(formgen.registry().packet(CITY))), side)
    taken = {a.name: a for a in intake.collect(CITY, folder, out).applicants}
    return [taken[name] for name in names]


def test_names_tell_the_paper_copy_from_other_scans(tmp_path: Path) -> None:
    root = tmp_path / "01-unit"
    assert intake_paper.is_paper_copy(root / "申报材料盖章扫描件.pdf", root)
    assert intake_paper.is_paper_copy(root / "scan" / "page-01.jpg", root)
    assert intake_paper.is_paper_copy(root / "盖章" / "1.png", root)
    assert not intake_paper.is_paper_copy(root / "营业执照.png", root)
    assert not intake_paper.is_paper_copy(root / "scans-of-licences" / "营业执照.png", root)


def test_collect_checks_the_paper_copy_beside_an_applicant(tmp_path: Path) -> None:
    folder = tmp_path / "applicants"
    out = tmp_path / "bureau"
    side = intake_example.write_applicants(formgen.registry().packet(CITY), folder)
    first, second = sorted(p for p in folder.iterdir() if p.is_dir())[:2]
    with convert.service():
        for n, (applicant, leave_out, target) in enumerate(
            ((first, None, "盖章扫描件.pdf"), (second, 3, "scan/page-all.pdf"))
        ):
            attachments = [
                {"title": p.stem, "file": str(p.resolve())}
                for p in sorted(applicant.iterdir())
                if p.suffix in (".png", ".pdf")
            ]
            # What the applicant sent, as its Word file holds it and the bureau's side sheet completes it.
            (word,) = applicant.glob("*.docx")
            report = api.read_back(ANNEX3, word).data
            for key, value in side[applicant.name].items():
                paths.set_at(report, key.split(":", 1)[1], value)
            made = api.packet(PROVIDER, {"report": report, "attachments": attachments}, tmp_path / f"p{n}")
            _paper_copy(made, applicant / target, leave_out=leave_out)
        good, bad = _collected(folder, out, side, first.name, second.name)

    assert good.status == "ok", good.issues
    assert good.paper is not None and good.paper["agrees"] is True and good.paper["pages"] == []
    assert all("盖章" not in title for title, _ in good.attachments), "the paper copy is no attachment"

    assert bad.status == "invalid", (bad.issues, bad.paper)
    assert bad.paper is not None and bad.paper["agrees"] is False
    assert [(p["page"], p["findings"]) for p in bad.paper["pages"]] == [(3, ["missing"])]
    (issue,) = bad.issues
    assert (issue.label, issue.severity) == ("第3页", "error")
    assert "纸质件与电子件不一致（扫描件缺页）" in issue.zh and "missing" in issue.en

    rows = [r for r in load_workbook(out / "intake-report.xlsx").active.iter_rows(values_only=True)]
    assert any(r[0] == second.name and r[5] == "第3页" and "扫描件缺页" in str(r[7]) for r in rows)
    reported = {
        a["applicant"]: a for a in json.loads((out / "intake-report.json").read_text(encoding="utf-8"))
    }
    assert reported[first.name]["paper"]["agrees"] is True
    assert reported[second.name]["paper"]["pages"][0]["findings"] == ["missing"]
    for name in (first.name, second.name):
        assert (out / "paper" / safe_name(name) / "verify-report.html").is_file()


ENTERPRISE = "sichuan-2023-110.enterprise"
ANNEX4 = "sichuan-2023-110.annex4"


def test_collect_checks_an_enterprises_paper_against_its_row_and_materials(tmp_path: Path) -> None:
    """An enterprise's packet is its 附件5 row and its 附件4 materials: collect reads the
    materials sent beside the row and checks the paper against both. The first enterprise's
    paper agrees; the second left its 附件5 page out."""
    folder = tmp_path / "applicants"
    out = tmp_path / "bureau"
    side = intake_example.write_applicants(formgen.registry().packet(CITY), folder)
    enterprises = sorted(p for p in folder.iterdir() if p.is_dir() and any(p.glob("*.xlsx")))
    first, second = enterprises[:2]
    materials = example_data(ANNEX4)
    with convert.service():
        for n, (applicant, leave_out) in enumerate(((first, None), (second, 4))):
            word = applicant / "附件4.docx"
            word.write_bytes(word_fill(formgen.render_blank(ANNEX4), materials))
            (xlsx,) = applicant.glob("*.xlsx")
            (row,) = api.read_filled("sichuan-2023-110.annex5", xlsx)["rows"]
            own = {k: v for k, v in api.read_back(ANNEX4, word).data.items() if k != "enterprise"}
            made = api.packet(ENTERPRISE, {"application": row, "materials": own}, tmp_path / f"p{n}")
            _paper_copy(made, applicant / "盖章扫描件.pdf", leave_out=leave_out)
        good, bad = _collected(folder, out, side, first.name, second.name)

    assert good.status == "ok", good.issues
    assert good.paper is not None and good.paper["agrees"] is True and good.paper["pages"] == []
    assert [i.severity for i in good.issues] == ["warning"], "附件4 is kept, not bound"

    assert bad.status == "invalid", (bad.issues, bad.paper)
    assert bad.paper is not None and bad.paper["agrees"] is False
    assert [(p["page"], p["findings"]) for p in bad.paper["pages"]] == [(4, ["missing"])]
    reported = {
        a["applicant"]: a for a in json.loads((out / "intake-report.json").read_text(encoding="utf-8"))
    }
    assert reported[first.name]["paper"]["agrees"] is True
    assert reported[second.name]["paper"]["pages"][0]["findings"] == ["missing"]
    rows = [r for r in load_workbook(out / "intake-report.xlsx").active.iter_rows(values_only=True)]
    assert any(r[0] == second.name and r[5] == "第4页" and "扫描件缺页" in str(r[7]) for r in rows)
