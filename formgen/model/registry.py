"""Notices, their forms and packets, and the registry that finds them.

The engine names no notice. A notice is a plug-in: a package that exposes a `Notice`
through the ``formgen.notices`` entry point group, with its models, templates and example
data as package resources. Built-in notices register exactly as a third party's would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

if TYPE_CHECKING:
    from formgen.model.fields import AttachmentFile

from formgen.model.fields import FormModel
from formgen.model.rules import Rule

ENTRY_POINT_GROUP = "formgen.notices"


class UnknownIdError(LookupError):
    """No notice, form or packet has this id."""


@dataclass(frozen=True)
class Form:
    """One document of a notice."""

    id: str
    label: str
    """The annex label printed at the top left (附件3), empty for the notice itself."""
    title: str
    kind: Literal["docx", "xlsx"]
    model: type[BaseModel]
    template: Traversable
    example: Traversable
    layout: Callable[[Path], None] | None = None
    """Writes `template` from code; templates are built, reviewed and committed."""
    complete: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    """Completes data read back from a filled copy with what the paper does not print but
    says elsewhere (所在地 from the 注册地址); what stays unknown is left out, never guessed."""

    @property
    def file_name(self) -> str:
        """The output file name: `<form-id>.<kind>`."""
        return f"{self.id}.{self.kind}"


@dataclass(frozen=True)
class PacketPart:
    """One document of a packet, derived from the packet's data.

    `derive` picks or builds the form's data from the packet's: the report itself for a
    provider, a summary table's rows from every application for a bureau. It may return a
    list, for a document that appears once per submitter (each provider's report).
    """

    form_id: str
    derive: Callable[[Any], BaseModel | Sequence[BaseModel]] | None = None
    """None for the blank form itself (a notice's annexes as they were sent out)."""
    name_of: Callable[[Any], str] | None = None
    """The submitter of one derived document (a provider's name on its report), for the
    packet PDF's bookmarks and contents page; None when the document is the packet's own."""


@dataclass(frozen=True)
class BatchTable:
    """A summary table that a batch of a packet's submitters yields, as a bureau's packet does.

    Each valid submitter gives one row (`row_of`) to the table of its group (`group_of`: its
    市（州）, its 区县); `table_of` makes a group's table from its rows, in input order. With
    `overall`, the rows of every group also make one table of that name (the province's).
    """

    form_id: str
    row_model: type[BaseModel]
    """The row's model, to read rows back from a batch's files (``batch-merge``)."""
    group_of: Callable[[Any], str]
    row_of: Callable[[Any], BaseModel]
    table_of: Callable[[str, Sequence[BaseModel]], BaseModel]
    overall: str | None = None


@dataclass(frozen=True)
class Packet:
    """What one kind of submitter hands in: its data model and its documents, in order."""

    id: str
    title: str
    submitter: str
    model: type[BaseModel]
    example: Traversable
    parts: tuple[PacketPart, ...]
    name_of: Callable[[Any], str]
    """The submitter's name in the packet's data, for folder names and PDF metadata."""
    attachments_of: Callable[[Any], Sequence[AttachmentFile]] | None = None
    """The documents the submitter supplies (scans, certificates), placed after the forms."""
    contents: bool = False
    """A bureau's packet opens with a contents page: each document and its pages."""
    code_path: str | None = None
    """The data path of the submitter's 统一社会信用代码 (``application.credit_code``), which
    shards a batch: the same code always lands on the same shard."""
    batch_tables: tuple[BatchTable, ...] = ()
    """The summary tables a batch of these submitters yields."""
    name_path: str | None = None
    """The data path of the submitter's name (``form1.单位名称``), where it has one: read from
    data not yet valid (a draft in the portal's lists), which `name_of` cannot take."""

    @property
    def form_ids(self) -> tuple[str, ...]:
        """The ids of the packet's documents, in order."""
        return tuple(part.form_id for part in self.parts)


@dataclass(frozen=True)
class Notice:
    """One official notice: who issued it, its 文号, its forms and its packets."""

    id: str
    title: str
    issuer: str
    doc_number: str
    date: dt.date
    forms: tuple[Form, ...]
    packets: tuple[Packet, ...] = ()
    rules: tuple[Rule, ...] = ()
    """The notice's rulebook (see formgen.model.rules)."""
    regions: tuple[str, ...] = ()
    """The regions whose bureaus take in its applications (四川's 市（州）, 重庆's 区县), as the
    notice addresses them; empty when it does not say."""


class NoData(FormModel):
    """The data of a packet that asks for none (the notice as issued)."""


@dataclass(frozen=True)
class NoticeFiles:
    """Where a notice package keeps its templates and examples, and forms built from them.

    `form("annex2", ...)` reads `form_templates/<notice>/annex2.<kind>` and the example
    `data_models/<package>/examples/annex2.yaml` (or the example named), as resources.
    """

    notice_id: str
    package: str

    def example(self, name: str) -> Traversable:
        """The example data file `<name>.yaml` of the notice."""
        return files(self.package) / "examples" / f"{name}.yaml"

    def issue_packet(self, forms: Sequence[Form], issuer: str) -> Packet:
        """`<notice>.issue`: what the issuing office sent out, the notice and its annexes blank."""
        return Packet(
            id=f"{self.notice_id}.issue",
            title="通知及附件（发文）",
            submitter=issuer,
            model=NoData,
            example=files("formgen.model") / "empty.yaml",
            parts=tuple(PacketPart(form.id) for form in forms),
            name_of=lambda _: issuer,
        )

    def form(
        self,
        name: str,
        label: str,
        title: str,
        kind: Literal["docx", "xlsx"],
        model: type[BaseModel],
        layout: Callable[[Path], None],
        example: str | None = None,
        complete: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> Form:
        """A form of this notice, id `<notice>.<name>`."""
        return Form(
            id=f"{self.notice_id}.{name}",
            label=label,
            title=title,
            kind=kind,
            model=model,
            template=files("form_templates") / self.notice_id / f"{name}.{kind}",
            example=self.example(example or name),
            layout=layout,
            complete=complete,
        )


@dataclass
class Registry:
    """Every notice known to this process, looked up by id."""

    notices: dict[str, Notice] = field(default_factory=dict)

    def register(self, notice: Notice) -> None:
        """Add `notice`; its form and packet ids must be prefixed by the notice id."""
        form_ids = {form.id for form in notice.forms}
        for item_id in [*form_ids, *(p.id for p in notice.packets)]:
            if not item_id.startswith(notice.id + "."):
                raise ValueError(f"{item_id} does not belong to notice {notice.id}")
        for packet in notice.packets:
            unknown = set(packet.form_ids) - form_ids
            if unknown:
                raise ValueError(f"packet {packet.id} names forms its notice lacks: {sorted(unknown)}")
        self.notices[notice.id] = notice

    def forms(self) -> Iterable[Form]:
        """Every form of every notice, in registration order."""
        for notice in self.notices.values():
            yield from notice.forms

    def form(self, form_id: str) -> Form:
        """Return the form with id `form_id`."""
        for form in self.forms():
            if form.id == form_id:
                return form
        known = ", ".join(f.id for f in self.forms())
        raise UnknownIdError(f"未知的表单 / unknown form: {form_id} (known: {known})")

    def packets(self) -> Iterable[Packet]:
        """Every packet of every notice, in registration order."""
        for notice in self.notices.values():
            yield from notice.packets

    def packet(self, packet_id: str) -> Packet:
        """Return the packet with id `packet_id`."""
        for packet in self.packets():
            if packet.id == packet_id:
                return packet
        known = ", ".join(p.id for p in self.packets())
        raise UnknownIdError(f"未知的材料包 / unknown packet: {packet_id} (known: {known})")

    def item(self, item_id: str) -> Form | Packet:
        """Return the form or packet with id `item_id`."""
        for packet in self.packets():
            if packet.id == item_id:
                return packet
        return self.form(item_id)

    def packets_with(self, form_id: str) -> list[Packet]:
        """The packets whose data fills `form_id` (not those that hold it blank)."""
        return [p for p in self.packets() if any(x.form_id == form_id and x.derive for x in p.parts)]

    def notice_of(self, form_id: str) -> Notice:
        """Return the notice that owns `form_id`."""
        for notice in self.notices.values():
            if any(f.id == form_id for f in notice.forms) or any(p.id == form_id for p in notice.packets):
                return notice
        raise UnknownIdError(f"未知的表单 / unknown form: {form_id}")


def load_registry() -> Registry:
    """Build a registry from the installed ``formgen.notices`` entry points."""
    registry = Registry()
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        notice = entry.load()
        if not isinstance(notice, Notice):
            raise TypeError(f"entry point {entry.name} does not name a formgen Notice")
        registry.register(notice)
    return registry
