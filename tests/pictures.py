"""Picture tests: a page rendered as a reader sees it, compared with its committed reference.

As matplotlib's ``compare_images`` does: the page is rendered (pdftoppm, greyscale, 50 dpi) and
compared with ``tests/pictures/<name>.png`` by the root mean square of the pixel differences;
above the tolerance the test fails and writes the page and a difference image beside each
other for a person to look at. ``pytest --update-pictures`` rewrites the references from the
pages as they are now, after a meant change of layout (look at them before committing).
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageChops, ImageOps, ImageStat

from tests.pdf_reading import page_image

REFERENCES = Path(__file__).resolve().parent / "pictures"
DPI = 50
"""Enough to see every line, rule and box of a page; small enough to commit (about 20 kB a page)."""
TOLERANCE = 4.0
"""RMS difference allowed, in grey levels of 255: the same page drawn by another poppler or
FreeType differs by a fraction of this; a moved line, a changed column or another face by more."""
GREYS = 16
"""Grey levels kept in a reference: anti-aliasing needs no more, and the files stay small."""


def rms(a: Image.Image, b: Image.Image) -> float:
    """The root mean square of the pixel differences of two greyscale pictures of one size."""
    (mean_square,) = ImageStat.Stat(ImageChops.difference(a, b)).sum2
    return math.sqrt(mean_square / (a.width * a.height))


def quantised(image: Image.Image) -> Image.Image:
    """`image` with its grey levels reduced to `GREYS`, as references are stored."""
    step = 255 / (GREYS - 1)
    return image.point(lambda v: round(round(v / step) * step))


def compare_page(pdf: Path, page: int, name: str, *, update: bool, failures: Path) -> None:
    """Compare page `page` of `pdf` with the reference `name`, or rewrite it when `update`.

    On a mismatch, ``<name>.actual.png`` and ``<name>.diff.png`` (differences darkened, the
    reference pale beneath) are written into `failures`, and the assertion names them.
    """
    actual = quantised(page_image(pdf, page, DPI))
    reference_path = REFERENCES / f"{name}.png"
    if update:
        REFERENCES.mkdir(exist_ok=True)
        actual.save(reference_path, optimize=True)
        return
    assert reference_path.is_file(), (
        f"no reference picture {reference_path.name}: run pytest with --update-pictures, then look at it"
    )
    with Image.open(reference_path) as stored:
        reference = stored.convert("L")
    if reference.size != actual.size:
        raise AssertionError(f"{name}: page is {actual.size} pixels, its reference {reference.size}")
    difference = rms(reference, actual)
    if difference > TOLERANCE:
        failures.mkdir(parents=True, exist_ok=True)
        actual.save(failures / f"{name}.actual.png")
        diff_image(reference, actual).save(failures / f"{name}.diff.png")
        raise AssertionError(
            f"{name}: page {page} of {pdf.name} differs from its reference by RMS {difference:.2f} "
            f"(tolerance {TOLERANCE}); see {failures / (name + '.diff.png')}; "
            "if the change is meant, run pytest with --update-pictures and look at the pictures"
        )


def diff_image(reference: Image.Image, actual: Image.Image) -> Image.Image:
    """The reference pale, and every pixel that differs dark, so a moved line stands out."""
    changed = ImageOps.invert(ImageChops.difference(reference, actual).point(lambda v: 255 if v > 32 else 0))
    pale = reference.point(lambda v: 200 + v * 55 // 255)
    return ImageChops.darker(pale, changed)
