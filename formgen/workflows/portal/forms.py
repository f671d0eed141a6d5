"""Web forms made from a notice's pydantic models: the paper's labels, in the paper's order.

The engine names no notice: every input comes from a model field's title (the form's label),
its type (text, paragraphs, ☐ choices, a single choice, rows, dates, amounts in 万元) and its
markers (`MaxChars`, `Unit`, `KeyedBy`). Input names are the data paths the rulebook's
problems name (`report.profile.products[2].name`), so each problem lands beside its input.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from formgen.data import paths
from formgen.document import locale
from formgen.model.fields import (
    AttachmentFile,
    ChoicesBy,
    KeyedBy,
    MaxChars,
    Paragraphs,
    Unit,
    field_type,
    list_item,
)
from formgen.model.problems import Problem

ROWS_MARK = "_rows:"
"""A hidden input `_rows:<path>` = how many rows a list shows, so empty rows survive a save."""
PRESENT_MARK = "_present:"
"""A hidden input `_present:<path>` for ☐ lists and yes/no boxes: an unticked box sends nothing."""


@dataclass
class Widget:
    """One input or group of inputs of a web form."""

    kind: str
    """group, rows, keyed, text, textarea, number, date, select, radio, checks, bool."""
    path: str
    label: str
    required: bool = False
    description: str = ""
    options: list[str] = field(default_factory=list)
    unit: str = ""
    max_chars: int | None = None
    step: str = ""
    value: Any = None
    children: list[Widget] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    key: str = ""
    """For an item of a keyed list: the printed item it ticks (工程设计资质)."""
    groups: dict[str, list[str]] = field(default_factory=dict)
    """For a list that depends on a sibling (`ChoicesBy`): each sibling value's options."""
    by: str = ""
    """The input name of that sibling (the page script narrows the list when it changes)."""
    paper: list[str] = field(default_factory=list)
    """The paper's own guidance for this input (填写要求, the pledge a date signs)."""

    @functools.cached_property
    def dom_id(self) -> str:
        """An id for the input, made of the path (HTML ids may hold any character but space);
        kept once made, as a page's template asks it of each input some eight times."""
        return "f-" + self.path.replace(" ", "_")


@dataclass(frozen=True)
class Section:
    """One step of the filling: a field of the packet, or of its main document."""

    path: str
    label: str
    info: FieldInfo | None
    attachments: bool = False
    """The submitter's scans, filled by uploading files rather than by typing."""


def sections(model: type[BaseModel]) -> list[Section]:
    """The steps of a packet's form: the fields of each document, then the attachments."""
    found: list[Section] = []
    for name, info in model.model_fields.items():
        inner, _ = field_type(info)
        if list_item(info.annotation) is AttachmentFile:
            found.append(Section(name, info.title or name, info, attachments=True))
        elif isinstance(inner, type) and issubclass(inner, BaseModel):
            for sub, sub_info in inner.model_fields.items():
                found.append(Section(f"{name}.{sub}", sub_info.title or sub, sub_info))
        else:
            found.append(Section(name, info.title or name, info))
    return found


def attachments_path(model: type[BaseModel]) -> str | None:
    """The packet field that lists the submitter's scans (`attachments`), if it has one."""
    return next((s.path for s in sections(model) if s.attachments), None)


@dataclass(frozen=True)
class _Kind:
    """What a model field is on a web form: the input and the type it holds."""

    kind: str
    inner: Any
    metadata: list[Any]
    key: str = ""
    suffixes: tuple[tuple[str, str], ...] = ()


_KINDS: dict[int, tuple[FieldInfo, _Kind]] = {}
"""`_kind_of`'s answers by the field's id, the field held beside so that its id is not reused:
a page asks it of every input on every load, and a model's fields never change."""


def _kind_of(info: FieldInfo) -> _Kind:
    held = _KINDS.get(id(info))
    if held is not None and held[0] is info:
        return held[1]
    found = _read_kind(info)
    if len(_KINDS) > 20_000:  # models of notices brought in and replaced, long gone
        _KINDS.clear()
    _KINDS[id(info)] = (info, found)
    return found


