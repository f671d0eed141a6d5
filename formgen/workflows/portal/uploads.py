"""Uploaded scans: checked as every file from outside is (`formgen.data.untrusted`), stored
under a name the server makes.

The kind comes from the bytes and must agree with the name's extension; pictures are checked
for damage and pixel bombs. The name the browser sent is never used as a path.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from formgen.data import untrusted

MAX_UPLOAD = 20 * 1024 * 1024
"""The largest scan accepted, in bytes (a multi-page licence scanned at 300 dpi fits)."""

_MEDIA_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png", "tiff": "image/tiff"}
_SUFFIXES = {"pdf": ".pdf", "jpg": ".jpg", "png": ".png", "tiff": ".tif"}


class UploadRefused(ValueError):
    """The file is not one the portal takes; the message says why, in Chinese and English."""


@dataclass(frozen=True)
class Kind:
    """What an upload is, by its content."""

    suffix: str
    media_type: str


def kind_of(content: bytes, filename: str) -> Kind:
    """The kind of a scan from its bytes and its name's extension; `UploadRefused` otherwise."""
    try:
        found = untrusted.inspect(content, filename)
    except untrusted.RefusedFileError as exc:
        raise UploadRefused(f"只接受PDF、JPG、PNG或TIFF扫描件：{exc}") from None
    if found not in untrusted.SCANS:
        raise UploadRefused("只接受PDF、JPG、PNG或TIFF文件 / only PDF, JPG, PNG or TIFF files are accepted")
    return Kind(_SUFFIXES[found], _MEDIA_TYPES[found])


def store(folder: Path, content: bytes, filename: str) -> tuple[str, Kind]:
    """Check `content` and write it into `folder` under a new random name; return name and kind."""
    if not content:
        raise UploadRefused("文件为空 / the file is empty")
    if len(content) > MAX_UPLOAD:
        raise UploadRefused(
            f"文件超过{MAX_UPLOAD // 1024 // 1024}MB / the file is larger than {MAX_UPLOAD // 1024 // 1024} MB"
        )
    kind = kind_of(content, Path(filename).name or "upload")
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + kind.suffix
    partial = folder / (name + ".part")
    partial.write_bytes(content)
    partial.replace(folder / name)
    return name, kind
