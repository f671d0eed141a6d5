"""The set-up scripts that `.ci/run` and `make test` eval print nothing but what is eval'd."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(
    os.geteuid() != 0 and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode != 0,
    reason="setup-postgres.sh needs root",
)
def test_setup_postgres_prints_only_the_export_line() -> None:
    """`eval "$(scripts/setup-postgres.sh)"` runs whatever reaches stdout: tools' own output
    (such as pg_ctlcluster's "Removed stale pid file.") must go to stderr."""
    done = subprocess.run(
        [str(ROOT / "scripts" / "setup-postgres.sh")],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    assert re.fullmatch(r"export FORMGEN_TEST_DATABASE_URL=postgresql://\S+\n", done.stdout), done.stdout
