"""Data paths for drafted fields: the paper's own words, made identifiers.

A reviewer reads ``联系人_电话`` against the printed form at a glance; an ASCII slug or pinyin
(``lianxiren_dianhua``) would have to be translated back. Python, pydantic and Jinja take
Unicode identifiers, and the engine's tags and read-back split paths only at ``.`` and ``[``,
so the label itself, stripped to letters, digits and ``_``, is the path. When two places carry
the same label, the row header or section they sit under comes first (两 电话 of 联系人 and
of 法定代表人 become ``联系人_电话`` and ``法定代表人_电话``); a number follows only when even
that repeats. The same form drafted again gets the same paths.
"""

from __future__ import annotations

import keyword
import unicodedata

from pydantic import BaseModel

from formgen.drafting.places import Place

_RESERVED = {"item", "loop", "true", "false", "none", "self", "super"}


def identifier(text: str) -> str:
    """`text` as an identifier: letters (CJK included), digits and ``_``; never empty."""
    # NFKC first, as Python and Jinja read identifiers: ２０２２ is 2022, ㎡ is m2.
    normal = unicodedata.normalize("NFKC", text)
    kept = "".join(c for c in normal.replace("-", "").replace("—", "") if c.isalnum() or c == "_")
    kept = kept.strip("_")[:24] or "字段"
    if kept[0].isdigit():
        kept = "第" + kept
    if (
        not kept.isidentifier()
        or keyword.iskeyword(kept)
        or kept.lower() in _RESERVED
        or hasattr(BaseModel, kept)
    ):
        kept += "_"
    return kept


def assign(places: list[Place]) -> None:
    """Give every place (and every column of a rows place) a path unique among its siblings."""
    _assign_level(places)
    for place in places:
        if place.columns:
            _assign_level(place.columns)


def _assign_level(places: list[Place]) -> None:
    counts: dict[str, int] = {}
    for place in places:
        base = identifier(place.label)
        counts[base] = counts.get(base, 0) + 1
    used: set[str] = set()
    for place in places:
        base = identifier(place.label)
        if counts[base] > 1 and place.context:
            base = identifier(f"{place.context}_{place.label}")
        path = base
        n = 2
        while path in used:
            path = f"{base}_{n}"
            n += 1
        used.add(path)
        place.path = path
        if place.other:
            place.notes.append(f"{place.other}的内容：{path}_其他")
