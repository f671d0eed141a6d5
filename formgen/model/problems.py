"""Validation problems in words a form-filler understands, in Chinese and English.

Each problem names the data path (`profile.contact.mobile`), the form's labels along that
path (基本情况表 › 联系人 › 手机) and what rule was broken.
"""

from __future__ import annotations

import difflib
import enum
import functools
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from formgen.model.fields import list_item, unwrap

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data."""

    severity: Severity
    path: str
    label: str
    message_zh: str
    message_en: str
    rule: str = ""
    """The id of the notice's rule broken, empty for type and format errors."""

    def as_dict(self) -> dict[str, str]:
        """The problem as plain data, for JSON output."""
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.label} ({self.path})" if self.path else self.label
        return f"{where}: {self.message_zh} / {self.message_en}"


_SCHEMA_TAG = re.compile(r"^[a-z][\w-]*\[.*\]$")

# pydantic's error types, in the words of the form.
_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("缺少必填项", "this field is required"),
    "string_too_short": ("不能为空", "must not be empty"),
    "string_type": ("应为文本", "must be text"),
    "int_type": ("应为整数", "must be a whole number"),
    "int_parsing": ("应为整数", "must be a whole number"),
    "int_from_float": ("应为整数", "must be a whole number"),
    "decimal_parsing": ("应为数字", "must be a number"),
    "decimal_type": ("应为数字", "must be a number"),
    "decimal_max_places": ("最多保留两位小数", "at most two decimals"),
    "decimal_max_digits": ("数值过大", "the number is too large"),
    "decimal_whole_digits": ("数值过大", "the number is too large"),
    "finite_number": ("应为有限的数字", "must be a finite number"),
    "greater_than_equal": ("不能小于{ge}", "must not be less than {ge}"),
    "greater_than": ("应大于{gt}", "must be greater than {gt}"),
    "less_than_equal": ("不能大于{le}", "must not be greater than {le}"),
    "too_short": ("至少需要{min_length}项", "needs at least {min_length} item(s)"),
    "too_long": ("最多{max_length}项", "at most {max_length} item(s)"),
    "list_type": ("应为列表", "must be a list"),
    "dict_type": ("应为一组字段", "must be a mapping of fields"),
    "model_type": ("应为一组字段", "must be a mapping of fields"),
    "model_attributes_type": ("应为一组字段", "must be a mapping of fields"),
    "enum": ("应为以下之一：{expected}", "must be one of: {expected}"),
    "literal_error": ("应为以下之一：{expected}", "must be one of: {expected}"),
    "date_parsing": ("应为日期，如2023-04-14", "must be a date such as 2023-04-14"),
    "date_type": ("应为日期，如2023-04-14", "must be a date such as 2023-04-14"),
    "date_from_datetime_parsing": ("应为日期，如2023-04-14", "must be a date such as 2023-04-14"),
    "date_from_datetime_inexact": ("应为日期，不含时间", "must be a date without a time"),
    "bool_parsing": ("应为是或否（true/false）", "must be true or false"),
    "bool_type": ("应为是或否（true/false）", "must be true or false"),
}


@functools.lru_cache(maxsize=2**16)
def _field_type(model: type[BaseModel] | None, name: str | int) -> tuple[str, type[BaseModel] | None]:
    """Return the label of `name` in `model` and the model of its value, if a model.

    Kept once worked out: a draft's every save and page check it for each problem, dozens in
    a draft begun (a model's fields do not change; a notice published again has new models)."""
    if model is None or not isinstance(name, str) or name not in model.model_fields:
        return str(name), None
    info = model.model_fields[name]
    inner = list_item(info.annotation) or unwrap(info.annotation)[0]
    nested = inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None
    return info.title or name, nested


def submitter_name(item: Any) -> str | None:
    """The `unit_name` of a list item of the data, where it has one (at most two levels down).

    A bureau's packet lists many submitters; naming the item lets each submitter's problems
    read under its own name rather than as 第2项.
    """
    if not isinstance(item, dict):
        return None
    if isinstance(item.get("unit_name"), str):
        return str(item["unit_name"])
    for value in item.values():
        if isinstance(value, dict) and isinstance(value.get("unit_name"), str):
            return str(value["unit_name"])
    return None


def label_path(model: type[BaseModel], loc: Sequence[str | int], data: Any = None) -> tuple[str, str]:
    """Return (data path, label path) for a location in the data of `model`.

    With the `data` at hand, list items that name a submitter are labelled by that name.
    """
    path_parts: list[str] = []
    labels: list[str] = []
    current: type[BaseModel] | None = model
    for part in loc:
        data = _step(data, part)
        if isinstance(part, int):
            path_parts.append(f"[{part}]")
            name = submitter_name(data)
            labels.append(f"第{part + 1}项（{name}）" if name else f"第{part + 1}项")
            continue
        label, nested = _field_type(current, part)
        path_parts.append(f".{part}" if path_parts else part)
        labels.append(label)
        current = nested
    return "".join(path_parts), " › ".join(labels) if labels else model.__doc__ or model.__name__


def _step(data: Any, part: str | int) -> Any:
    """`data[part]` where the data has it, else None."""
    if isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
        return data[part]
    if isinstance(part, str) and isinstance(data, dict):
        return data.get(part)
    return None


def _parent_model(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue
        _, current = _field_type(current, part)
    return current


def from_validation_error(model: type[BaseModel], error: ValidationError, data: Any = None) -> list[Problem]:
    """Translate a pydantic `ValidationError` into problems naming the form's labels."""
    problems: list[Problem] = []
    for item in error.errors(include_url=False):
        # Unions and function validators add location parts that are not data keys
        # ("function-after[validate(), str]"); they are left out of the path.
        loc = [p for p in item["loc"] if not (isinstance(p, str) and _SCHEMA_TAG.match(p))]
        path, label = label_path(model, loc, data)
        kind = item["type"]
        ctx = {k: (v.value if isinstance(v, enum.Enum) else v) for k, v in (item.get("ctx") or {}).items()}
        if kind == "extra_forbidden":
            parent = _parent_model(model, loc[:-1])
            known = list(parent.model_fields) if parent else []
            close = difflib.get_close_matches(str(item["loc"][-1]), known, n=1)
            hint_zh = f"，是否应为 {close[0]}？" if close else ""
            hint_en = f"; did you mean {close[0]}?" if close else ""
            zh, en = f"未知字段{hint_zh}", f"unknown field{hint_en}"
        elif kind == "string_unicode" and isinstance(item.get("input"), str):
            # pydantic refuses such text before any validator sees it; find the position here.
            text = str(item["input"])
            position = next((i for i, ch in enumerate(text, 1) if 0xD800 <= ord(ch) <= 0xDFFF), 0)
            zh = (
                f"第{position}个字符是不成对的代理项 U+{ord(text[position - 1]):04X}"
                if position
                else "含无效字符"
            )
            en = (
                f"character {position} is an unpaired surrogate"
                if position
                else "contains an invalid character"
            )
        elif kind in _MESSAGES:
            zh_t, en_t = _MESSAGES[kind]
            zh, en = zh_t.format(**ctx), en_t.format(**ctx)
        else:
            message = str(item["msg"]).removeprefix("Value error, ")
            zh, _, en = message.partition(" / ")
            en = en or message
        problems.append(Problem("error", path, label, zh, en))
    return problems
