"""Output names from data stay inside the output folder; internal errors never show a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from formgen import api
from formgen.cli import app
from formgen.data.naming import MAX_CHARS, safe_name


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "成都/公司", "a\\b", "..", "", "   ", "con:*?", "\x00x", "名" * 200, "/"],
)
def test_names_never_leave_the_folder(name: str, tmp_path: Path) -> None:
    safe = safe_name(name)
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert not safe.startswith(".")
    assert len(safe) <= MAX_CHARS + 7
    target = (tmp_path / safe).resolve()
    assert target.parent == tmp_path.resolve()


def test_names_are_stable_and_do_not_clash() -> None:
    assert safe_name("成都蜀安智造技术服务有限公司") == safe_name("成都蜀安智造技术服务有限公司")
    long_a, long_b = "名" * 60 + "甲", "名" * 60 + "乙"
    assert safe_name(long_a) != safe_name(long_b)
    assert safe_name("a/b") != safe_name("a_b")


def test_internal_error_is_logged_not_shown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom in the engine")

    monkeypatch.setattr(api, "blank", broken)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    result = CliRunner().invoke(app, ["blank", "--all", "--out", str(tmp_path / "o")])
    assert result.exit_code == 3
    assert "Traceback" not in result.output and "internal error" in result.output
    (log,) = (tmp_path / "state" / "formgen").glob("formgen-error-*.log")
    assert str(log) in result.output.replace("\n", "")
    assert "boom in the engine" in log.read_text(encoding="utf-8")


def test_a_libreoffice_failure_exits_3_with_its_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from formgen.pdf.convert import ConversionError

    def failing(*args: object, **kwargs: object) -> object:
        raise ConversionError("LibreOffice未能转换 / LibreOffice did not convert x.docx")

    monkeypatch.setattr(api, "blank", failing)
    result = CliRunner().invoke(app, ["blank", "--all", "--out", str(tmp_path)])
    assert result.exit_code == 3
    assert "did not convert x.docx" in result.output
