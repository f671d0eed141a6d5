"""GB/T 9704-2012 as a reader measures it: 28 characters a line and 22 lines a page of body text."""

from __future__ import annotations

from pathlib import Path

import pytest

import formgen
from formgen.document import docx_layout
from formgen.pdf import convert
from tests import reading


@pytest.fixture(scope="module")
def notice_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("notice")
    (docx,) = formgen.fill("sichuan-2023-110.notice", {}, folder)
    (pdf,) = convert.to_pdf([docx], folder)
    return pdf


def _layout_lines(pdf: Path, page: int) -> list[str]:
    text = reading.pdftotext_page(pdf, page, "-layout")
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_body_lines_hold_28_characters(notice_pdf: Path) -> None:
    lines = _layout_lines(notice_pdf, 2)
    # Full lines of pure CJK text (no Latin or digits, whose widths differ): each is 28 characters.
    # Line-breaking rules (no 。 or ， at a line's start) end some lines a character early.
    full = [line for line in lines if all(not ch.isascii() for ch in line)]
    widths = [len(line) for line in full if len(line) >= 20]
    assert widths and max(widths) == 28, widths
    assert sum(w == 28 for w in widths) >= len(widths) / 2, widths


def test_a_page_of_body_text_holds_22_lines(tmp_path: Path) -> None:
    """One long paragraph in the body style fills a page with 22 lines, then the page number."""
    document = docx_layout.new_document()
    docx_layout.para(document, "技术改造综合服务" * 160, "FormBody")
    docx_layout.save(document, tmp_path / "page.docx", title="page")
    (pdf,) = convert.to_pdf([tmp_path / "page.docx"], tmp_path)
    lines = _layout_lines(pdf, 1)
    assert lines[-1].replace(" ", "") == "—1—"
    assert len(lines[:-1]) == 22, lines
    assert [len(line) for line in lines[1:-1]] == [28] * 21  # the first line is indented two characters
