"""The command line contract of DESIGN.md: outputs, messages and exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import formgen
from formgen.cli import app

ANNEX3 = "sichuan-2023-110.annex3"
runner = CliRunner()


@pytest.fixture
def example_file(tmp_path: Path) -> Path:
    path = tmp_path / "report.yaml"
    path.write_text(formgen.example_text(ANNEX3), encoding="utf-8")
    return path


def test_every_command_has_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    commands = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    assert set(commands) >= {"forms", "blank", "example", "schema", "validate", "rules", "fill", "read"}
    assert set(commands) >= {"packet", "batch", "demo"}
    for command in commands:
        assert command in result.output
        sub = runner.invoke(app, [command, "--help"])
        assert sub.exit_code == 0 and len(sub.output) > 80, command


def test_forms_lists_notices_forms_and_packets() -> None:
    result = runner.invoke(app, ["forms"])
    assert result.exit_code == 0
    assert "川经信办函〔2023〕110号" in result.output
    assert ANNEX3 in result.output and "sichuan-2023-110.city" in result.output


def test_example_validates_and_fills(example_file: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["example", ANNEX3]).output == formgen.example_text(ANNEX3)
    assert runner.invoke(app, ["validate", ANNEX3, str(example_file)]).exit_code == 0
    out = tmp_path / "out"
    result = runner.invoke(app, ["fill", ANNEX3, str(example_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [f"{ANNEX3}.docx"]


def test_invalid_data_exits_1_and_writes_nothing(example_file: Path, tmp_path: Path) -> None:
    data = yaml.safe_load(example_file.read_text(encoding="utf-8"))
    data["profile"]["contact"]["mobile"] = "123"
    example_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["fill", ANNEX3, str(example_file), "--out", str(out), "--pdf"])
    assert result.exit_code == 1
    assert "profile.contact.mobile" in result.output and "手机" in result.output
    assert not out.exists() or list(out.iterdir()) == []
    as_json = runner.invoke(app, ["validate", ANNEX3, str(example_file), "--json"])
    assert as_json.exit_code == 1
    (problem,) = json.loads(as_json.stdout)
    assert problem["path"] == "profile.contact.mobile" and problem["severity"] == "error"


def test_existing_output_survives_a_failed_fill(example_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["fill", ANNEX3, str(example_file), "--out", str(out)]).exit_code == 0
    before = (out / f"{ANNEX3}.docx").read_bytes()
    example_file.write_text("profile: [unclosed\n", encoding="utf-8")
    result = runner.invoke(app, ["fill", ANNEX3, str(example_file), "--out", str(out)])
    assert result.exit_code == 1 and "report.yaml:" in result.output
    assert (out / f"{ANNEX3}.docx").read_bytes() == before
    assert [p.name for p in out.iterdir()] == [f"{ANNEX3}.docx"]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["fill", "no-such.form", str(tmp_path / "x.yaml")]).exit_code == 2
    assert runner.invoke(app, ["validate", ANNEX3, str(tmp_path / "missing.yaml")]).exit_code == 2
    assert runner.invoke(app, ["blank"]).exit_code == 2
    assert runner.invoke(app, ["fill"]).exit_code == 2


def test_schema_is_json_with_the_form_labels() -> None:
    result = runner.invoke(app, ["schema", ANNEX3])
    schema = json.loads(result.stdout)
    assert schema["properties"]["directions"]["title"] == "申报方向"
    assert "基本情况表" in result.stdout


def test_blank_all_writes_every_form(tmp_path: Path) -> None:
    result = runner.invoke(app, ["blank", "--all", "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f.file_name for f in formgen.registry().forms()
    )


def test_console_script_fills_with_pdf(example_file: Path, tmp_path: Path) -> None:
    """The installed `formgen` command, end to end through LibreOffice."""
    script = Path(sys.executable).parent / "formgen"
    out = tmp_path / "out"
    done = subprocess.run(
        [str(script), "fill", ANNEX3, str(example_file), "--out", str(out), "--pdf"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [f"{ANNEX3}.docx", f"{ANNEX3}.pdf"]
    assert (out / f"{ANNEX3}.pdf").read_bytes().startswith(b"%PDF-")


def test_example_with_out_writes_a_packet_that_works(tmp_path: Path) -> None:
    """A newcomer's first packet: the example with its attachment files, then the packet."""
    folder = tmp_path / "ex"
    result = runner.invoke(app, ["example", "sichuan-2023-110.provider", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    data = folder / "sichuan-2023-110.provider.yaml"
    assert (folder / "attachments" / "business-licence.png").is_file()
    result = runner.invoke(app, ["validate", "sichuan-2023-110.provider", str(data)])
    assert result.exit_code == 0, result.output
    moved = tmp_path / "elsewhere.yaml"
    moved.write_text(data.read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(
        app, ["packet", "sichuan-2023-110.provider", str(moved), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    assert "attachments[0].file" in result.output and "not found" in result.output


def test_validate_finds_missing_attachment_files(tmp_path: Path) -> None:
    folder = tmp_path / "ex"
    assert runner.invoke(app, ["example", "sichuan-2023-110.provider", "--out", str(folder)]).exit_code == 0
    (folder / "attachments" / "business-licence.png").unlink()
    result = runner.invoke(
        app, ["validate", "sichuan-2023-110.provider", str(folder / "sichuan-2023-110.provider.yaml")]
    )
    assert result.exit_code == 1
    assert "attachments[0].file" in result.output and "business-licence.png" in result.output
