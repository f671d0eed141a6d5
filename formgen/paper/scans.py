"""Opening the scanned paper copy: PDFs of page pictures, JPEG, PNG and (multi-page) TIFF.

Every file is untrusted (`formgen.data.untrusted`): read without following links and within
the size limit, its kind taken from its bytes, each picture frame checked for its pixels
before it is decoded, a PDF's pages counted and sized before they are rendered.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from formgen.data import untrusted
from formgen.pdf import page_reading

PDF_DPI = 200
"""A scanned PDF's pages are rendered at 200 dpi: enough for its code and text at any scan
resolution from 150 dpi up, and a fifth of the pixels of 300 dpi pages."""


@dataclass(frozen=True)
class ScannedPage:
    """One scanned page: the file it came from, its place in that file (1-based), its picture."""

    source: str
    index: int
    image: Image.Image

    @property
    def name(self) -> str:
        """How a report names it: ``scan.pdf`` page 3 is ``scan.pdf#3``."""
        return f"{self.source}#{self.index}"


class Scans:
    """The pages of the scan files, counted up front and decoded one at a time as they are read.

    Opening counts every file's pages within the limits (a PDF's page sizes, each picture
    frame's pixels, all from headers) so a scan that will be refused is refused before any
    page is read by OCR. Iterating reads each file again through `untrusted` and decodes its
    pages in turn: only the page being checked is in memory, not the whole scan (40 pages at
    200 dpi in colour are about 450 MB decoded).
    """

    def __init__(self, paths: list[Path], *, limits: untrusted.Limits = untrusted.LIMITS) -> None:
        self.paths = paths
        self.limits = limits
        self.count = 0
        for path in paths:
            content = untrusted.read_file(path, limits=limits)
            kind = _kind(content, path.name, limits)
            if kind == "pdf":
                self.count += page_reading.scanned_page_count(content, path.name, PDF_DPI, limits=limits)
            else:
                self.count += sum(1 for _ in untrusted.image_frames(content, path.name, limits, load=False))
            self._check_count(self.count, path.name)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[ScannedPage]:
        seen = 0
        for path in self.paths:
            content = untrusted.read_file(path, limits=self.limits)
            for number, image in enumerate(_pages(content, path.name, self.limits), start=1):
                seen += 1
                self._check_count(seen, path.name)  # a file changed since it was counted
                yield ScannedPage(path.name, number, image)

    def _check_count(self, count: int, name: str) -> None:
        if count > self.limits.frames:
            raise untrusted.RefusedFileError(
                name,
                f"扫描页数过多（超过{self.limits.frames}页）",
                f"too many scanned pages (over {self.limits.frames})",
            )


def open_scans(paths: list[Path], *, limits: untrusted.Limits = untrusted.LIMITS) -> Scans:
    """Every page of the scan files `paths`, in order, each decoded when it is reached;
    `RefusedFileError` names a file that cannot be read and why, OSError one that cannot be
    opened (both raised here for what the files' headers show, the rest while iterating)."""
    return Scans(paths, limits=limits)


def _kind(content: bytes, name: str, limits: untrusted.Limits) -> str:
    kind = untrusted.inspect(content, name, limits=limits)
    if kind not in ("pdf", "jpg", "png", "tiff"):
        raise untrusted.RefusedFileError(
            name, "扫描件应为PDF、JPG、PNG或TIFF", "a scan is a PDF, JPG, PNG or TIFF file"
        )
    return kind


def _pages(content: bytes, name: str, limits: untrusted.Limits) -> Iterator[Image.Image]:
    """The pages of one scan file as pictures, each decoded only when the one before is done."""
    if _kind(content, name, limits) == "pdf":
        yield from page_reading.scanned_pages(content, name, PDF_DPI, limits=limits)
        return
    # image_frames re-seeks one picture: each frame is copied out as it comes
    for frame in untrusted.image_frames(content, name, limits):
        yield frame.convert("L" if frame.mode in ("1", "L", "I;16", "I") else "RGB")
