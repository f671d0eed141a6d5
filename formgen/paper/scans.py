"""Opening the scanned paper copy: PDFs of page pictures, JPEG, PNG and (multi-page) TIFF.

Every file is untrusted (`formgen.data.untrusted`): read without following links and within
the size limit, its kind taken from its bytes, each picture frame checked for its pixels
before it is decoded, a PDF's pages counted and sized before they are rendered.
"""

from __future__ import annotations

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


def open_scans(paths: list[Path], *, limits: untrusted.Limits = untrusted.LIMITS) -> list[ScannedPage]:
    """Every page of the scan files `paths`, in order; `RefusedFileError` names a file that
    cannot be read and why, OSError one that cannot be opened."""
    pages: list[ScannedPage] = []
    for path in paths:
        content = untrusted.read_file(path, limits=limits)
        kind = untrusted.inspect(content, path.name, limits=limits)
        if kind == "pdf":
            images = page_reading.scanned_pages(content, path.name, PDF_DPI, limits=limits)
        elif kind in ("jpg", "png", "tiff"):
            # image_frames re-seeks one picture: each frame is copied out as it comes
            images = [
                frame.convert("L" if frame.mode in ("1", "L", "I;16", "I") else "RGB")
                for frame in untrusted.image_frames(content, path.name, limits)
            ]
        else:
            raise untrusted.RefusedFileError(
                path.name, "扫描件应为PDF、JPG、PNG或TIFF", "a scan is a PDF, JPG, PNG or TIFF file"
            )
        pages += [ScannedPage(path.name, n, image) for n, image in enumerate(images, start=1)]
        if len(pages) > limits.frames:
            raise untrusted.RefusedFileError(
                path.name,
                f"扫描页数过多（超过{limits.frames}页）",
                f"too many scanned pages (over {limits.frames})",
            )
    return pages
