"""The files of a notice package, as data: what `notice.yaml` and `forms/<name>.yaml` may say.

A package is content, not code (docs/notice-packages.md): these models are its grammar. They
refuse unknown keys, so a misspelt `requird:` is an error at its line instead of a field that
silently stays required. `formgen draft` builds the same objects and writes them with
`form_spec_yaml`; the loader compiles them into registry objects (`package_compile`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FORMAT = 1
"""The version of the package format this formgen reads and writes."""

# A step is an identifier as Python reads one: letters of any script (a drafted form names its
# fields by the paper's own words, 单位名称), digits and _, not starting with a digit.
_PATH_STEP = r"[^\W\d]\w*"
PATH_RE = re.compile(rf"^{_PATH_STEP}(?:\.{_PATH_STEP})*$")
SERIAL = "#"
"""The path of a table's 序号 column, which formgen numbers itself."""
OFFICE = "-"
"""The path of a table's column that the office writes in by hand (审核意见, 备注 of the bureau):
printed as published, left empty, no field of the applicant's rows."""
NO_DATA = (SERIAL, OFFICE)
"""Table columns that hold no data of the rows."""
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

MAX_FIELDS = 2000
"""Fields of one form: a 申报书 of forty pages has a few hundred inputs."""
MAX_ITEMS = 200
"""Forms, packets, options or columns: real notices use a few dozen at most."""

FieldType = Literal[
    "text",
    "long_text",
    "money_wan",
    "money_yuan",
    "count",
    "quantity",
    "percent",
    "area",
    "date",
    "credit_code",
    "org_or_credit_code",
    "id_card",
    "postcode",
    "mobile",
    "phone",
    "email",
    "choice",
    "choices",
    "rows",
]
FIELD_TYPES: tuple[str, ...] = FieldType.__args__  # type: ignore[attr-defined]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


class OtherSpec(_Spec):
    """The text written after a group's "□其他 ____"."""

    path: str
    label: str = "其他（请注明）"
    option: str = "其他"
    """The option whose ticking asks for the text."""

    @field_validator("path")
    @classmethod
    def _check_path(cls, value: str) -> str:
        return _data_path(value)


class FieldSpec(_Spec):
    """One input of a form: its data path, the paper's label, its type and its limits."""

    path: str
    label: str
    type: FieldType = "text"
    required: bool = True
    max_chars: int | None = Field(default=None, gt=0)
    minimum: float | None = Field(default=None, alias="min")
    maximum: float | None = Field(default=None, alias="max")
    options: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    other: OtherSpec | None = None
    columns: list[FieldSpec] = Field(default_factory=list, max_length=MAX_ITEMS)
    blank_rows: int = Field(default=2, ge=0, le=200)
    min_rows: int = Field(default=0, ge=0)
    max_rows: int | None = Field(default=None, gt=0)
    prompt: str | None = None
    place: str | None = None
    """Where the input is in the template, as the draft wrote it: the key a re-draft matches on."""
    reviewed: bool = False
    """The author checked this field: a re-draft keeps it whole (`package_merge`)."""
    confidence: float | None = None
    """The draft's confidence (0-1), for the author's review; the loader ignores it."""
    source: str | None = Field(default=None, alias="from")
    """Derived tables: the path in an application (a column) or in a bureau's data (a field)."""
    cell: str | None = None
    """Excel forms: the cell of an input above the table (B3, or a merged range B3:D3)."""

    @field_validator("path")
    @classmethod
    def _check_path(cls, value: str) -> str:
        return _data_path(value)

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if self.type in ("choice", "choices") and not self.options:
            raise ValueError(f"{self.type}: options 不能为空 / a choice field needs its options")
        if self.type not in ("choice", "choices") and (self.options or self.other):
            raise ValueError("options/other 仅用于 choice、choices / options and other are for choice fields")
        if self.other is not None and self.other.option not in self.options:
            raise ValueError(
                f"other.option {self.other.option!r} 不在 options 中 / is not one of the options"
            )
        if self.type == "rows" and not self.columns:
            raise ValueError("rows: columns 不能为空 / a rows field needs its columns")
        if self.type != "rows" and self.columns:
            raise ValueError("columns 仅用于 rows / columns are for rows fields")
        if len(set(self.options)) != len(self.options):
            raise ValueError("options 有重复 / an option is listed twice")
        return self


