"""An example data file for a drafted form: a value valid for every field's type.

The values are plain and obviously samples (示例…), so the first ``formgen fill`` after a
draft works and the reviewer sees every place filled on the page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from formgen.drafting.places import Place

SAMPLES: dict[str, Any] = {
    "money": Decimal("100.00"),
    "yuan": Decimal("1000.00"),
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


def value(place: Place) -> Any:
    """A valid example value of `place`."""
    if place.type in SAMPLES:
        return SAMPLES[place.type]
    if place.type == "choice":
        return place.options[0]
    if place.type == "choices":
        return place.options[:1]
    if place.type == "rows":
        return [{column.path: value(column) for column in place.columns} for _ in range(2)]
    text = f"示例{place.label}" if place.type == "text" else f"示例{place.label}：第一段内容。"
    limit = place.max_chars or 60
    return text[:limit]


def data(places: list[Place]) -> dict[str, Any]:
    """The example data of a form: every field, by path."""
    return {place.path: value(place) for place in places}
