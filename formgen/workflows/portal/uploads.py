"""Uploaded scans: rebuilt by formgen (`formgen.pdf.rebuild`), kept in the database under a
name the server makes.

The kind comes from a real parse of the bytes and must agree with the name's extension; a
PDF is rewritten to its pages' content, a picture decoded under the pixel limit and encoded
again at print size. What is stored, served and bound is that rebuilt file, never the bytes
the browser sent, and never the name it sent.

The bytes live in the `upload_blobs` table, so every portal process on one database serves
the same files. Uploads kept on disk by an older portal (in the data folder's ``uploads/``)
are still read from there.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from formgen.data.untrusted import RefusedFileError
from formgen.pdf.rebuild import rebuild_scan
from formgen.workflows.portal.db import UploadBlob

MAX_UPLOAD = 20 * 1024 * 1024
"""The largest scan accepted, in bytes (a multi-page licence scanned at 300 dpi fits)."""

_MEDIA_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png", "tiff": "image/tiff"}
_SUFFIXES = {"pdf": ".pdf", "jpg": ".jpg", "png": ".png", "tiff": ".tif"}
_STORED_NAME = re.compile(r"[0-9a-f]{32}\.(?:pdf|jpg|png|tif)")
"""The names `store` makes; nothing else is ever looked up."""
_REBUILDING = threading.Semaphore(1)
"""One upload rebuilt at a time in a process: the largest picture accepted takes 250 MB while
it is decoded (bench/bench_uploads.py), so several at once must not add up."""


class UploadRefused(ValueError):
    """The file is not one the portal takes; the message says why, in Chinese and English."""


@dataclass(frozen=True)
class Stored:
    """An upload as kept: its server-made name, media type and size in bytes."""

    name: str
    media_type: str
    size: int


def store(session: Session, content: bytes, filename: str) -> Stored:
    """Rebuild `content` and keep it under a new random name (added to `session`, not committed)."""
    if not content:
        raise UploadRefused("文件为空 / the file is empty")
    if len(content) > MAX_UPLOAD:
        raise UploadRefused(
            f"文件超过{MAX_UPLOAD // 1024 // 1024}MB / the file is larger than {MAX_UPLOAD // 1024 // 1024} MB"
        )
    try:
        with _REBUILDING:
            rebuilt = rebuild_scan(content, Path(filename).name or "upload")
    except RefusedFileError as exc:
        raise UploadRefused(
            f"{exc.zh}（只接受PDF、JPG、PNG或TIFF文件） / {exc.en} (only PDF, JPG, PNG or TIFF files are accepted)"
        ) from None
    name = secrets.token_hex(16) + _SUFFIXES[rebuilt.kind]
    session.add(UploadBlob(name=name, content=rebuilt.content))
    return Stored(name, _MEDIA_TYPES[rebuilt.kind], len(rebuilt.content))


def read(session: Session, name: str, legacy: Path) -> bytes | None:
    """The stored bytes of `name`: from the database, else from the folder `legacy` of an older
    portal; None when neither has it."""
    if not _STORED_NAME.fullmatch(name):
        return None
    found = session.scalar(select(UploadBlob.content).where(UploadBlob.name == name))
    if found is not None:
        return bytes(found)
    path = legacy / name
    return path.read_bytes() if path.is_file() and not path.is_symlink() else None


def remove(session: Session, name: str, legacy: Path) -> None:
    """Forget `name` (in `session`, not committed), and its file of an older portal if any."""
    session.execute(delete(UploadBlob).where(UploadBlob.name == name))
    if _STORED_NAME.fullmatch(name):
        (legacy / name).unlink(missing_ok=True)


def referenced(session: Session, data: Any, legacy: Path) -> dict[str, bytes]:
    """The stored uploads a packet's data names (its attachments' ``file`` values), by name."""
    names = {value for value in _strings(data) if _STORED_NAME.fullmatch(value)}
    found = {name: read(session, name, legacy) for name in sorted(names)}
    return {name: content for name, content in found.items() if content is not None}


def _strings(data: Any) -> Iterable[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)
