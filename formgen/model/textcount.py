"""Count characters the way a reader of a Chinese form counts them.

A limit such as 不超过200字 or 500字以内 counts what a reader sees on the page: every CJK
character, letter, digit and punctuation mark is one character; white space and line
breaks are not counted. Bytes and UTF-16 code units are never the measure, so an emoji or
a character beyond the BMP (𠀀) counts once.
"""

from __future__ import annotations

import unicodedata


def reader_length(text: str) -> int:
    """Return how many characters a reader counts in `text`, ignoring white space."""
    normalized = unicodedata.normalize("NFC", text)
    return sum(1 for ch in normalized if not ch.isspace() and unicodedata.category(ch) != "Cf")
