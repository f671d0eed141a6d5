"""The pipeline's contracts (docs/architecture.md) hold, and a wrong import would break them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def test_contracts_are_kept() -> None:
    result = subprocess.run([LINT_IMPORTS], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


def test_a_wrong_import_breaks_a_contract(tmp_path: Path) -> None:
    """A model module that imports the PDF stage, or rich, is refused."""
    copy = tmp_path / "repo"
    for part in ("formgen", "data_models", "form_templates"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy)
    checks = copy / "formgen" / "model" / "checks.py"
    checks.write_text(checks.read_text() + "\nimport rich\n\nfrom formgen.pdf import convert\n")
    result = subprocess.run(
        [LINT_IMPORTS],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1, result.stdout
    assert "Stages import only the stages below them BROKEN" in result.stdout
    assert "Only the command line imports rich BROKEN" in result.stdout
    assert "formgen.model.checks -> formgen.pdf.convert" in result.stdout
