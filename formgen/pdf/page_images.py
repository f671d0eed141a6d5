"""A PDF's pages as pictures (PNG, through poppler's pdftoppm), for a person to look at.

The portal shows an administrator the paper of a drafted form beside its detected fields;
the pictures are for the screen, so a low resolution and greyscale keep them small.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from formgen.pdf.convert import ConversionError, in_background

TIMEOUT_S = 120
"""pdftoppm's time for a whole document at screen resolution: under a second a page here,
far more on a machine busy with LibreOffice."""
MAX_PAGES = 40
"""Pages shown of one form: a 申报书 of forty pages, and no more for a hostile one."""


def png_pages(pdf: Path, *, dpi: int = 60, max_pages: int = MAX_PAGES) -> list[bytes]:
    """Each page of `pdf` (up to `max_pages`) as a greyscale PNG at `dpi`."""
    with tempfile.TemporaryDirectory(prefix="formgen-pages-") as work:
        prefix = Path(work) / "page"
        try:
            subprocess.run(
                ["pdftoppm", "-r", str(dpi), "-gray", "-l", str(max_pages), "-png", str(pdf), str(prefix)],
                check=True,
                capture_output=True,
                timeout=TIMEOUT_S,
                preexec_fn=in_background,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            raise ConversionError(f"pdftoppm: {exc}") from None
        # pdftoppm pads the page number to the width of the last one (page-01.png … page-12.png).
        made = sorted(Path(work).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        return [path.read_bytes() for path in made]
