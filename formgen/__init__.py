"""formgen: official Chinese application annexes, reproduced exactly, from validated data.

The public API lives in `formgen.api`; the names below are its most used entries, and
`formgen.convert` is the conversion service (``with formgen.convert.service(): ...``).
"""

from __future__ import annotations

from formgen.api import (
    InvalidDataError,
    blank,
    check,
    check_file,
    demo,
    example_data,
    example_text,
    fill,
    form,
    packet,
    registry,
    render_blank,
    render_filled,
    schema,
    verify,
)
from formgen.pdf import convert

__all__ = [
    "InvalidDataError",
    "blank",
    "check",
    "check_file",
    "convert",
    "demo",
    "example_data",
    "example_text",
    "fill",
    "form",
    "packet",
    "registry",
    "render_blank",
    "render_filled",
    "schema",
    "verify",
]
