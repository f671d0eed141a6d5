"""Safe folder and file names from what applicants write (单位名称).

A name from data can never leave the output folder or clash with another: separators,
traversal and control characters are removed, the length is capped, and a short stable
suffix derived from the full text tells apart names that end up alike.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_CHARS = 40
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_name(text: str, *, max_chars: int = MAX_CHARS) -> str:
    """Return a file-system-safe, stable name for `text`: its cleaned start plus a 6-hex suffix."""
    normalized = unicodedata.normalize("NFC", text)
    cleaned = _UNSAFE.sub("_", normalized).strip(" ._")
    cleaned = re.sub(r"\s+", "_", cleaned)[:max_chars].strip(" ._") or "unnamed"
    digest = hashlib.sha256(normalized.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    return f"{cleaned}-{digest}"
