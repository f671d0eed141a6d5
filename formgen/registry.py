"""Notices, their forms and packets, and the registry that finds them.

The engine names no notice. A notice is a plug-in: a package that exposes a `Notice`
through the ``formgen.notices`` entry point group, with its models, templates and example
data as package resources. Built-in notices register exactly as a third party's would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

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

    @property
    def file_name(self) -> str:
        """The output file name: `<form-id>.<kind>`."""
        return f"{self.id}.{self.kind}"


@dataclass(frozen=True)
class Packet:
    """What one kind of submitter hands in, in order."""

    id: str
    title: str
    submitter: str
    forms: tuple[str, ...]


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


@dataclass
class Registry:
    """Every notice known to this process, looked up by id."""

    notices: dict[str, Notice] = field(default_factory=dict)

    def register(self, notice: Notice) -> None:
        """Add `notice`; its form ids must be prefixed by the notice id."""
        for form in notice.forms:
            if not form.id.startswith(notice.id + "."):
                raise ValueError(f"form {form.id} does not belong to notice {notice.id}")
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

    def notice_of(self, form_id: str) -> Notice:
        """Return the notice that owns `form_id`."""
        for notice in self.notices.values():
            if any(f.id == form_id for f in notice.forms):
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
