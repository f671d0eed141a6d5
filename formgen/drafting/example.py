"""An example data file for a drafted form: a value valid for every field's type.

The values are plain and obviously samples (示例…), so the first ``formgen fill`` after a
draft works and the reviewer sees every place filled on the page. They are made from the
form's fields as the package writes them, so a re-draft's example follows the author's
corrections (a field made a choice gets one of its options).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from formgen.model.package_spec import NO_DATA, FieldSpec

SAMPLES: dict[str, Any] = {
    "money_wan": Decimal("100.00"),
    "money_yuan": Decimal("1000.00"),
    "count": 10,
    "percent": Decimal("12.5"),
    "area": Decimal("120.5"),
    "credit_code": "91510107MA62L3R5XE",
    "org_or_credit_code": "91510107MA62L3R5XE",
    "quantity": Decimal("12.5"),
    "id_card": "11010519491231002X",
    "mobile": "13800138000",
    "phone": "028-86123456",
    "postcode": "610041",
    "email": "contact@example.com",
    "date": dt.date(2023, 4, 14),
}
"""A valid value of each specific type; the credit code's and 身份证号's check characters hold."""


def value(spec: FieldSpec) -> Any:
    """A valid example value of the field `spec`."""
    if spec.type in SAMPLES:
        return SAMPLES[spec.type]
    if spec.type == "choice":
        return spec.options[0]
    if spec.type == "choices":
        return spec.options[:1]
    if spec.type == "rows":
        return [data(spec.columns) for _ in range(max(2, spec.min_rows))]
    text = f"示例{spec.label}" if spec.type == "text" else f"示例{spec.label}：第一段内容。"
    limit = spec.max_chars or 60
    return text[:limit]


def data(fields: Sequence[FieldSpec]) -> dict[str, Any]:
    """The example data of a form (or of a row): every field, by path (序号 aside); a dotted
    path (a matrix row's group) nests."""
    result: dict[str, Any] = {}
    for spec in fields:
        if spec.path in NO_DATA:
            continue
        *groups, name = spec.path.split(".")
        target = result
        for group in groups:
            target = target.setdefault(group, {})
        target[name] = value(spec)
    return result
