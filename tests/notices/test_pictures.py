"""The pages a reviewer holds against the paper, compared as pictures with committed references.

Each reference (``tests/pictures/<name>.png``) was looked at when it was written: the notices'
first and last pages, 附件3's cover and 基本情况表, and the Chongqing 申报书's 申报表, 重点绩效指标
填报表 and 承诺书, filled with the examples. A meant change of layout is refreshed with
``pytest tests/notices/test_pictures.py --update-pictures``; look at the pictures before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests import pictures, reading
from tests.documents import Made

Page = tuple[Path, int]


def page_with(pdf: Path, heading: str) -> Page:
    """The first page of `pdf` whose text holds `heading` (white space ignored)."""
    for number, text in enumerate(reading.pdf_pages_text(pdf), start=1):
        if heading in reading.squeeze(text):
            return pdf, number
    raise AssertionError(f"no page of {pdf.name} holds {heading!r}")


def last_page(pdf: Path) -> Page:
    return pdf, len(reading.pdf_pages_text(pdf))


@pytest.fixture(scope="module")
def pages(
    sichuan_texts: dict[str, Made], chongqing_docs: dict[str, Made], annex3_filled: tuple[Path, Path]
) -> dict[str, Page]:
    sichuan = sichuan_texts["sichuan-2023-110.notice"].filled_pdf
    chongqing = chongqing_docs["chongqing-2023-1.notice"].filled_pdf
    annex2 = chongqing_docs["chongqing-2023-1.annex2"].filled_pdf
    return {
        "sichuan-notice-first": (sichuan, 1),
        "sichuan-notice-last": last_page(sichuan),
        "chongqing-notice-first": (chongqing, 1),
        "chongqing-notice-last": last_page(chongqing),
        "sichuan-annex3-cover": (annex3_filled[1], 1),
        "sichuan-annex3-basic-table": page_with(annex3_filled[1], "一、基本情况表"),
        "chongqing-annex2-form": page_with(annex2, "市级绿色制造综合服务平台申报表"),
        "chongqing-annex2-kpi": page_with(annex2, "申报单位重点绩效指标填报表"),
        "chongqing-annex2-pledge": page_with(annex2, "承诺书根据"),
    }


NAMES = (
    "sichuan-notice-first",
    "sichuan-notice-last",
    "chongqing-notice-first",
    "chongqing-notice-last",
    "sichuan-annex3-cover",
    "sichuan-annex3-basic-table",
    "chongqing-annex2-form",
    "chongqing-annex2-kpi",
    "chongqing-annex2-pledge",
)


@pytest.mark.parametrize("name", NAMES)
def test_page_looks_as_its_reference(
    name: str, pages: dict[str, Page], update_pictures: bool, tmp_path: Path
) -> None:
    pdf, number = pages[name]
    pictures.compare_page(pdf, number, name, update=update_pictures, failures=tmp_path)


def test_every_reference_is_a_page_of_this_suite() -> None:
    """No stale reference lingers after a page is dropped from the list."""
    assert sorted(p.stem for p in pictures.REFERENCES.glob("*.png")) == sorted(NAMES)


def test_a_changed_page_fails_and_leaves_a_difference_picture(pages: dict[str, Page], tmp_path: Path) -> None:
    """The comparison sees a page that differs a little: the Chongqing 版记 page against the
    notice's last page drawn one line lower stands for a layout that moved by a line."""
    pdf, number = pages["chongqing-notice-last"]
    reference = Image.open(pictures.REFERENCES / "chongqing-notice-last.png").convert("L")
    moved = Image.new("L", reference.size, 255)
    moved.paste(reference.crop((0, 0, reference.width, reference.height - 20)), (0, 20))
    assert pictures.rms(reference, reference) == 0
    assert pictures.rms(reference, moved) > pictures.TOLERANCE
    with pytest.raises(AssertionError, match="differs from its reference"):
        pictures.compare_page(pdf, number, "chongqing-notice-first", update=False, failures=tmp_path)
    assert (tmp_path / "chongqing-notice-first.diff.png").is_file()
    assert (tmp_path / "chongqing-notice-first.actual.png").is_file()
