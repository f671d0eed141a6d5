"""A draft written into a folder that already holds a package: the author's corrections kept.

The author reviews a draft by editing its YAML and marking fields ``reviewed: true``. When the
publisher changes the form (a row added, a typo mended) the author drafts again into the same
folder; the reviewed fields must come through whole (`formgen.model.package_merge`), and the
template's tags must name them as the author does. So the author's package is read first (a
folder that is not one, or whose YAML does not parse, is refused: nothing is written over it),
and the draft's places take the reviewed fields' paths before their tags go in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formgen.data.package_files import PackageError
from formgen.document.package_load import PackageSpecs, read_specs
from formgen.drafting.places import Place
from formgen.model.package_merge import MergeReport, merge_reviewed
from formgen.model.package_spec import FieldSpec, FormSpec


class NotAPackageError(PackageError):
    """An output folder that holds files but no notice package: a draft will not write into it."""


@dataclass
class Previous:
    """The author's package in the output folder, and which of its forms each new one replaces."""

    specs: PackageSpecs

    def form_for(self, source: str, name: str) -> tuple[str, FormSpec] | None:
        """The author's form drafted from the same published file, else of the same name."""
        for old_name, spec in self.specs.forms.items():
            if spec.source == source:
                return old_name, spec
        same_name = self.specs.forms.get(name)
        return (name, same_name) if same_name is not None else None


def read_previous(folder: Path) -> Previous | None:
    """The package already in `folder`; None for a folder that is missing or empty.

    Raises `NotAPackageError` for a folder holding anything but a package, and `PackageError`
    for a package whose YAML does not parse (the author must mend it first: a re-draft over it
    would lose the corrections it cannot read).
    """
    if not folder.exists():
        return None
    if not folder.is_dir():
        raise NotAPackageError(f"{folder}: 不是文件夹 / not a folder")
    entries = sorted(p.name for p in folder.iterdir())
    if not entries:
        return None
    if "notice.yaml" not in entries:
        shown = "、".join(entries[:5]) + ("…" if len(entries) > 5 else "")
        raise NotAPackageError(
            f"{folder}: 文件夹中已有其他文件（{shown}），不是通知包，未写入"
            f" / the folder holds other files and no notice package (no notice.yaml): nothing written"
        )
    return Previous(read_specs(folder))


def settle(places: list[Place], old: FormSpec, entry: Callable[[Place], dict[str, Any]]) -> None:
    """Give the draft's `places` the paths of the author's reviewed fields at the same places.

    `entry` writes a place as a form's field (`package_writer`). The merge decides every path
    (a reviewed field's own, or a drafted one moved aside from it); the template's tags are then
    written from the places, so they name what the package's YAML names. A reviewed choice keeps
    the author's option words: the □ of each option, in order, ticks the author's word.
    """
    by_place = reviewed_at(places, old, entry)
    for place in places:
        mine = by_place.get(place.where)
        if mine is not None:
            _take(place, mine)


def reviewed_at(
    places: list[Place], old: FormSpec, entry: Callable[[Place], dict[str, Any]]
) -> dict[str, FieldSpec]:
    """Each place's field once the reviewed fields of `old` are merged onto a draft of `places`.

    One merge (`merge_reviewed`) serves a re-draft (`settle`) and a review given in the portal
    (`formgen.drafting.review`): each then copies what it owns from the field to the place.
    """
    fresh = old.model_copy(update={"fields": [FieldSpec.model_validate(entry(p)) for p in places]})
    merged, _ = merge_reviewed(old, fresh)
    return {item.place: item for item in merged.fields if item.place}


def _take(place: Place, mine: FieldSpec) -> None:
    place.path = mine.path
    if mine.other is not None:
        place.other_path = mine.other.path
    if place.options and len(mine.options) == len(place.options):
        words = dict(zip(place.options, mine.options, strict=True))
        for span in place.spans:
            if span.option is not None:
                span.option = words.get(span.option, span.option)
        place.options = list(mine.options)
    if place.columns and len(mine.columns) == len(place.columns):
        for column, own in zip(place.columns, mine.columns, strict=True):
            column.path = own.path


def merge(old: FormSpec | None, fresh: FormSpec) -> tuple[FormSpec, MergeReport | None]:
    """The form to write: `fresh` with the author's reviewed fields of `old`, when there is one."""
    if old is None:
        return fresh, None
    return merge_reviewed(old, fresh)


def notes(report: MergeReport) -> list[str]:
    """What a re-draft did with the author's form, as lines of the draft report."""
    lines = []
    for items, zh, en in (
        (report.kept, "保留已复核字段", "kept as reviewed"),
        (report.missing, "已复核但来源中未再找到，仍保留", "reviewed, not found in the source again, kept"),
        (report.new, "来源中新出现的字段", "new in the source"),
        (report.gone, "来源中已不存在，已删除", "no longer in the source, dropped"),
    ):
        if items:
            lines.append(f"{zh} / {en}: " + "、".join(items))
    if report.renamed:
        moved = "、".join(f"{a} → {b}" for a, b in report.renamed)
        lines.append(f"与已复核字段同名，已改名 / renamed beside a reviewed field: {moved}")
    if not lines:
        lines.append("与原通知包相同 / the same as the package in the folder")
    return lines
