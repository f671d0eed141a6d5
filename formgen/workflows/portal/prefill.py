"""A bureau's own fields begun from its account: its region where a field asks for the
region (市（州）, 区县…), its unit's name where a field asks for the recommending unit.

Fields are found by their label, as a person reading the paper finds them, never by the
notice: the engine names no notice. A value goes only into an empty field whose type takes
it (a 市（州） list takes 成都市, not 璧山区), so nothing the bureau typed is overwritten and
a prefilled value stays the bureau's to correct.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from formgen.model.fields import field_type, list_item

REGION_LABEL = re.compile(r"^(所在)?(地区|市[（(]州[)）]|区县|区[（(]县(、市)?[)）]|县[（(]市、区[)）])$")
"""Labels that ask for the bureau's region: 市（州）, 区县, 区（县、市）, 所在地区."""

UNIT_LABEL = re.compile(r"^(推荐单位|推荐部门)([（(]盖章[)）])?$")
"""Labels that ask for the bureau's own unit: 推荐单位, 推荐单位（盖章）."""


def prefill(model: type[BaseModel], data: dict[str, Any], *, region: str, unit: str) -> dict[str, Any]:
    """`data` (the bureau's own fields of `model`) with each empty field that asks for the
    bureau's region or unit name filled with `region` or `unit`, all the way down its groups.
    Lists (the submitters' documents) are left alone."""
    for name, info in model.model_fields.items():
        if list_item(info.annotation) is not None:
            continue
        inner = field_type(info)[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            group = data.get(name)
            begun = prefill(inner, dict(group) if isinstance(group, dict) else {}, region=region, unit=unit)
            if begun or isinstance(group, dict):
                data[name] = begun
            continue
        if data.get(name) not in (None, ""):
            continue
        offered = _meant(info.title or "", region, unit)
        if offered and _takes(info, offered):
            data[name] = offered
    return data


def _meant(label: str, region: str, unit: str) -> str:
    """What the account offers for a field labelled `label`: its region, its unit, or nothing."""
    plain = label.strip()
    if REGION_LABEL.match(plain):
        return region.strip()
    if UNIT_LABEL.match(plain):
        return unit.strip()
    return ""


def _takes(info: FieldInfo, value: str) -> bool:
    """Whether the field's type (with its constraints) accepts `value` as it stands."""
    annotation: Any = info.annotation
    if info.metadata:
        annotation = Annotated[(annotation, *info.metadata)]
    try:
        TypeAdapter(annotation).validate_python(value)
    except ValidationError:
        return False
    return True
