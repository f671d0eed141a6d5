"""What the detector finds: input places, each with how its template tag goes in, and what it
left out with the reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Span:
    """Where a tag goes: characters `start`..`end` of the text of ``w:p`` `paragraph` are
    replaced by it (an empty range inserts it). `block` makes the paragraph the tag's own."""

    paragraph: Any
    start: int
    end: int
    option: str | None = None
    """For a □: the option it ticks."""
    block: bool = False


@dataclass
class Header:
    """A rows table's column header cell as drafted: its ``w:tc``, the two-level header's
    `group` above it (购置情况 over 数量（台）) and the column label drafted from both."""

    tc: Any
    group: str
    label: str


@dataclass
class RowsEdit:
    """A table's repeated empty rows: `template` keeps one, `extra` go, `cells` get the columns."""

    template: Any
    extra: list[Any]
    cells: list[tuple[Any, str | None]]
    """Each cell of the template row and the `where` of the column it holds (None: 序号, printed
    by the loop): by its header cell, so a column the review gives the office leaves its cell
    empty and the others keep theirs."""
    headers: dict[str, Header] = field(default_factory=dict)
    """Each column's header cell, by the column's `where`: a label the review corrects is
    printed there."""


@dataclass
class Place:
    """One input place of a form: what it asks for, where it is, and how sure the detector is."""

    label: str
    """The paper's label, kept as the field's title."""
    type: str
    """text, long_text, money, yuan, count, percent, area, credit_code, id_card, mobile, phone,
    postcode, email, date, choice, choices, rows."""
    where: str
    pattern: str
    """How it was found: 空白单元格, 单位单元格, 冒号后空白, 下划线, 年月日, □选项, 重复空行, …"""
    confidence: float
    context: str = ""
    """The row header or section it sits under: tells two 电话 places apart."""
    unit: str | None = None
    max_chars: int | None = None
    options: list[str] = field(default_factory=list)
    other: str | None = None
    """The option (其他) whose text the applicant writes on its line."""
    other_path: str = ""
    """The data path of that text; empty: ``<path>_其他``."""
    columns: list[Place] = field(default_factory=list)
    blank_rows: int = 0
    group: str = ""
    """A matrix cell's row label (a 指标 by 年度): the field nests under it, as ``指标.2023年``."""
    path: str = ""
    spans: list[Span] = field(default_factory=list)
    other_span: Span | None = None
    rows: RowsEdit | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def other_text_path(self) -> str:
        """The data path of the text written after the `other` option."""
        return self.other_path or f"{self.path}_其他"


@dataclass
class LeftOut:
    """A place the detector saw and did not make a field, with the reason."""

    text: str
    where: str
    reason: str


@dataclass
class Found:
    """Everything found in one document."""

    places: list[Place] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    title: str = ""
    label: str = ""
    """The annex label printed at the top (附件2), if any."""


Adjust = Callable[[str, list[Place]], list[Place]]
"""An author's review applied to a form's named places before its template is written: given
the form's file name and its places, the places to keep, corrected (`formgen.drafting.review`)."""
