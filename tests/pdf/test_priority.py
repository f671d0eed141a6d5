"""PDF work runs below formgen's own CPU priority, so that a person's request takes the CPU first.

Every process formgen starts for PDF work is checked here: the warm LibreOffice and its bridge
(read from the running processes), and the short-lived ones (cold LibreOffice, Ghostscript,
poppler), through stand-ins on PATH that write down the niceness they were started with.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

import formgen
from formgen.pdf import convert, packet_pdf, page_images, page_reading


def _niceness(pid: int = 0) -> int:
    return os.getpriority(os.PRIO_PROCESS, pid)


def _lowered() -> int:
    """The niceness a process formgen starts for PDF work should have (19 is the floor)."""
    assert _niceness() < 19, "the tests run at the lowest priority: nothing could run below them"
    return min(19, _niceness() + convert.BACKGROUND_NICENESS)


@pytest.mark.pdf
def test_a_warm_libreoffice_and_its_bridge_run_below_formgen(tmp_path: Path) -> None:
    (source,) = formgen.blank(["sichuan-2023-110.annex1"], tmp_path)
    with convert.Converter(1) as converter:
        converter.convert(source, tmp_path / "annex1.pdf")
        worker = converter.workers[0]
        assert worker.office_pid is not None and worker.bridge is not None
        assert _niceness(worker.office_pid) == _lowered()
        assert _niceness(worker.bridge.pid) == _lowered()
    assert _niceness() == _lowered() - convert.BACKGROUND_NICENESS, "formgen's own priority is unchanged"


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Stand-ins for LibreOffice, Ghostscript and poppler on PATH: each writes the niceness it
    runs at into a file named after itself in the returned folder, then fails."""
    tools, record = tmp_path / "bin", tmp_path / "record"
    tools.mkdir()
    record.mkdir()
    for name in ("soffice", "gs", "pdftoppm", "pdftotext"):
        tool = tools / name
        tool.write_text(f'#!/bin/sh\nnice > "{record}/{name}"\nexit 1\n', encoding="utf-8")
        tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return record


def _pdf(folder: Path) -> Path:
    path = folder / "some.pdf"
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    return path


RUNS: dict[str, tuple[type[Exception], Callable[[Path], object]]] = {
    "soffice": (convert.ConversionError, lambda pdf: convert.convert_cold([pdf], pdf.parent / "out")),
    "gs": (
        packet_pdf.PacketError,
        lambda pdf: packet_pdf.to_pdfa(
            pdf, pdf.parent / "a.pdf", metadata=packet_pdf.Metadata("t", "a", "s")
        ),
    ),
    "pdftoppm": (convert.ConversionError, page_images.png_pages),
    "pdftotext": (page_reading.UnreadablePdfError, page_reading.page_texts),
}


@pytest.mark.parametrize("tool", sorted(RUNS))
def test_each_short_lived_pdf_tool_runs_below_formgen(tool: str, recorded: Path, tmp_path: Path) -> None:
    failure, run = RUNS[tool]
    with pytest.raises(failure):
        run(_pdf(tmp_path))
    assert int((recorded / tool).read_text()) == _lowered()
