"""Render context: a model (filled) or a model class (blank) as a tree the templates read.

Templates address fields by their data path (``{{r profile.unit_name }}``). Every leaf of
the tree knows its path, its label and its value, and writes itself as WordprocessingML:
on a blank form as a content control tagged with the path, on a filled form as the
formatted value. One template therefore serves both, and a form filled in by hand can be
read back by its tags.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, get_args, get_origin

from markupsafe import Markup
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from formgen.document import locale, wordml
from formgen.model.fields import (
    BlankRows,
    Identifier,
    KeyedBy,
    Measure,
    Paragraphs,
    Prompt,
    field_type,
    unwrap,
)

BODY_STYLE = "FormBody"


class ContextError(KeyError):
    """A template asked for a name the model does not have."""


@dataclass
class RenderState:
    """What all leaves of one document share: the mode and the next control id."""

    blank: bool
    prompts: bool = True
    """Grey prompts in blank controls; off for a blank printed on paper, where the paper's own
    blanks (a date's 年 月 日) stay and "请填写…" would only be noise."""
    next_id: int = 1000
    samples: dict[str, str] = field(default_factory=dict)
    """The longest likely value of each blank identifier control, by tag, noted as the template
    renders: `formgen.document.fitting` sizes what a person will type into the control by it."""

    def generic(self, prompt: str) -> str:
        """`prompt` where prompts are shown, else nothing."""
        return prompt if self.prompts else ""

    def allocate(self) -> int:
        """Return a fresh `w:id` for a content control; ids are sequential, so output is stable."""
        self.next_id += 1
        return self.next_id


@dataclass
class Leaf:
    """One input of the form."""

    state: RenderState
    path: str
    title: str
    prompt: str
    value: Any = None

    def __html__(self) -> str:
        if self.state.blank:
            return wordml.text_control(self.path, self.title, self.prompt, self.state.allocate())
        return wordml.run(self.text)

    @property
    def text(self) -> str:
        """The value as printed, empty when absent."""
        if self.value is None:
            return ""
        if isinstance(self.value, enum.Enum):
            return str(self.value.value)
        return str(self.value)

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return self.value is not None and self.value != ""


@dataclass
class IdentifierLeaf(Leaf):
    """A code, number or address read character by character: printed in the identifier style,
    which `formgen.document.fitting` sets a size smaller where a table cell is too narrow."""

    sample: str = ""
    """The longest value likely (`Identifier.sample`), for sizing a blank control."""

    def __html__(self) -> str:
        if self.state.blank:
            self.state.samples[self.path] = self.sample
            return wordml.text_control(
                self.path, self.title, self.prompt, self.state.allocate(), style=wordml.IDENTIFIER_STYLE
            )
        return wordml.identifier_run(self.text)


class AmountLeaf(Leaf):
    """An amount in 万元, printed with two decimals and grouping."""

    @property
    def text(self) -> str:
        return "" if self.value is None else locale.money(self.value)


class CountLeaf(Leaf):
    """A whole number."""

    @property
    def text(self) -> str:
        return "" if self.value is None else locale.count(self.value)


class QuantityLeaf(Leaf):
    """A measured quantity (12.5 兆瓦), printed without trailing zeros."""

    @property
    def text(self) -> str:
        return "" if self.value is None else locale.quantity(self.value)


LONGEST_DATE = dt.date(2023, 12, 28)
"""A date printed with the most characters: 2023年12月28日."""


class DateLeaf(Leaf):
    """A date: a date picker when blank, 2023年4月14日 when filled."""

    def __html__(self) -> str:
        if self.state.blank:
            self.state.samples[self.path] = locale.date(LONGEST_DATE)
            return wordml.date_control(
                self.path, self.title, self.prompt, self.state.allocate(), style=wordml.IDENTIFIER_STYLE
            )
        return wordml.identifier_run(self.text)

    @property
    def text(self) -> str:
        return "" if self.value is None else locale.date(self.value)

    @property
    def upper(self) -> Markup:
        """The date in Chinese numerals (二〇二三年四月十四日), as a run or a date control."""
        if self.state.blank:
            return Markup(self.__html__())
        return Markup(wordml.identifier_run("" if self.value is None else locale.date_upper(self.value)))


class ParagraphsLeaf(Leaf):
    """Prose: block paragraphs with ``{{p }}``, or one run with line breaks via `.inline`."""

    def __html__(self) -> str:
        if self.state.blank:
            return wordml.block_control(self.path, self.title, self.prompt, self.state.allocate(), BODY_STYLE)
        return wordml.paragraphs(self.text, BODY_STYLE)

    @property
    def inline(self) -> Markup:
        """The prose as one run with line breaks, for table cells."""
        if self.state.blank:
            return Markup(
                wordml.text_control(self.path, self.title, self.prompt, self.state.allocate(), multiline=True)
            )
        return Markup(wordml.run(self.text))


@dataclass
class CheckLeaf:
    """One □ of the form: a checkbox control when blank, ☑ or ☐ when filled."""

    state: RenderState
    path: str
    title: str
    checked: bool

    def __html__(self) -> str:
        if self.state.blank:
            return wordml.checkbox_control(self.path, self.title, self.state.allocate())
        return wordml.box_run(self.checked)

    def __bool__(self) -> bool:
        return self.checked


@dataclass
class ChoiceNode:
    """A choice among the options of an enum: one □ per option, or the chosen text."""

    state: RenderState
    path: str
    title: str
    options: Sequence[enum.Enum]
    selected: Sequence[enum.Enum]

    def __getitem__(self, option: str) -> CheckLeaf:
        for candidate in self.options:
            if candidate.value == option:
                return CheckLeaf(self.state, f"{self.path}={option}", option, candidate in self.selected)
        raise ContextError(
            f"{self.path}: no option {option!r}; options are {[o.value for o in self.options]}"
        )

    def __html__(self) -> str:
        if self.state.blank:
            prompt = self.state.generic(f"请选择{self.title}")
            return wordml.text_control(self.path, self.title, prompt, self.state.allocate())
        return wordml.run(self.text)

    @property
    def text(self) -> str:
        """The chosen options, joined by 、."""
        return "、".join(str(option.value) for option in self.selected)


@dataclass
class Node:
    """A group of fields (a nested model): attribute access reaches its children."""

    path: str
    children: dict[str, Any] = field(default_factory=dict)
    number: int = 0
    state: RenderState | None = None
    """The document's shared state, on the root node only."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name.startswith("jinja_"):
            raise AttributeError(name)  # Python and Jinja probe such names; they are never fields
        try:
            return self.children[name]
        except KeyError:
            raise ContextError(f"{self.path or '<root>'} has no field {name!r}") from None

    __getitem__ = __getattr__

    @property
    def ordinal(self) -> str:
        """The row's number in Chinese (一, 二, …), for labels such as 案例一."""
        return locale.ordinal(self.number)


@dataclass
class Rows:
    """A list of groups: table rows or numbered items."""

    path: str
    items: list[Node]

    def __iter__(self) -> Iterator[Node]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Node:
        return self.items[index]


@dataclass
class Keyed:
    """Ticked items of a printed list, addressed by key; each has `.checked`."""

    path: str
    items: dict[str, Node]

    def __getitem__(self, key: str) -> Node:
        try:
            return self.items[key]
        except KeyError:
            raise ContextError(f"{self.path}: no item {key!r}") from None


def build(model: type[BaseModel], instance: BaseModel | None, *, blank: bool, prompts: bool = True) -> Node:
    """Return the render context of `model`, filled from `instance` unless `blank`.

    A blank form shows grey prompts in its controls unless `prompts` is off (for paper).
    """
    state = RenderState(blank=blank, prompts=prompts)
    root = _group(state, "", model, None if blank else instance)
    root.state = state
    return root


def _marker(metadata: list[Any], kind: type[Any]) -> Any:
    return next((m for m in metadata if isinstance(m, kind)), None)


def _group(state: RenderState, path: str, model: type[BaseModel], instance: BaseModel | None) -> Node:
    node = Node(path)
    for name, info in model.model_fields.items():
        child_path = f"{path}.{name}" if path else name
        value = getattr(instance, name) if instance is not None else None
        node.children[name] = _field(state, child_path, info, value)
    # Derived values (a total of stages) are computed fields: the template shows them, the
    # data never types them; a blank form shows a control where the reader writes them.
    for name, computed in model.model_computed_fields.items():
        child_path = f"{path}.{name}" if path else name
        value = getattr(instance, name) if instance is not None else None
        info = FieldInfo(annotation=computed.return_type, title=computed.title)
        node.children[name] = _field(state, child_path, info, value)
    return node


def _field(state: RenderState, path: str, info: FieldInfo, value: Any) -> Any:
    annotation, metadata = field_type(info)
    title = info.title or path.rsplit(".", 1)[-1]
    prompt_marker = _marker(metadata, Prompt)
    origin = get_origin(annotation)

    if origin is list:
        (item,) = get_args(annotation)
        item, _ = unwrap(item)
        if isinstance(item, type) and issubclass(item, enum.Enum):
            return ChoiceNode(state, path, title, list(item), list(value or []))
        if isinstance(item, type) and issubclass(item, BaseModel):
            keyed = _marker(metadata, KeyedBy)
            if keyed is not None:
                return _keyed(state, path, item, keyed.field, list(value or []))
            blank_rows = _marker(metadata, BlankRows)
            if state.blank:
                count = blank_rows.count if blank_rows else 1
                instances: list[BaseModel | None] = [None] * count
            else:
                instances = list(value or [])
            rows = []
            for index, row in enumerate(instances):
                node = _group(state, f"{path}[{index}]", item, row)
                node.number = index + 1
                rows.append(node)
            return Rows(path, rows)
        raise TypeError(f"{path}: lists of {item!r} are not supported")

    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return _group(state, path, annotation, value)
        if issubclass(annotation, enum.Enum):
            return ChoiceNode(state, path, title, list(annotation), [] if value is None else [value])
        if issubclass(annotation, bool):
            return CheckLeaf(state, path, title, bool(value))
        prompt = prompt_marker.text if prompt_marker else None
        if issubclass(annotation, dt.date):
            return DateLeaf(state, path, title, prompt or state.generic("请选择日期"), value)
        if issubclass(annotation, Decimal):
            if _marker(metadata, Measure):
                return QuantityLeaf(state, path, title, prompt or state.generic(f"请填写{title}"), value)
            return AmountLeaf(state, path, title, prompt or state.generic(f"请填写{title}"), value)
        if issubclass(annotation, int):
            return CountLeaf(state, path, title, prompt or state.generic(f"请填写{title}"), value)
        if issubclass(annotation, str):
            prompt = prompt or state.generic(f"请填写{title}")
            identifier = _marker(metadata, Identifier)
            if identifier is not None:
                return IdentifierLeaf(state, path, title, prompt, value, sample=identifier.sample)
            kind = ParagraphsLeaf if _marker(metadata, Paragraphs) else Leaf
            return kind(state, path, title, prompt, value)
    raise TypeError(f"{path}: the renderer does not know how to show {annotation!r}")


def _keyed(state: RenderState, path: str, item: type[BaseModel], key: str, values: list[BaseModel]) -> Keyed:
    key_type, _ = unwrap(item.model_fields[key].annotation)
    present = {getattr(v, key).value: v for v in values}
    items: dict[str, Node] = {}
    for option in key_type:
        item_path = f"{path}[{option.value}]"
        instance = present.get(option.value)
        node = _group(state, item_path, item, instance)
        node.children["checked"] = CheckLeaf(state, item_path, str(option.value), instance is not None)
        items[str(option.value)] = node
    return Keyed(path, items)
