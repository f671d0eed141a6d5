"""A re-draft that keeps the author's corrections: reviewed fields survive `formgen draft` run again.

The draft of a published form is a guess; the author corrects it (a better path, the right
type, the paper's exact label) and marks the field ``reviewed: true``. Drafting the same file
again must not undo that. Fields are matched by their `place` in the published document,
which the draft writes the same way for the same input place (docs/notice-packages.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from formgen.model.package_spec import FieldSpec, FormSpec


@dataclass
class MergeReport:
    """What a merge kept of the author's work, for the draft's report."""

    kept: list[str] = field(default_factory=list)
    """Paths of reviewed fields that replaced the draft's field at the same place."""
    missing: list[str] = field(default_factory=list)
    """Paths of reviewed fields whose place the new draft did not find: kept, the author knows best."""
    renamed: list[tuple[str, str]] = field(default_factory=list)
    """(draft path, new path) of drafted fields moved aside from a reviewed field's path."""


def merge_reviewed(old: FormSpec, new: FormSpec) -> tuple[FormSpec, MergeReport]:
    """`new` (a fresh draft) with the reviewed fields of `old` (the author's package) kept whole.

    - a drafted field at the place of a reviewed field is replaced by the reviewed one;
    - a reviewed field whose place the draft no longer finds is kept, after the field that
      preceded it;
    - a drafted field whose path a reviewed field uses gets a free one (``path_2``, …);
    - unreviewed fields of `old` give way to the draft's.
    The author's group titles are kept too.
    """
    report = MergeReport()
    fields = _merge(old.fields, new.fields, report, _place)
    update: dict[str, object] = {"fields": fields, "groups": {**new.groups, **old.groups}}
    if new.table is not None and old.table is not None:
        columns = _merge(old.table.columns, new.table.columns, report, _column_place)
        update["table"] = new.table.model_copy(update={"columns": columns})
    return new.model_copy(update=update), report


def _place(item: FieldSpec) -> str | None:
    return item.place


def _column_place(item: FieldSpec) -> str | None:
    """A table's column is where its header is; a column drafted without a place is known by
    its header text, which the published table prints once."""
    return item.place or f"表头 {item.label}"


def _merge(
    old: Sequence[FieldSpec],
    new: Sequence[FieldSpec],
    report: MergeReport,
    place: Callable[[FieldSpec], str | None],
) -> list[FieldSpec]:
    reviewed = {place(item): item for item in old if item.reviewed and place(item)}
    merged: list[FieldSpec] = []
    for item in new:
        mine = reviewed.get(place(item)) if place(item) else None
        if mine is not None:
            merged.append(mine)
            report.kept.append(mine.path)
        else:
            merged.append(item)
    placed = {place(item) for item in merged}
    for index, item in enumerate(old):
        if item.reviewed and (not place(item) or place(item) not in placed):
            before = next((place(o) for o in reversed(old[:index]) if place(o) in placed), None)
            at = next(
                (i + 1 for i, m in enumerate(merged) if before is not None and place(m) == before),
                len(merged),
            )
            merged.insert(at, item)
            placed.add(place(item))
            report.missing.append(item.path)
    taken = {path for item in merged if item.reviewed for path in _paths(item)}
    result = []
    for item in merged:
        if not item.reviewed and item.path in taken:
            free = _free(item.path, taken | {p for m in merged for p in _paths(m)})
            report.renamed.append((item.path, free))
            item = item.model_copy(update={"path": free})
        result.append(item)
    return result


def _paths(item: FieldSpec) -> list[str]:
    return [item.path, *([item.other.path] if item.other else [])]


def _free(path: str, taken: set[str]) -> str:
    number = 2
    while f"{path}_{number}" in taken:
        number += 1
    return f"{path}_{number}"