class TableSpec(_Spec):
    """The rows of an Excel table: where its header is and what each column holds."""

    path: str = "rows"
    label: str = "行"
    header_row: int = Field(ge=1, le=1000)
    header_rows: int = Field(default=1, ge=1, le=10)
    blank_rows: int = Field(default=10, ge=1, le=1000)
    min_rows: int = Field(default=0, ge=0)
    derive: str | None = None
    """The form (of this package) whose applications give one row each."""
    columns: list[FieldSpec] = Field(max_length=MAX_ITEMS)
    widths: list[float] = Field(default_factory=list, max_length=MAX_ITEMS)
    """Column widths in characters for the printed table; default: as published."""

    @field_validator("path")
    @classmethod
    def _check_path(cls, value: str) -> str:
        return _data_path(value)


class FormSpec(_Spec):
    """`forms/<name>.yaml`: one document of the notice."""

    kind: Literal["docx", "xlsx"]
    label: str = ""
    title: str
    template: str
    source: str | None = None
    """The published file the draft read."""
    source_sha256: str | None = None
    fields: list[FieldSpec] = Field(default_factory=list, max_length=MAX_FIELDS)
    table: TableSpec | None = None
    groups: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _table_for_xlsx(self) -> FormSpec:
        if self.kind == "xlsx" and self.table is None:
            raise ValueError("xlsx 表单须有 table / an xlsx form needs its table")
        if self.kind == "docx" and self.table is not None:
            raise ValueError("table 仅用于 xlsx / table is for xlsx forms")
        return self


class PartSpec(_Spec):
    """One document of a bureau's packet."""

    form: str
    each: bool = False
    """One document per application (its own 申报书), rather than one for the packet."""


class ApplicationsSpec(_Spec):
    """A bureau's packet holds its applicants' data of this form, as a list `applications`."""

    form: str
    label: str = "申报单位"


class BatchTableSpec(_Spec):
    """A batch of applicants yields one summary table per group (its 推荐单位, its 市（州）)."""

    form: str
    group: str


class PacketSpec(_Spec):
    """What one kind of submitter hands in."""

    id: str
    title: str
    submitter: str
    forms: list[str] = Field(default_factory=list)
    fields: list[FieldSpec] = Field(default_factory=list)
    applications: ApplicationsSpec | None = None
    parts: list[PartSpec] = Field(default_factory=list)
    name: str
    code: str | None = None
    attachments: str | None = None
    batch_table: BatchTableSpec | None = None
    contents: bool = False

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not NAME_RE.match(value):
            raise ValueError("id 只能含小写字母、数字、-、_ / an id is lower-case letters, digits, - and _")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> PacketSpec:
        if bool(self.forms) == bool(self.applications):
            raise ValueError(
                "packet 须有 forms（申报者）或 applications（推荐单位）之一"
                " / a packet has either forms (a submitter's) or applications (a bureau's)"
            )
        if self.forms and self.parts:
            raise ValueError("parts 仅用于 applications / parts are for a bureau's packet")
        return self


class NoticeSpec(_Spec):
    """`notice.yaml`."""

    format: int = FORMAT
    id: str
    title: str
    issuer: str
    doc_number: str
    date: dt.date
    forms: list[str] = Field(min_length=1, max_length=MAX_ITEMS)
    packets: list[PacketSpec] = Field(default_factory=list, max_length=MAX_ITEMS)
    regions: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    """The regions whose bureaus take in its applications (the portal offers it to their
    applicants only); none: every region."""

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not ID_RE.match(value):
            raise ValueError("id 只能含小写字母、数字和- / a notice id is lower-case letters, digits and -")
        return value

    @field_validator("forms")
    @classmethod
    def _check_names(cls, value: list[str]) -> list[str]:
        for name in value:
            if not NAME_RE.match(name):
                raise ValueError(f"表单名 {name!r} 只能含小写字母、数字、-、_ / form names are lower-case")
        return value

    @field_validator("format")
    @classmethod
    def _check_format(cls, value: int) -> int:
        if value != FORMAT:
            raise ValueError(f"本版formgen读取格式 {FORMAT} / this formgen reads format {FORMAT}")
        return value


def _data_path(value: str) -> str:
    if value not in NO_DATA and not PATH_RE.match(value):
        raise ValueError(
            f"数据路径 {value!r} 只能含字母、数字、_，以 . 分级"
            f" / a data path is letters, digits and _, steps joined by ."
        )
    return value


def form_spec_yaml(spec: FormSpec) -> str:
    """`spec` as the text of `forms/<name>.yaml`: the keys of the format, defaults left out."""
    data: dict[str, Any] = spec.model_dump(by_alias=True, exclude_defaults=True, mode="json")
    data = {"kind": spec.kind, **data}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
