"""The scans a form's own text names (a report's 其他附件材料) matched to the uploads.

The paper lists its attachments by name in the document, and the packet binds the uploaded
scans after it: two lists of one thing. A list field marked `NamesAttachments` says which
names the document prints, so the upload page can show each name with its scan, or as still
to upload, and offer the names for the upload's title.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from formgen.data import paths
from formgen.model.fields import NamesAttachments, field_type, list_item
from formgen.workflows.portal.db import Attachment


@dataclass(frozen=True)
class NamedScan:
    """One name the document lists, where it is listed, and the upload of that title if any."""

    title: str
    listed_in: str
    """The label of the list that names it (其他附件材料)."""
    upload: Attachment | None


def _named_lists(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str, str]]:
    """(path, label, field) of every list in `model` marked `NamesAttachments`."""
    found: list[tuple[str, str, str]] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        inner, metadata = field_type(info)
        marker = next((m for m in metadata if isinstance(m, NamesAttachments)), None)
        if marker is not None and list_item(info.annotation) is not None:
            found.append((path, info.title or name, marker.field))
        elif isinstance(inner, type) and issubclass(inner, BaseModel):
            found += _named_lists(inner, path)
    return found


def _same(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


def named_scans(model: type[BaseModel], data: dict[str, Any], uploads: list[Attachment]) -> list[NamedScan]:
    """Each name the document lists, in its order, with the upload whose title is that name."""
    found: list[NamedScan] = []
    for path, label, key in _named_lists(model):
        rows = paths.value_at(data, path)
        for row in rows if isinstance(rows, list) else []:
            title = str(row.get(key) or "").strip() if isinstance(row, dict) else ""
            if title:
                match = next((u for u in uploads if _same(u.title, title)), None)
                found.append(NamedScan(title, label, match))
    return found
