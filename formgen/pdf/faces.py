"""Where the faces the packets print with are installed, as fontconfig finds them.

`formgen verify` draws characters in the submitted packet's own faces to tell a changed
character from a misread one (`formgen.paper.glyphs`); fontconfig knows where each face's file
is. It runs as a process of its own, as every outside program formgen starts is run from the
PDF stage.
"""

from __future__ import annotations

import functools
import subprocess

TIMEOUT = 10.0
"""Seconds fc-match may take: it answers from fontconfig's cache at once."""


@functools.cache
def face_file(name: str) -> tuple[str, int] | None:
    """The file and face index (in a collection) fontconfig gives for the face `name` (a
    fontconfig pattern: ``Noto Serif CJK SC:bold``), or None without fontconfig."""
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", name],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, index = found.rpartition(":")
    return (path, int(index)) if path and index.isdigit() else None
