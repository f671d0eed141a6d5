"""An author's review of a draft, kept when the same published files are drafted again.

A draft is a guess; its author corrects a field's path, label and type, and marks places the
draft took for the applicant's as the office's (a 经办人 line, a 受理 box). A table's columns
are corrected the same way (path, label, type, a drop-down's options), each known by its header
cell; a column marked as the office's is printed empty and asks the applicant nothing. The corrections
are kept as reviewed fields (``reviewed: true``) and a list of office-only places. Drafting
the files again with `adjuster` merges them into the fresh draft with
`formgen.model.package_merge.merge_reviewed` (`redraft.reviewed_at`), before the template's tags are written: a
corrected path reaches the template, and an office-only place gets no control and stays as
published.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from formgen.drafting.package_writer import REVIEWED, TYPE_NAMES, field_entry
from formgen.drafting.places import Adjust, Place
from formgen.drafting.redraft import reviewed_at
from formgen.model.package_spec import FieldSpec, FormSpec

DRAFT_TYPES = {name: internal for internal, name in TYPE_NAMES.items()}
"""The package format's type names as drafting spells them (money_wan → money)."""
SHAPED = ("choice", "choices", "rows")
"""Types whose field has a shape on paper (□ options, a table's rows): their type is the
paper's, not the author's to change."""


@dataclass
class FormReview:
    """The author's work on one drafted form."""

    fields: list[FieldSpec] = field(default_factory=list)
    """The corrected fields, each ``reviewed``, with the `place` the draft gave it."""
    office: list[str] = field(default_factory=list)
    """Places that are the office's, not the applicant's: no field, no control."""
    columns: list[FieldSpec] = field(default_factory=list)
    """The corrected columns of a table, each with the `place` of its header cell."""


def adjuster(reviews: Mapping[str, FormReview]) -> Adjust:
    """The `Adjust` of a draft that applies `reviews`, keyed by each form's file name."""

    def adjust(name: str, places: list[Place]) -> list[Place]:
        review = reviews.get(name)
        return places if review is None else apply(places, review)

    return adjust


def apply(places: list[Place], review: FormReview) -> list[Place]:
    """`places` without the office's, each corrected as `review` says (matched by place)."""
    kept = [place for place in places if place.where not in review.office]
    mine = FormSpec(kind="docx", title="", template="", fields=review.fields)
    by_place = reviewed_at(kept, mine, field_entry)
    for place in kept:
        chosen = by_place.get(place.where)
        if chosen is None:
            continue
        place.path, place.label = chosen.path, chosen.label
        if place.type not in SHAPED and chosen.type not in SHAPED:
            place.type = DRAFT_TYPES.get(chosen.type, chosen.type)
            place.max_chars = chosen.max_chars
        if chosen.reviewed and REVIEWED not in place.notes:
            place.notes.append(REVIEWED)
    for place in kept:
        if place.columns:
            place.columns = _columns(place.columns, review)
    return kept


def _columns(columns: list[Place], review: FormReview) -> list[Place]:
    """A table's `columns` without the office's, each corrected as `review` says (by header cell)."""
    mine = {column.place: column for column in review.columns}
    kept = [column for column in columns if column.where not in review.office]
    for column in kept:
        chosen = mine.get(column.where)
        if chosen is None:
            continue
        column.path, column.label = chosen.path, chosen.label
        column.type = DRAFT_TYPES.get(chosen.type, chosen.type)
        column.options = list(chosen.options)
        column.other = None if column.other not in chosen.options else column.other
        column.max_chars = chosen.max_chars
    return kept
