"""Input places inside one paragraph's text: □ options, 年 月 日, underlines, gaps after a label.

A line such as ``联系人：______  电话：        申报日期：    年  月  日`` holds several
places; each is a range of the paragraph's characters with the label read from the words
before it. The caller (`docx_places`) says where the paragraph is and what it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from formgen.drafting import vocabulary
from formgen.drafting.places import LeftOut, Place, Span
from formgen.drafting.textedit import underlined
from formgen.drafting.wordgrid import paragraph_text

BOXES = "□☐¨"
_BOX = re.compile(f"[{BOXES}]")
_UNDERSCORES = re.compile(r"_{3,}")
_COLON_GAP = re.compile(r"(?<=[：:])[ \t\u3000]{2,}|(?<=[：:])[ \t\u3000]*$")
_SPACE_GAP = re.compile(r"(?<=[^\s。！？；;!?])[ \u3000]{4,}")
_PLACEHOLDER = re.compile(r"[XＸ×]{3,}|[XＸ]{2,}|[*＊]{3,}")
_LABEL_STOP = re.compile(r"[，,。；;、\t]|[ \u3000]{2,}")
_OTHER = ("其他", "其它")


@dataclass
class Line:
    """One paragraph being read: its element, text, where it is and what it is about."""

    paragraph: Any
    where: str
    context: str
    fallback: str = ""
    """The label to use when the line itself has none before a gap (a cell's row label)."""


def boxes(lines: list[Line], label: str, where: str, context: str) -> Place | None:
    """One choice field from every □ in `lines` (a cell's or a paragraph's), or None without □.

    Each option's text runs from its □ to the next □ or gap; an option named 其他 followed by
    a gap or an underline gets a text span of its own.
    """
    spans: list[Span] = []
    options: list[str] = []
    other: str | None = None
    other_span: Span | None = None
    lead = ""
    for line in lines:
        text = paragraph_text(line.paragraph)
        marks = [m.start() for m in _BOX.finditer(text)]
        if not marks and not spans:
            lead += text
        for index, start in enumerate(marks):
            end = marks[index + 1] if index + 1 < len(marks) else len(text)
            segment = text[start + 1 : end]
            stop = re.search(r"[ \u3000\t]{2,}|[_]{2,}|[；;。，,]", segment)
            option = vocabulary.clean_label(segment[: stop.start()] if stop else segment)
            if not option:
                continue
            if not spans and index == 0:
                lead += text[:start]
            option = _unique(option, options)
            options.append(option)
            spans.append(Span(line.paragraph, start, start + 1, option=option))
            if option.startswith(_OTHER):
                gap = re.search(r"_{2,}|[ \u3000]{2,}", segment)
                if gap:
                    other = option
                    other_span = Span(line.paragraph, start + 1 + gap.start(), start + 1 + gap.end())
    if not spans:
        return None
    title = vocabulary.clean_label(_last_phrase(lead)) or label
    multiple = "多选" in lead or "多选" in label or "可多选" in context
    return Place(
        label=title or "选项",
        type="choices" if multiple else "choice",
        where=where,
        pattern="□选项",
        confidence=0.85 if title else 0.6,
        context=context,
        options=options,
        other=other,
        spans=spans,
        other_span=other_span,
    )


def _unique(option: str, seen: list[str]) -> str:
    if option not in seen:
        return option
    n = 2
    while f"{option}{n}" in seen:
        n += 1
    return f"{option}{n}"


def _last_phrase(text: str) -> str:
    """The words just before a gap: after the last comma, full stop or wide gap."""
    parts = _LABEL_STOP.split(text.rstrip(" \u3000\t，,、"))
    return parts[-1] if parts else ""


def gaps(line: Line) -> tuple[list[Place], list[LeftOut]]:
    """The text places of one paragraph without □: dates, underlines, gaps after labels."""
    paragraph = line.paragraph
    text = paragraph_text(paragraph)
    if not text.strip():
        return [], []
    ranges: list[tuple[int, int, str, float]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b, _, _ in ranges)

    for match in vocabulary.DATE_BLANK.finditer(text):
        start = match.start()
        if not text[:start].strip():
            # Spaces that only push the date to the right keep doing so: the year's own gap is
            # the last few before 年.
            lead = len(match.group(0)) - len(match.group(0).lstrip(" \t\u3000"))
            start = max(start, start + lead - 4)
        ranges.append((start, match.end(), "年月日", 0.9))
    marks = underlined(paragraph)
    for start, end in _underlined_runs(text, marks):
        if free(start, end):
            ranges.append((start, end, "下划线", 0.8))
    for match in _UNDERSCORES.finditer(text):
        if free(match.start(), match.end()):
            ranges.append((match.start(), match.end(), "下划线", 0.8))
    for match in _COLON_GAP.finditer(text):
        start, end = match.start(), match.end()
        if free(start, end) and (end - start >= 2 or _short_line(text)):
            ranges.append((start, end, "冒号后空白", 0.75))
    for match in _SPACE_GAP.finditer(text):
        if free(match.start(), match.end()) and text[: match.start()].strip():
            ranges.append((match.start(), match.end(), "空格空白", 0.55))
    for match in _PLACEHOLDER.finditer(text):
        if free(match.start(), match.end()):
            ranges.append((match.start(), match.end(), "XXX占位", 0.5))
    ranges.sort()
    places: list[Place] = []
    left: list[LeftOut] = []
    previous_end = 0
    counts: dict[str, int] = {}
    for start, end, pattern, confidence in ranges:
        before = text[previous_end:start]
        after = text[end:]
        label = vocabulary.clean_label(_last_phrase(before))
        if pattern == "年月日":
            label = label if 2 <= len(label) <= 12 else "日期"
        elif len(label) == 1:
            confidence -= 0.3  # a word such as 因 or 于 before the gap: a guess, review it
        elif not label:
            note = re.match(r"\s*[（(]([^）)]{1,12})[)）]", after)
            label = note.group(1) if note else line.fallback
            confidence -= 0.15
        previous_end = end
        if pattern == "空格空白" and (not label or re.match(r"\s*[^\s，。；、]{1,12}[：:]", after)):
            continue  # spaces between two labelled places, not a place
        if not label:
            left.append(LeftOut(text.strip()[:40], line.where, "空白前后没有标签 / a gap with no label"))
            continue
        whole = f"{line.context} {before[-20:]} {label}"
        reason = vocabulary.office_reason(whole)
        if reason:
            left.append(LeftOut(label, line.where, reason))
            continue
        if vocabulary.signature_only(_last_phrase(before) or label) and pattern != "年月日":
            left.append(LeftOut(label, line.where, "签字盖章处，手写 / signed or stamped by hand"))
            continue
        kind = "date" if pattern == "年月日" else vocabulary.field_type(label)
        if kind == "long_text":
            kind = "text"  # a gap in a line holds a line; prose needs a paragraph of its own
        counts[pattern] = counts.get(pattern, 0) + 1
        places.append(
            Place(
                label=label,
                type=kind,
                where=f"{line.where} {pattern}{counts[pattern]}",
                pattern=pattern,
                confidence=round(confidence, 2),
                context=line.context,
                max_chars=vocabulary.char_limit(text),
                spans=[Span(paragraph, start, end)],
            )
        )
    return places, left


def _underlined_runs(text: str, marks: list[bool]) -> list[tuple[int, int]]:
    """Ranges of two or more underlined spaces (a line drawn by underlining blanks)."""
    found = []
    start = None
    for index, character in enumerate(text):
        blank = index < len(marks) and marks[index] and character in " \u3000\t_"
        if blank and start is None:
            start = index
        elif not blank and start is not None:
            if index - start >= 2:
                found.append((start, index))
            start = None
    if start is not None and len(text) - start >= 2:
        found.append((start, len(text)))
    return found


def _short_line(text: str) -> bool:
    """A colon at the end of a line is a place only on a short line of its own (联系人：), not
    after a lead-in to what follows (具体要求如下：) or a salutation (各有关单位：)."""
    line = text.strip()
    label = vocabulary.clean_label(line)
    return (
        0 < len(label) <= 16
        and not line.startswith("各")
        and not any(word in label for word in ("如下", "以下", "下列", "包括", "有关单位"))
    )