def _read_kind(info: FieldInfo) -> _Kind:
    inner, metadata = field_type(info)
    item = list_item(info.annotation)
    if isinstance(item, type) and issubclass(item, BaseModel):
        keyed = next((m for m in metadata if isinstance(m, KeyedBy)), None)
        if keyed is not None:
            return _Kind("keyed", item, metadata, keyed.field, keyed.suffixes)
        return _Kind("rows", item, metadata)
    if isinstance(item, type) and issubclass(item, enum.Enum):
        return _Kind("checks", item, metadata)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return _Kind("group", inner, metadata)
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return _Kind("radio" if len(inner) <= 6 else "select", inner, metadata)
    if any(isinstance(m, ChoicesBy) for m in metadata):
        return _Kind("select", inner, metadata)
    if inner is bool:
        return _Kind("bool", inner, metadata)
    if inner is dt.date:
        return _Kind("date", inner, metadata)
    if inner is Decimal or inner is int:
        return _Kind("number", inner, metadata)
    limit = next((m.limit for m in metadata if isinstance(m, MaxChars)), 0)
    if any(isinstance(m, Paragraphs) for m in metadata) or limit > 60:
        return _Kind("textarea", inner, metadata)
    return _Kind("text", inner, metadata)


def widget(info: FieldInfo, path: str, data: Any) -> Widget:
    """The input of one model field at `path`, showing its value in `data`."""
    found = _kind_of(info)
    label = info.title or path.rsplit(".", 1)[-1]
    base = Widget(found.kind, path, label, info.is_required(), info.description or "")
    base.value = paths.value_at(data, path)
    # Show the model's default (a box ticked by default starts ticked), so that saving an
    # untouched page stores what the model would assume, not the opposite.
    has_default = info.default is not None and not isinstance(info.default, type(PydanticUndefined))
    if base.value is None and found.kind in ("bool", "radio", "select") and has_default:
        base.value = info.default.value if isinstance(info.default, enum.Enum) else info.default
    if found.kind == "group":
        base.children = _fields(found.inner, path, data)
    elif found.kind == "rows":
        count = len(base.value) if isinstance(base.value, list) else 0
        base.children = [
            Widget(
                "group", f"{path}[{n}]", f"第{n + 1}行", children=_fields(found.inner, f"{path}[{n}]", data)
            )
            for n in range(count)
        ]
    elif found.kind == "keyed":
        _keyed(base, found.inner, found.key, dict(found.suffixes))
    elif isinstance(found.inner, type) and issubclass(found.inner, enum.Enum):
        base.options = [str(o.value) for o in found.inner]  # ☐ choices, one choice, a list
    choices_by = next((m for m in found.metadata if isinstance(m, ChoicesBy)), None)
    if choices_by is not None:
        _choices_by(base, choices_by, data)
    base.unit = next((m.text for m in found.metadata if isinstance(m, Unit)), "")
    base.max_chars = next((m.limit for m in found.metadata if isinstance(m, MaxChars)), None)
    if found.kind == "number":
        base.step = "1" if found.inner is int else ("0.01" if base.unit else "any")
    return base


def _choices_by(base: Widget, marker: ChoicesBy, data: Any) -> None:
    """The options of a list that depends on a sibling: the sibling's own list once it is
    chosen, else every list (grouped by the sibling's values); a value typed before the list
    was offered stays an option, so nothing typed is lost."""
    base.by = f"{base.path.rsplit('.', 1)[0]}.{marker.field}" if "." in base.path else marker.field
    base.groups = {key: list(names) for key, names in marker.choices}
    chosen = paths.value_at(data, base.by)
    mine = base.groups.get(str(chosen)) if chosen is not None else None
    base.options = mine if mine is not None else [n for names in base.groups.values() for n in names]
    if base.value and str(base.value) not in base.options:
        base.options = [str(base.value), *base.options]


def _fields(model: type[BaseModel], path: str, data: Any) -> list[Widget]:
    return [widget(info, f"{path}.{name}", data) for name, info in model.model_fields.items()]


