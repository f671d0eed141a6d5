"""Many submitters at once: one bad applicant never stops a batch."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import formgen
from formgen.cli import app
from formgen.model.checks import uscc_check_character
from formgen.workflows import batch
from tests.conftest import example_data

ENTERPRISE = "sichuan-2023-110.enterprise"


def _enterprise(n: int) -> dict[str, Any]:
    """The example enterprise, renamed and recoded as the n-th one."""
    data = copy.deepcopy(example_data(ENTERPRISE))
    body = f"9151060{n}MA6285K3X"
    data["application"].update(
        unit_name=f"德阳第{n}机械有限公司", credit_code=body + uscc_check_character(body)
    )
    return data


@pytest.fixture(scope="module")
def folder_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[batch.Outcome]]:
    source = tmp_path_factory.mktemp("in")
    for n in (1, 2):
        (source / f"e{n}.yaml").write_text(
            yaml.safe_dump(_enterprise(n), allow_unicode=True), encoding="utf-8"
        )
    bad = _enterprise(3)
    bad["application"]["credit_code"] = "123"
    (source / "e3.json").write_text(json.dumps(bad, ensure_ascii=False, default=str), encoding="utf-8")
    (source / "e4.yaml").write_text("application: [unclosed\n", encoding="utf-8")
    (source / "notes.txt").write_text("not data", encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    return out, batch.run(ENTERPRISE, source, out)


def test_good_submitters_are_made_and_bad_ones_recorded(
    folder_batch: tuple[Path, list[batch.Outcome]],
) -> None:
    out, outcomes = folder_batch
    assert [(o.source, o.status) for o in outcomes] == [
        ("e1.yaml", "ok"),
        ("e2.yaml", "ok"),
        ("e3.json", "invalid"),
        ("e4.yaml", "invalid"),
    ]
    for outcome in outcomes[:2]:
        assert (out / outcome.output).read_bytes().startswith(b"%PDF-")
        assert outcome.submitter in outcome.output
    assert any("application.credit_code" in p for p in outcomes[2].problems)
    assert "e4.yaml:2:1:" in outcomes[3].problems[0]


def test_report_lists_every_submitter(folder_batch: tuple[Path, list[batch.Outcome]]) -> None:
    out, outcomes = folder_batch
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    assert [r["status"] for r in report] == [o.status for o in outcomes]
    rows = list(csv.DictReader((out / "batch-report.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [r["source"] for r in rows] == ["e1.yaml", "e2.yaml", "e3.json", "e4.yaml"]


def test_json_lines_and_a_spreadsheet_of_data_paths(tmp_path: Path) -> None:
    lines = tmp_path / "in.jsonl"
    lines.write_text(
        "\n".join(json.dumps(_enterprise(n), ensure_ascii=False, default=str) for n in (5, 6))
        + "\n{broken\n",
        encoding="utf-8",
    )
    outcomes = batch.run(ENTERPRISE, lines, tmp_path / "out")
    assert [(o.source, o.status) for o in outcomes] == [
        ("in.jsonl:1", "ok"),
        ("in.jsonl:2", "ok"),
        ("in.jsonl:3", "invalid"),
    ]

    sheet = tmp_path / "in.csv"
    data = _enterprise(7)
    record = {f"application.{k}": v for k, v in data["application"].items()}
    for key in ("overview", "processes", "problems", "projects", "support"):
        record[f"materials.{key}"] = data["materials"][key]
    for i, item in enumerate(data["materials"]["equipment"][:2]):
        record.update({f"materials.equipment[{i}].{k}": v for k, v in item.items()})
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(record))
        writer.writeheader()
        writer.writerow(record)
    (parsed,) = list(batch.submissions(sheet))
    assert parsed.source == "in.csv:2"
    assert formgen.check(ENTERPRISE, parsed.data).ok
    assert len(parsed.data["materials"]["equipment"]) == 2


def test_unflatten() -> None:
    assert batch.unflatten({"a.b[1].c": 1, "a.b[0].c": 0, "a.d": "x"}) == {
        "a": {"b": [{"c": 0}, {"c": 1}], "d": "x"}
    }


def test_cli_exit_status_and_summary(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "ok.yaml").write_text(yaml.safe_dump(_enterprise(8), allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", ENTERPRISE, str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "1/1" in result.output
    (source / "bad.yaml").write_text("application: {}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", ENTERPRISE, str(source), "--out", str(tmp_path / "out2")])
    assert result.exit_code == 1 and "1/2" in result.output
    assert CliRunner().invoke(app, ["batch", ENTERPRISE, str(tmp_path / "nowhere")]).exit_code == 2
