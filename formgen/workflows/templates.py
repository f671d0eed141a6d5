"""Rebuild the committed DOCX templates from their layout code: ``python -m formgen.workflows.templates``.

Templates are written by code so that they can be reviewed as code and rebuilt byte for
byte; a test checks that each committed template equals what its layout writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from formgen.api import registry


def rebuild() -> list[Path]:
    """Write every registered form's template from its layout; return the paths written."""
    written = []
    for form in registry().forms():
        if form.layout is None:
            continue
        target = Path(str(form.template))
        form.layout(target)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in rebuild():
        sys.stdout.write(f"{path}\n")
