"""Choices printed as words, without □: 男/女, （有/无）, （现健在/已故）, 单位划型（大型、中型、小型）.

Certificates and 登记表 print the alternatives and let the applicant strike out or tick one.
Two shapes are unambiguous enough to draft as a choice field:

- a bracketed group of two to four short words joined by ``/`` or ``、``, when it is not part
  of a label that a colon ends (``名称（单位/个人）：``), none of its words is a unit
  (``（元/平方米）``) or a seal or signature (``（签字/盖章）``), it is no note (``（含…/…）``)
  and no level of government (``乡（镇/街道）``);
- two words that only ever stand for a choice (男/女, 是/否, 有/无, 同意/不同意, 合格/不合格),
  slashed, standing apart from other words.

A □ goes in before each word (in the blank a checkbox control, filled ☑ before the chosen
word), so the publisher's words stay and are the options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from formgen.drafting import vocabulary
from formgen.drafting.places import Place, Span

_WORD = r"[\u4e00-\u9fff]{1,6}"
_BRACKETED = re.compile(rf"[（(]\s*({_WORD}(?:\s*[/／、]\s*{_WORD}){{1,3}})\s*[)）]")
_PAIRS: dict[tuple[str, ...], str] = {
    ("男", "女"): "性别",
    ("是", "否"): "是否",
    ("有", "无"): "有无",
    ("同意", "不同意"): "是否同意",
    ("合格", "不合格"): "是否合格",
}
"""Words that are a choice wherever they stand slashed, and the label the pair asks for."""
_SLASHED = re.compile(
    r"(?<![\u4e00-\u9fff])("
    + "|".join(f"{a}\\s*[/／]\\s*{b}" for a, b in _PAIRS)
    + r")(?![\u4e00-\u9fff/／])"
)
_SPLIT = re.compile(r"\s*[/／、]\s*")
_NOT_OPTIONS = (*vocabulary.SIGNATURE_WORDS, "签字", "单位", "个人", "号码", "名称")
"""Words that make a bracketed group a note on a label, not a choice."""
_NOTE_STARTS = ("含", "包括", "包含", "如", "即", "指", "例如", "不含")
"""A bracket opening with these explains (（含配偶/未成年子女）); it offers no choice."""
_DIVISIONS = {"省", "市", "州", "盟", "县", "区", "旗", "乡", "镇", "街道", "村", "社区", "居委会"}
"""乡（镇/街道）, 县（市、区）: the names of a level of government, one of which the place is."""


@dataclass
class Group:
    """Words of one choice printed in a line: each option and where it starts."""

    start: int
    end: int
    options: list[tuple[str, int]]
    label: str
    """The label the words themselves give (性别 for 男/女), else ""."""


def groups(text: str) -> list[Group]:
    """The choices printed as words in `text`, left to right."""
    found: list[Group] = []
    for match in _BRACKETED.finditer(text):
        words = _words(match, 1)
        if _choice(words) and not re.match(r"\s*[\u4e00-\u9fff]{0,8}\s*[：:]", text[match.end() :]):
            found.append(Group(match.start(), match.end(), words, _PAIRS.get(_key(words), "")))
    for match in _SLASHED.finditer(text):
        if any(g.start <= match.start() < g.end for g in found):
            continue
        words = _words(match, 1)
        found.append(Group(match.start(), match.end(), words, _PAIRS[_key(words)]))
    return sorted(found, key=lambda g: g.start)


def _words(match: re.Match[str], group: int) -> list[tuple[str, int]]:
    words = []
    offset = match.start(group)
    for word in _SPLIT.split(match.group(group)):
        at = match.string.index(word, offset)
        words.append((word, at))
        offset = at + len(word)
    return words


def _key(words: list[tuple[str, int]]) -> tuple[str, ...]:
    return tuple(word for word, _ in words)


def _choice(words: list[tuple[str, int]]) -> bool:
    options = [word for word, _ in words]
    if len(set(options)) != len(options) or options[0].startswith(_NOTE_STARTS):
        return False
    if all(word in _DIVISIONS for word in options):
        return False
    return not any(
        word in vocabulary.UNITS or word.endswith(("元", "米")) or any(n in word for n in _NOT_OPTIONS)
        for word in options
    )


def place(group: Group, paragraph: Any, label: str, where: str, context: str) -> Place:
    """The choice field of `group`, its □ tags going in before each word of `paragraph`."""
    options = [word for word, _ in group.options]
    named = group.label
    if named in ("是否", "有无"):
        named += label  # 是/否 符合 → 是否符合
    return Place(
        label=named or label or "/".join(options),
        type="choice",
        where=where,
        pattern="文字选项",
        confidence=0.8 if group.label else 0.65,
        context=context,
        options=options,
        spans=[Span(paragraph, at, at, option=word) for word, at in group.options],
    )


def after(text: str, group: Group) -> str:
    """The words right after a group (是/否 符合 → 符合), for the label of a 是/否."""
    words = re.match(r"[ \u3000]*([\u4e00-\u9fff]{1,8})", text[group.end :])
    return words.group(1) if words else ""
