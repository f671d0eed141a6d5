"""DOCX and XLSX to PDF through LibreOffice. The only module that starts LibreOffice.

One LibreOffice process converts a whole list of files in one call (a cold start costs
about a second; each further file a quarter of that). Every call gets its own user profile,
since two LibreOffice processes sharing one lock each other out, and formgen's fontconfig
file, which maps the 公文 font names to the free fonts installed by setup.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from importlib.resources import as_file, files
from pathlib import Path

DEFAULT_TIMEOUT_S = 300.0


class ConversionError(RuntimeError):
    """LibreOffice did not produce a PDF."""


def find_soffice() -> str:
    """Return the LibreOffice executable, or raise with what to install."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in sorted(Path("/opt").glob("libreoffice*/program/soffice")):
        return str(candidate)
    raise ConversionError(
        "未找到LibreOffice / LibreOffice not found: install it (Debian/Ubuntu: "
        "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui) or run `make setup`"
    )


def to_pdf(sources: Sequence[Path], out_dir: Path, *, timeout: float = DEFAULT_TIMEOUT_S) -> list[Path]:
    """Convert `sources` to PDFs in `out_dir` (same stem, .pdf) and return their paths.

    PDFs appear in `out_dir` only when complete: LibreOffice writes into a private folder,
    and each finished file is renamed into place.
    """
    if not sources:
        return []
    soffice = find_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="formgen-lo-") as work,
        as_file(files("formgen") / "fontconfig" / "fonts.conf") as fonts_conf,
    ):
        work_dir = Path(work)
        staging = work_dir / "pdf"
        profile = (work_dir / "profile").as_uri()
        env = dict(os.environ, FONTCONFIG_FILE=str(fonts_conf), HOME=str(work_dir), LC_ALL="C.UTF-8")
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(staging),
            *(str(s.resolve()) for s in sources),
        ]
        try:
            result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ConversionError(
                f"LibreOffice转换超时 / LibreOffice timed out after {timeout:.0f} s"
            ) from None
        made: list[Path] = []
        for source in sources:
            pdf = staging / f"{source.stem}.pdf"
            if not pdf.is_file() or pdf.stat().st_size == 0:
                detail = (result.stderr or result.stdout).strip()[-500:]
                raise ConversionError(
                    f"LibreOffice未能转换 / LibreOffice did not convert {source.name} "
                    f"(exit {result.returncode}): {detail}"
                )
            target = out_dir / pdf.name
            shutil.move(str(pdf), str(target.with_suffix(".pdf.part")))
            target.with_suffix(".pdf.part").replace(target)
            made.append(target)
        return made
