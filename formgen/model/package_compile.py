"""A notice package's specs compiled into the models every command already serves.

A form's fields become a `FormModel` made with `pydantic.create_model`: the same field types
(`formgen.model.fields`), titles (the paper's labels) and markers as a hand-written notice,
so rendering, reading back, validation and the portal need nothing new. Dotted paths become
nested groups, `rows` a list of a row model, □ groups an `enum.StrEnum` of the printed options.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, Field, create_model, model_validator
from pydantic_core import PydanticCustomError

from formgen.model import fields as types
from formgen.model.fields import AttachmentFile, BlankRows, FormModel, MaxChars, Prompt
from formgen.model.package_spec import NO_DATA, FieldSpec, FormSpec, PacketSpec

TYPES: dict[str, Any] = {
    "text": types.Text,
    "long_text": types.LongText,
    "money_wan": types.Money,
    "money_yuan": types.Yuan,
    "count": types.Count,
    "quantity": types.Quantity,
    "percent": types.Percent,
    "area": types.Area,
    "date": dt.date,
    "credit_code": types.CreditCode,
    "org_or_credit_code": types.OrgOrCreditCode,
    "id_card": types.IdCard,
    "postcode": types.Postcode,
    "mobile": types.Mobile,
    "phone": types.Phone,
    "email": types.Email,
}
"""The package format's type names and the field types they compile to (besides choice,
choices and rows, which are built from their options and columns)."""


def form_model(name: str, spec: FormSpec) -> type[FormModel]:
    """The model of a form: its fields, or for an Excel table its header fields and rows."""
    fields = list(spec.fields)
    if spec.table is not None:
        table = spec.table
        columns = [c for c in table.columns if c.path not in NO_DATA]
        fields.append(
            FieldSpec(
                path=table.path,
                label=table.label,
                type="rows",
                columns=columns,
                blank_rows=table.blank_rows,
                min_rows=table.min_rows,
            )
        )
    return group_model(_class_name(name), fields, spec.groups)


def group_model(
    name: str, fields: Sequence[FieldSpec], groups: dict[str, str], prefix: str = ""
) -> type[FormModel]:
    """A model of `fields`; a dotted path puts its field into a nested group model."""
    definitions: dict[str, Any] = {}
    nested: dict[str, list[FieldSpec]] = {}
    others: list[tuple[FieldSpec, str]] = []
    for spec in fields:
        head, _, rest = spec.path.partition(".")
        if rest:
            if head not in nested:
                nested[head] = []
                definitions[head] = None  # keeps the paper's order
            update: dict[str, Any] = {"path": rest}
            if spec.other is not None:
                update["other"] = spec.other.model_copy(update={"path": spec.other.path.partition(".")[2]})
            nested[head].append(spec.model_copy(update=update))
            continue
        definitions[head] = _field(f"{name}_{head}", spec)
        if spec.other is not None:
            text = FieldSpec(path=spec.other.path, label=spec.other.label, type="text", required=False)
            definitions[spec.other.path] = _field(f"{name}_{spec.other.path}", text)
            others.append((spec, spec.other.path))
    for head, members in nested.items():
        path = f"{prefix}{head}"
        model = group_model(f"{name}_{head}", members, groups, f"{path}.")
        definitions[head] = (model, Field(title=groups.get(path, head)))
    validators = {f"_other_{i}": _other_rule(choice, text) for i, (choice, text) in enumerate(others)}
    return create_model(name, __base__=FormModel, __validators__=validators, **definitions)


def _field(name: str, spec: FieldSpec) -> tuple[Any, Any]:
    """The annotation and `Field` of one input."""
    title = spec.label
    if spec.type in ("choice", "choices"):
        members = {f"OPTION_{i}": o for i, o in enumerate(spec.options)}
        options: Any = enum.StrEnum(_class_name(name), members)  # type: ignore[misc]
        if spec.type == "choice":
            return _optional(options, spec, title)
        if spec.required:
            return list[options], Field(title=title, min_length=1)
        return list[options], Field(default_factory=list, title=title)
    if spec.type == "rows":
        row: Any = group_model(_class_name(name), spec.columns, {})
        rows: Any = Annotated[list[row], BlankRows(spec.blank_rows)]
        limits: dict[str, Any] = {
            "min_length": spec.min_rows or (1 if spec.required else 0),
            "max_length": spec.max_rows,
        }
        if spec.required:
            return rows, Field(title=title, **limits)
        return rows, Field(default_factory=list, title=title, **limits)
    base = TYPES[spec.type]
    extra: list[Any] = []
    if spec.max_chars is not None:
        extra.append(MaxChars(spec.max_chars))
    if spec.prompt:
        extra.append(Prompt(spec.prompt))
    annotation: Any = Annotated[base, *extra] if extra else base
    bounds = {"ge": spec.minimum, "le": spec.maximum}
    return _optional(annotation, spec, title, **{k: v for k, v in bounds.items() if v is not None})


def _optional(annotation: Any, spec: FieldSpec, title: str, **limits: Any) -> tuple[Any, Any]:
    if spec.required:
        return annotation, Field(title=title, **limits)
    return annotation | None, Field(default=None, title=title, **limits)


def _other_rule(choice: FieldSpec, text: str) -> Any:
    """The rule of a "□其他 ____": the text is given exactly when 其他 is ticked."""
    assert choice.other is not None
    option, label = choice.other.option, choice.other.label

    def check(model: Any) -> Any:
        picked = getattr(model, choice.path)
        ticked = option in (
            [p.value for p in picked] if isinstance(picked, list) else [getattr(picked, "value", None)]
        )
        written = bool(getattr(model, text))
        if ticked and not written:
            raise PydanticCustomError(
                "other_needs_text",
                "{choice}选“{option}”时须填写“{label}”（{path}） / {label} ({path}) is required when {option} is ticked",
                {"choice": choice.label, "option": option, "label": label, "path": text},
            )
        if written and not ticked:
            raise PydanticCustomError(
                "other_without_choice",
                "填写了“{label}”（{path}）但{choice}未选“{option}” / {label} ({path}) is given but {option} is not ticked",
                {"choice": choice.label, "option": option, "label": label, "path": text},
            )
        return model

    return model_validator(mode="after")(check)


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("-", "_").replace(".", "_").split("_"))


def get_path(value: Any, path: str) -> Any:
    """The value at the dotted `path` of a model or of plain data (mappings)."""
    for step in path.split("."):
        if value is None:
            return None
        value = value.get(step) if isinstance(value, dict) else getattr(value, step, None)
    return value


def submitter_packet_model(
    name: str, spec: PacketSpec, forms: dict[str, tuple[str, type[BaseModel]]]
) -> type[FormModel]:
    """A submitter's packet: each of its forms' data under the form's name, then its scans."""
    definitions: dict[str, Any] = {}
    for form_name in spec.forms:
        title, model = forms[form_name]
        definitions[form_name] = (model, Field(title=title))
    if spec.attachments:
        definitions["attachments"] = (
            list[AttachmentFile],
            Field(default_factory=list, title=spec.attachments),
        )
    return create_model(_class_name(name), __base__=FormModel, **definitions)