def _keyed(base: Widget, item: type[BaseModel], key: str, suffixes: dict[str, str]) -> None:
    """A printed list of ☐ items (已获资质认证情况): one box per option, with its details, each
    detail followed by what the paper prints after it (级), so nobody types it twice."""
    ticked = {str(v.get(key)): v for v in (base.value or []) if isinstance(v, dict)}
    for option in field_type(item.model_fields[key])[0]:
        name = str(option.value)
        row = Widget("group", f"{base.path}[{name}]", name, key=name, value=name in ticked)
        for field_name, info in item.model_fields.items():
            if field_name != key:
                child = widget(info, f"{base.path}[{name}].{field_name}", {})
                child.value = ticked.get(name, {}).get(field_name)
                if child.kind == "text":
                    child.unit = suffixes.get(name, "")
                row.children.append(child)
        base.children.append(row)


def section_widget(section: Section, data: Any, guidance: dict[str, list[str]] | None = None) -> Widget:
    """The inputs of one section of the packet's form, each with the paper's guidance for it
    (`guidance`, by data path, as `formgen.api.packet_guidance` reads it off the templates)."""
    assert section.info is not None
    root = widget(section.info, section.path, data)
    if guidance:
        plain = {re.sub(r"\[['\"](.*?)['\"]\]", r"[\1]", path): lines for path, lines in guidance.items()}
        for each in _walk(root):
            each.paper = plain.get(each.path, [])
    return root


def _walk(root: Widget) -> Iterable[Widget]:
    yield root
    for child in root.children:
        yield from _walk(child)


class FormValues:
    """The submitted fields of an HTML form: names and, for repeated names, every value."""

    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        self._values: dict[str, list[str]] = {}
        for name, value in items:
            self._values.setdefault(name, []).append(value)

    def get(self, name: str) -> str | None:
        """The first value sent under `name`."""
        values = self._values.get(name)
        return values[0] if values else None

    def getlist(self, name: str) -> list[str]:
        """Every value sent under `name`, in order."""
        return list(self._values.get(name, []))

    def has(self, name: str) -> bool:
        """Whether the form sent `name` at all."""
        return name in self._values


def read(info: FieldInfo, path: str, form: FormValues) -> Any:
    """The data of one model field from the submitted form; None where nothing was typed.

    Text is kept as typed (the model trims and checks it); numbers and dates stay text for
    the model to parse, so a wrong one ends in the rulebook's message, never a crash here.
    """
    found = _kind_of(info)
    if found.kind == "group":
        return _read_model(found.inner, path, form, keep_empty=info.is_required())
    if found.kind == "rows":
        count = _count(form.get(ROWS_MARK + path))
        return [_read_model(found.inner, f"{path}[{n}]", form, keep_empty=True) for n in range(count)]
    if found.kind == "keyed":
        items = []
        for option in field_type(found.inner.model_fields[found.key])[0]:
            item_path = f"{path}[{option.value}]"
            if form.get(item_path) is not None:
                item = {found.key: str(option.value)}
                item.update(_read_model(found.inner, item_path, form, keep_empty=True, skip=found.key) or {})
                items.append(item)
        return items
    if found.kind == "checks":
        return form.getlist(path) if form.has(PRESENT_MARK + path) or form.has(path) else None
    if found.kind == "bool":
        return form.get(path) is not None if form.has(PRESENT_MARK + path) else None
    value = form.get(path)
    if value is None or not value.strip():
        return None
    return value.replace("\r\n", "\n")


def _read_model(
    model: type[BaseModel], path: str, form: FormValues, *, keep_empty: bool, skip: str = ""
) -> dict[str, Any] | None:
    found = {
        name: read(info, f"{path}.{name}", form) for name, info in model.model_fields.items() if name != skip
    }
    kept = {k: v for k, v in found.items() if v is not None}
    return kept if kept or keep_empty else None


MAX_ROWS = 200
"""The most rows a table of an application holds: no paper form comes near."""


def _count(text: str | None) -> int:
    """How many rows a list shows; at most `MAX_ROWS`."""
    try:
        return max(0, min(int(text or "0"), MAX_ROWS))
    except ValueError:
        return 0


def read_section(section: Section, form: FormValues) -> Any:
    """The data of one section from the submitted form."""
    assert section.info is not None
    return read(section.info, section.path, form)


