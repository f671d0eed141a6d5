"""A bureau's intake: applicants' files in, the bound packet and the summary tables out.

The folder is what applicants send: forms filled as Word stores them, one re-saved by
LibreOffice, scans, one applicant who left 申报方向 empty, and one who sent another
notice's form under a wrong extension too.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import formgen
from formgen.cli import app
from formgen.document.controls import word_fill
from formgen.workflows import intake, intake_example, supplement
from tests.conftest import example_data
from tests.pdf_reading import pages

CITY = "sichuan-2023-110.city"


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    """The example applicants' files, one more applicant with a wrong form, and the side values."""
    folder = tmp_path_factory.mktemp("sent") / "applicants"
    side = intake_example.write_applicants(formgen.registry().packet(CITY), folder)
    enterprise = next(p for p in folder.iterdir() if p.name.startswith("04-"))
    materials = example_data("sichuan-2023-110.annex4")
    (enterprise / "附件4.docx").write_bytes(
        word_fill(formgen.render_blank("sichuan-2023-110.annex4"), materials)
    )
    wrong = folder / "07-wrong"
    wrong.mkdir()
    (wrong / "申报书.docx").write_bytes(formgen.render_blank("chongqing-2023-1.annex2"))
    (wrong / "营业执照.png").write_bytes(b"%PDF-1.4 not a picture")
    (wrong / "资质证书.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    (wrong / "财务报表.pdf").symlink_to("/etc/passwd")
    return folder, side


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _report(out: Path) -> dict[str, list[tuple[Any, ...]]]:
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for row in load_workbook(out / "intake-report.xlsx").active.iter_rows(min_row=2, values_only=True):
        rows.setdefault(str(row[0]), []).append(row)
    return rows


def _collect(folder: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["collect", CITY, str(folder), "--out", str(out)])
    return result.exit_code, " ".join(result.output.split())


def test_collect_binds_the_valid_and_reports_the_rest(
    sent: tuple[Path, dict[str, dict[str, Any]]], tmp_path: Path
) -> None:
    folder, side = sent
    before = _digests(folder)
    supplement.write(tmp_path, intake.side_fields(intake.slots(formgen.registry().packet(CITY))), side)
    code, output = _collect(folder, tmp_path)
    assert code == 1, output  # not every applicant was taken
    assert "internal error" not in output
    report = _report(tmp_path)
    status = {name: rows[0][2] for name, rows in report.items()}
    assert [s.split()[0] for s in status.values()] == [
        "受理",
        "受理",
        "退回修改",
        "受理",
        "受理",
        "受理",
        "拒收",
    ]
    (problem,) = report[next(n for n in report if n.startswith("03-"))]
    assert problem[4:7] == ("error", "申报方向", "directions")
    kept = report[next(n for n in report if n.startswith("04-"))]
    assert any(r[4] == "warning" and str(r[5]).startswith("附件4") and "not bound" in str(r[8]) for r in kept)
    refused = report["07-wrong"]
    assert any("this is not sichuan-2023-110.annex3" in str(r[8]) for r in refused)
    assert any("not what the extension says" in str(r[8]) for r in refused)
    assert any("symbolic link" in str(r[8]) for r in refused)
    assert any("the PDF is damaged" in str(r[8]) for r in refused), "parsed for real, not sniffed"
    assert _digests(folder) == before  # the applicants' files are never changed

    text = "".join(page.text for page in pages(tmp_path / f"{CITY}.pdf"))
    city = example_data(CITY)
    names = [p["profile"]["unit_name"] for p in city["providers"]]
    assert names[0] in text and names[1] in text  # the second one was re-saved by LibreOffice
    assert f"申请报告（{names[2]}）" not in text
    assert "business-licence" in text  # the first provider's scans follow the documents
    summary = formgen.api.read_filled("sichuan-2023-110.annex2", tmp_path / "sichuan-2023-110.annex2.xlsx")
    assert [r["unit_name"] for r in summary["rows"]] == names[:2]
    assert [r["county"] for r in summary["rows"]] == [
        p["profile"]["region"]["county"] for p in city["providers"][:2]
    ]
    enterprises = formgen.api.read_filled(
        "sichuan-2023-110.annex5", tmp_path / "sichuan-2023-110.annex5.xlsx"
    )
    assert [r["unit_name"] for r in enterprises["rows"]] == [e["unit_name"] for e in city["enterprises"]]


def test_the_side_spreadsheet_asks_only_what_the_paper_does_not_say(
    sent: tuple[Path, dict[str, dict[str, Any]]], tmp_path: Path
) -> None:
    folder, side = sent
    code, _ = _collect(folder, tmp_path)
    assert code == 1
    sheet = load_workbook(tmp_path / supplement.FILE).active
    paths = [c.value for c in sheet[2]]
    rows = {r[0].value: {paths[i]: c.value for i, c in enumerate(r)} for r in sheet.iter_rows(min_row=3)}
    first = next(n for n in rows if n.startswith("01-"))
    region = "sichuan-2023-110.annex3:profile.region"
    assert (rows[first][f"{region}.city"], rows[first][f"{region}.county"]) == (
        "成都市",
        "武侯区",
    )  # from 注册地址
    assert rows[first]["sichuan-2023-110.annex3:self_assessment"] is None  # to be typed once
    report = _report(tmp_path)
    assert any(r[6] == "self_assessment" for r in report[first])
    # The bureau types what is asked, and the next run takes the provider.
    for row in sheet.iter_rows(min_row=3):
        for key, value in side.get(str(row[0].value), {}).items():
            row[paths.index(key)].value = value
    sheet.parent.save(tmp_path / supplement.FILE)
    code, _ = _collect(folder, tmp_path)
    assert _report(tmp_path)[first][0][2].startswith("受理")


def test_a_second_run_reads_only_the_applicant_that_changed(
    sent: tuple[Path, dict[str, dict[str, Any]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original, side = sent
    folder = tmp_path / "applicants"
    shutil.copytree(original, folder)
    shutil.rmtree(folder / "07-wrong")
    out = tmp_path / "out"
    supplement.write(out, intake.side_fields(intake.slots(formgen.registry().packet(CITY))), side)
    assert _collect(folder, out)[0] == 1
    read: list[str] = []
    real = formgen.api.read_back

    def counting(form_id: str, path: Path) -> Any:
        read.append(path.parent.name)
        return real(form_id, path)

    monkeypatch.setattr(formgen.api, "read_back", counting)
    converted_before = set((out / intake.CACHE / "pdf").iterdir())
    fixed = next(p for p in folder.iterdir() if p.name.startswith("03-"))
    provider = example_data(CITY)["providers"][2]
    (fixed / "附件3.docx").write_bytes(word_fill(formgen.render_blank("sichuan-2023-110.annex3"), provider))
    code, output = _collect(folder, out)
    assert code == 0, output
    assert read == [fixed.name]
    converted = set((out / intake.CACHE / "pdf").iterdir()) - converted_before
    assert len(converted) == 2  # the fixed report and 附件2, which gained its row; nothing else
    text = "".join(page.text for page in pages(out / f"{CITY}.pdf"))
    assert provider["profile"]["unit_name"] in text
    made = (out / f"{CITY}.pdf").stat().st_mtime_ns
    assert _collect(folder, out)[0] == 0  # nothing changed: nothing read, nothing bound again
    assert read == [fixed.name] and (out / f"{CITY}.pdf").stat().st_mtime_ns == made


def test_a_run_that_cannot_bind_leaves_no_earlier_packet(
    sent: tuple[Path, dict[str, dict[str, Any]]], tmp_path: Path
) -> None:
    original, side = sent
    folder = tmp_path / "applicants"
    shutil.copytree(original, folder, symlinks=True)
    out = tmp_path / "out"
    supplement.write(out, intake.side_fields(intake.slots(formgen.registry().packet(CITY))), side)
    _collect(folder, out)
    assert (out / f"{CITY}.pdf").is_file()
    for enterprise in [p for p in folder.iterdir() if p.name[:2] in ("04", "05", "06")]:
        shutil.rmtree(enterprise)  # no enterprise left: 附件5 cannot be made
    code, output = _collect(folder, out)
    assert code == 1 and "the packet was not made" in output
    assert not (out / f"{CITY}.pdf").exists() and not (out / "sichuan-2023-110.annex2.xlsx").exists()


def test_without_the_bureaus_part_nothing_is_made(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    code, output = _collect(tmp_path / "in", tmp_path / "out")
    assert code == 1 and "bureau.yaml" in output and "bureau" in output
    assert not (tmp_path / "out" / f"{CITY}.pdf").exists()
