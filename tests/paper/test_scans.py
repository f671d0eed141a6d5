"""Opening scans page by page keeps `untrusted`'s limits: a scan that will be refused is refused
when it is opened, before any of its pages is decoded and read."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from formgen.data import untrusted
from formgen.paper.scans import open_scans


def _pictures(folder: Path, count: int) -> list[Path]:
    paths = []
    for n in range(1, count + 1):
        path = folder / f"page-{n}.png"
        Image.new("L", (40, 60), 255).save(path, "PNG")
        paths.append(path)
    return paths


def test_pages_over_the_limit_across_files_are_refused_when_opened(tmp_path: Path) -> None:
    with pytest.raises(untrusted.RefusedFileError, match="扫描页数过多") as refused:
        open_scans(_pictures(tmp_path, 3), limits=untrusted.Limits(frames=2))
    assert "page-3.png" in str(refused.value)


def test_a_frame_over_the_pixel_limit_is_refused_when_opened(tmp_path: Path) -> None:
    small = Image.new("L", (10, 10), 255)
    large = Image.new("L", (400, 400), 255)
    path = tmp_path / "scan.tiff"
    small.save(path, "TIFF", save_all=True, append_images=[large])
    with pytest.raises(untrusted.RefusedFileError, match="图片像素过多"):
        open_scans([path], limits=untrusted.Limits(pixels=10_000))


def test_pages_come_in_order_named_by_file_and_place(tmp_path: Path) -> None:
    scans = open_scans(_pictures(tmp_path, 3))
    assert len(scans) == 3
    pages = iter(scans)
    first = next(pages)
    assert (first.name, first.image.size) == ("page-1.png#1", (40, 60))
    assert [page.name for page in pages] == ["page-2.png#1", "page-3.png#1"]
