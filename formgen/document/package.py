"""Byte-stable OOXML packages and all-or-nothing file writes.

The same data must give the same bytes, so that outputs can be compared and golden files
stay stable: ZIP entries get a fixed timestamp, and documents a fixed creation time
(``SOURCE_DATE_EPOCH`` when set, as reproducible-build tools expect).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def fixed_time() -> dt.datetime:
    """The creation time written into documents: SOURCE_DATE_EPOCH, else 2000-01-01 UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
    return dt.datetime(2000, 1, 1)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def normalize_zip(data: bytes, rewrite: Mapping[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """Rewrite a ZIP package with fixed entry times, keeping entry order and content.

    The document's modification time is set to `fixed_time` too: some writers (openpyxl)
    stamp the current time on save whatever the properties say. `rewrite` maps entry names
    to functions that correct what a writer got wrong in that entry.
    """
    stamp = fixed_time().strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            if rewrite and info.filename in rewrite:
                content = rewrite[info.filename](content)
            target.writestr(entry, content)
    return out.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a part.

    The bytes go to a temporary file in the same folder, which is then renamed over `path`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        tmp.chmod(0o644)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