def place_problems(root: Widget, problems: Sequence[Problem]) -> list[tuple[str, Problem]]:
    """Attach each problem of `root`'s section to the input of its path, else to the nearest
    group that holds it; return (input path, problem) for each one placed."""
    by_path: dict[str, Widget] = {}

    def index(w: Widget) -> None:
        by_path[w.path] = w
        for child in w.children:
            index(child)

    index(root)
    placed: list[tuple[str, Problem]] = []
    for problem in problems:
        path = problem.path
        while path and path not in by_path:
            path = _parent(path)
        if path:
            by_path[path].problems.append(problem)
            placed.append((path, problem))
    return placed


def row_lists(root: Widget) -> set[str]:
    """The paths of the tables (lists of rows) among `root` and its inputs."""
    found = {root.path} if root.kind == "rows" else set()
    for child in root.children:
        found |= row_lists(child)
    return found


def longest_list(data: Any) -> int:
    """The length of the longest list anywhere in `data` (0 when it holds none)."""
    if isinstance(data, dict):
        return max((longest_list(value) for value in data.values()), default=0)
    if isinstance(data, list):
        return max([len(data), *(longest_list(value) for value in data)])
    return 0


def _parent(path: str) -> str:
    """`a.b[2]` for `a.b[2].c`, `a.b` for `a.b[2]`, '' at the top."""
    if path.endswith("]"):
        return path[: path.rindex("[")]
    return path.rpartition(".")[0]


def in_section(section: Section, problem: Problem) -> bool:
    """Whether `problem` concerns a field of `section`."""
    return problem.path == section.path or problem.path.startswith((section.path + ".", section.path + "["))


def typed(data: Any, path: str) -> bool:
    """Whether anything was typed at `path` (a field's problem shows once it holds a value)."""
    value = paths.value_at(data, path)
    return value not in (None, "", [], {})


def progress(section: Section, data: Any, problems: Sequence[Problem]) -> str:
    """A section's state for the step list: ``empty`` (nothing typed), ``problems`` (an error
    about something typed), ``partial`` (only blanks still to fill, such as a row just added)
    or ``done``. A blank is not a problem until the person has reached it, so a section
    begun but not finished is told apart from one holding a wrong value."""
    if not typed(data, section.path):
        return "empty"
    errors = [p for p in problems if p.severity == "error" and in_section(section, p)]
    if any(typed(data, p.path) for p in errors):
        return "problems"
    return "partial" if errors else "done"


def printed(w: Widget) -> str:
    """A leaf input's value as the filled document prints it (dates as 2023年4月14日, amounts
    with two decimals, ☑ for a ticked box); '' when nothing was typed. A value the model
    would refuse is shown as typed: the review lists its problem beside it."""
    value = w.value
    if w.kind == "bool":
        return "☑" if value else "☐"
    if w.kind == "checks":
        return "、".join(f"☑{v}" for v in value) if isinstance(value, list) else ""
    if value in (None, ""):
        return ""
    try:
        if w.kind == "date":
            return locale.date(dt.date.fromisoformat(str(value)))
        if w.kind == "number" and w.step == "1":
            return locale.count(int(value))
        if w.kind == "number" and w.unit:
            return f"{locale.money(Decimal(str(value)))}{w.unit}"
        if w.kind == "number":
            return locale.quantity(Decimal(str(value)))
    except (ValueError, ArithmeticError):
        return str(value)
    return f"{value}{w.unit}" if w.kind == "text" and w.unit else str(value)


def skeleton(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """`data` with an empty group for every required group not yet begun, all the way down.

    A group nobody has opened would otherwise be one "缺少必填项" naming the group; with it
    in place, each required field of the group is named by its own label."""
    for name, inner, required in _groups(model):
        value = data.get(name)
        if value is None and required:
            value = data[name] = {}
        if isinstance(value, dict):
            skeleton(inner, value)
    return data


@functools.lru_cache(maxsize=4096)
def _groups(model: type[BaseModel]) -> tuple[tuple[str, type[BaseModel], bool], ...]:
    """The fields of `model` that hold one group (a model, not a list of them): each name, the
    group's model and whether it is required. Worked out once a model: every save's check
    asks it for each group of the draft."""
    found = []
    for name, info in model.model_fields.items():
        inner = field_type(info)[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel) and not list_item(info.annotation):
            found.append((name, inner, info.is_required()))
    return tuple(found)
