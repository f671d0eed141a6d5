"""Controls whose tags an editor dropped (LibreOffice), given their tags back.

A file re-saved by LibreOffice 7.4 keeps every input of the blank, in the blank's order,
with its kind and (for text) its alias, but without its tag. `align` matches the file's
controls with the blank's by that sequence, as `difflib` matches lines; a row added by hand
(Word's "insert row" copies a row, and LibreOffice keeps the copy) matches nothing in the
blank, and its controls take the tags of the nearest row above that holds the same kinds of
control. What still matches nothing is reported, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from formgen.document.controls import Control


@dataclass
class Alignment:
    """The file's controls with their recovered tags, what could not be placed, how many matched."""

    pairs: list[tuple[str, Control]]
    unread: list[str]
    matched: int
    """Controls matched with the blank's by the sequence alone (rows added by hand not counted)."""


def align(expected: list[Control], found: list[Control]) -> Alignment:
    """Give the tag-less controls `found` in a file the tags of the blank's `expected` controls."""
    matcher = SequenceMatcher(None, [c.symbol for c in expected], [c.symbol for c in found], autojunk=False)
    tag_of: dict[int, str] = {}
    matched_blank: set[int] = set()
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            tag_of[b + k] = expected[a + k].tag
            matched_blank.add(a + k)
    matched = len(tag_of)
    by_row: dict[Any, list[int]] = {}
    for index, control in enumerate(found):
        if control.row is not None:
            by_row.setdefault(control.row, []).append(index)
    for index, control in enumerate(found):
        if index in tag_of or control.row is None:
            continue
        twin_row = _row_like(control.row, by_row, found)
        if twin_row is not None:
            twin = by_row[twin_row][by_row[control.row].index(index)]
            if twin in tag_of:
                tag_of[index] = tag_of[twin]
    unread = [
        f"{c.alias or c.kind} ({c.tag})"
        for a, c in enumerate(expected)
        if a not in matched_blank and c.kind != "checkbox"
    ]
    unread += [
        f"{c.alias or c.kind}: “{c.text[:40]}”（空白表中无此项 / not an input of the blank）"
        for i, c in enumerate(found)
        if i not in tag_of and c.text.strip() and c.kind != "checkbox"
    ]
    return Alignment([(tag_of[i], c) for i, c in enumerate(found) if i in tag_of], unread, matched)


def _row_like(row: Any, by_row: dict[Any, list[int]], found: list[Control], reach: int = 4) -> Any:
    """The nearest table row above `row` whose controls are of the same kinds and aliases."""
    symbols = [found[i].symbol for i in by_row[row]]
    above = row.getprevious()
    for _ in range(reach):
        if above is None:
            return None
        if above in by_row and [found[i].symbol for i in by_row[above]] == symbols:
            return above
        above = above.getprevious()
    return None