def bureau_packet_model(name: str, spec: PacketSpec, application: type[BaseModel]) -> type[FormModel]:
    """A bureau's packet: its own fields, then its applicants' applications."""
    assert spec.applications is not None
    own = group_model(_class_name(name), spec.fields, {})
    label = spec.applications.label
    return create_model(
        _class_name(name) + "Packet",
        __base__=own,
        applications=(list[application], Field(title=label, min_length=1)),  # type: ignore[valid-type]
    )


def deriver(spec: FormSpec, model: type[BaseModel]) -> Callable[[Any, Sequence[BaseModel]], BaseModel]:
    """How a derived table is made: header fields from the bureau's data, a row per application,
    each column read at its `from` path. Values pass through plain data, so a choice of the
    application becomes the same option of the table's own choice."""
    assert spec.table is not None
    table = spec.table
    header = [(f.path, f.source or f.path) for f in spec.fields]
    columns = [(c.path, c.source or c.path) for c in table.columns if c.path not in NO_DATA]

    def derive(bureau: Any, applications: Sequence[BaseModel]) -> BaseModel:
        own = bureau.model_dump(mode="json") if isinstance(bureau, BaseModel) else dict(bureau)
        data: dict[str, Any] = {path: get_path(own, source) for path, source in header}
        rows = []
        for application in applications:
            plain = application.model_dump(mode="json")
            rows.append({path: get_path(plain, source) for path, source in columns})
        data[table.path] = rows
        return model.model_validate(data)

    return derive
