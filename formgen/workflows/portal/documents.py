"""The documents of the portal: an application's DOCX/XLSX and PDFs, a bureau's tables and packet.

Everything is made by `formgen.api` exactly as the command line makes it; the portal only
gathers the data. Packets' PDFs are made in worker processes with warm LibreOffice workers
(`pdf_pool`), behind a gate that refuses work (503) when its queue is full.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from formgen import api
from formgen.model.fields import field_type, list_item
from formgen.model.registry import Notice, Packet

if TYPE_CHECKING:  # pdf_pool reads the published notices, whose module needs this one
    from formgen.workflows.portal.pdf_pool import PdfPool


class Busy(Exception):
    """Every LibreOffice worker is busy and the queue is full: try again later (503)."""


class PdfGate:
    """At most `limit` PDF jobs at once (running or queued); one more is refused, not queued."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._running = 0
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def enter(self) -> Iterator[None]:
        """Hold a place for one PDF job; `Busy` when none is free."""
        with self._lock:
            if self._running >= self.limit:
                raise Busy
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1


def applicant_packets(notice: Notice) -> list[Packet]:
    """What a submitter of `notice` may apply with: its packets filled from one submitter's data."""
    return [p for p in notice.packets if not p.contents and any(part.derive for part in p.parts)]


def bureau_packets(notice: Notice) -> list[Packet]:
    """The bureaus' packets of `notice`: built from many submitters, opening with contents."""
    return [p for p in notice.packets if p.contents]


@dataclass(frozen=True)
class Made:
    """One document to download."""

    name: str
    content: bytes
    media_type: str


MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def documents(packet_id: str, instance: BaseModel, *, kind: str | None = None) -> list[Made]:
    """The filled documents of a packet's data (only those of `kind`, docx or xlsx, if given)."""
    made: list[Made] = []
    for part in api.registry().packet(packet_id).parts:
        form = api.form(part.form_id)
        if part.derive is None or (kind is not None and form.kind != kind):
            continue
        each = api.packet_documents(packet_id, instance, only=part.form_id)
        for n, document in enumerate(each, start=1):
            name = form.file_name if len(each) == 1 else f"{form.id}-{n:02d}.{form.kind}"
            made.append(Made(name, api.render_filled(part.form_id, document), MEDIA[form.kind]))
    return made


def packet_pdf(
    gate: PdfGate, pool: PdfPool, packet_id: str, instance: BaseModel, scans: Mapping[str, bytes]
) -> Made:
    """The packet's print file, made by `pool`'s worker processes; `Busy` when the gate is full.

    `scans` are the uploads its data names (``file`` values), by stored name."""
    data = instance.model_dump(mode="json", exclude_computed_fields=True)
    with gate.enter():
        name, content = pool.packet(packet_id, data, scans)
    return Made(name, content, MEDIA["pdf"])


def bureau_data(bureau: Packet, own: dict[str, Any], accepted: Sequence[BaseModel]) -> dict[str, Any]:
    """A bureau packet's data: the bureau's own fields, and each list of submitters' documents
    filled from the accepted applications whose packet holds a document of that list's type.

    Computed fields (totals) are left out: the bureau packet's model derives them again."""
    data = dict(own)
    for name, info in bureau.model.model_fields.items():
        item = list_item(info.annotation)
        if not (isinstance(item, type) and issubclass(item, BaseModel)):
            continue
        data[name] = [
            getattr(instance, field).model_dump(mode="json", exclude_computed_fields=True)
            for instance in accepted
            for field, field_info in type(instance).model_fields.items()
            if field_type(field_info)[0] is item
        ]
    return data


def own_fields(bureau: Packet) -> list[str]:
    """The bureau packet's fields the bureau fills itself (not the lists of submitters)."""
    return [n for n, info in bureau.model.model_fields.items() if list_item(info.annotation) is None]
