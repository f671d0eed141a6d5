"""The draft report: every field with its label, place, type and confidence, what was left
out and why, and the places a reviewer should look at first."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from formgen.drafting.places import Found, Place

REVIEW_BELOW = 0.7
"""Fields found with less confidence than this are listed to review first."""


@dataclass
class FormReport:
    """The report on one drafted form."""

    form_id: str
    source: str
    title: str
    kind: str
    found: Found
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def review_first(self) -> list[Place]:
        """The fields least sure, lowest confidence first."""
        return sorted(
            (p for p in self.found.places if p.confidence < REVIEW_BELOW), key=lambda p: p.confidence
        )

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "form": self.form_id,
            "source": self.source,
            "title": self.title,
            "kind": self.kind,
            "seconds": round(self.seconds, 3),
            "fields": [_field(p) for p in self.found.places],
            "left_out": [{"text": o.text, "where": o.where, "reason": o.reason} for o in self.found.left_out],
            "review_first": [p.path for p in self.review_first()],
            "notes": self.notes,
        }


def _field(place: Place) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": place.path,
        "label": place.label,
        "type": place.type,
        "where": place.where,
        "pattern": place.pattern,
        "confidence": place.confidence,
    }
    for key, value in (
        ("context", place.context),
        ("unit", place.unit),
        ("max_chars", place.max_chars),
        ("options", place.options),
        ("other", place.other),
        ("blank_rows", place.blank_rows),
    ):
        if value:
            entry[key] = value
    if place.columns:
        entry["columns"] = [_field(column) for column in place.columns]
    return entry


def markdown(reports: list[FormReport]) -> str:
    """The reports as ``draft-report.md``: a table of fields per form, then what was left out."""
    lines = ["# 草拟报告 / Draft report", ""]
    for report in reports:
        lines += [f"## {report.form_id}：{report.title}", "", f"来源 / source: `{report.source}`", ""]
        lines += [f"- {note}" for note in report.notes]
        review = report.review_first()
        if review:
            lines += ["", "### 优先复核 / review first", ""]
            lines += [f"- `{p.path}` {p.label}（{p.where}，{p.pattern}，{p.confidence:.2f}）" for p in review]
        lines += [
            "",
            "### 字段 / fields",
            "",
            "| 路径 path | 标签 label | 位置 place | 类型 type | 依据 pattern | 置信度 |",
        ]
        lines.append("|---|---|---|---|---|---|")
        for place in report.found.places:
            lines.append(_row(place))
            for column in place.columns:
                lines.append(_row(column, f"{place.path}[].", "↳ "))
        if report.found.left_out:
            lines += [
                "",
                "### 未作为申请人字段 / left out",
                "",
                "| 文字 text | 位置 place | 原因 reason |",
                "|---|---|---|",
            ]
            lines += [f"| {o.text} | {o.where} | {o.reason} |" for o in report.found.left_out]
        lines.append("")
    return "\n".join(lines)


def _row(place: Place, prefix: str = "", mark: str = "") -> str:
    kind = place.type + (f"（{'/'.join(place.options)}）" if place.options else "")
    if place.max_chars:
        kind += f"，≤{place.max_chars}字"
    label = place.label.replace("|", "｜")
    return f"| `{prefix}{place.path}` | {mark}{label} | {place.where} | {kind} | {place.pattern} | {place.confidence:.2f} |"
