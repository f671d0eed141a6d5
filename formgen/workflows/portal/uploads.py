"""Uploaded scans: the kind read from the first bytes, never from the name; stored under a
name the server makes.

This is the portal's own small check, until the untrusted-file opening of `formgen.data`
serves bureau intake and uploads alike.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

MAX_UPLOAD = 20 * 1024 * 1024
"""The largest scan accepted, in bytes (a multi-page licence scanned at 300 dpi fits)."""

# (first bytes, suffix, media type): what a PDF, JPEG, PNG or TIFF file starts with.
_MAGIC = (
    (b"%PDF-", ".pdf", "application/pdf"),
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
    (b"II*\x00", ".tif", "image/tiff"),
    (b"MM\x00*", ".tif", "image/tiff"),
)


class UploadRefused(ValueError):
    """The file is not one the portal takes; the message says why, in Chinese and English."""


@dataclass(frozen=True)
class Kind:
    """What an upload is, by its content."""

    suffix: str
    media_type: str


def kind_of(head: bytes) -> Kind:
    """The kind of a file from its first bytes; `UploadRefused` for anything else."""
    for magic, suffix, media_type in _MAGIC:
        if head.startswith(magic):
            return Kind(suffix, media_type)
    raise UploadRefused("只接受PDF、JPG、PNG或TIFF文件 / only PDF, JPG, PNG or TIFF files are accepted")


def store(folder: Path, content: bytes) -> tuple[str, Kind]:
    """Check `content` and write it into `folder` under a new random name; return name and kind."""
    if not content:
        raise UploadRefused("文件为空 / the file is empty")
    if len(content) > MAX_UPLOAD:
        raise UploadRefused(
            f"文件超过{MAX_UPLOAD // 1024 // 1024}MB / the file is larger than {MAX_UPLOAD // 1024 // 1024} MB"
        )
    kind = kind_of(content[:16])
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + kind.suffix
    partial = folder / (name + ".part")
    partial.write_bytes(content)
    partial.replace(folder / name)
    return name, kind
