"""Field types for notice models: what the paper asks for, as pydantic types.

A notice's model says *what* a field is (a single line of text, paragraphs, an amount in
万元, a credit code); the markers here tell the renderer *how* it appears on paper
(paragraphs or one line, how many empty rows a blank form shows, which prompt is grey).
"""

from __future__ import annotations

import re
import types
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    StringConstraints,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError, core_schema

from formgen.model import checks
from formgen.model.textcount import reader_length


class FormModel(BaseModel):
    """Base of every notice model: unknown keys are errors, text is trimmed."""

    # Numbers typed where text is meant (a mobile number unquoted in YAML) are read as text.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True)


def unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """Strip `X | None` and `Annotated[X, ...]`; return X and the metadata found on the way."""
    metadata: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            metadata.extend(extra)
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation, metadata
            annotation = args[0]
        else:
            return annotation, metadata


def field_type(info: FieldInfo) -> tuple[Any, list[Any]]:
    """A model field's type with `X | None` and `Annotated` stripped, and all its metadata:
    what pydantic keeps on the field and what an inner `Annotated` carries."""
    annotation, inner = unwrap(info.annotation)
    return annotation, [*info.metadata, *inner]


def list_item(annotation: Any) -> Any | None:
    """The item type of a `list[X]` annotation (optional and annotated forms included), else None."""
    bare, _ = unwrap(annotation)
    if get_origin(bare) is list:
        item, _ = unwrap(get_args(bare)[0])
        return item
    return None


@dataclass(frozen=True)
class Paragraphs:
    """Marker: the text is prose kept in paragraphs, one per line of the data."""


@dataclass(frozen=True)
class BlankRows:
    """Marker: how many empty rows a list shows on a blank form (the paper's own count)."""

    count: int


@dataclass(frozen=True)
class ChoicesBy:
    """Marker: a text chosen from a list that depends on a sibling field (区（县、市） by 市（州））.

    The model still checks the pair; a form offers the list of the sibling's value instead of
    a free text box, so nobody types a name the list does not hold (高新区).
    """

    field: str
    """The sibling field whose value picks the list (`city`)."""
    choices: tuple[tuple[str, tuple[str, ...]], ...]
    """Each value of the sibling with its list, in the paper's order."""


@dataclass(frozen=True)
class NamesAttachments:
    """Marker: a list whose rows name, by their `field`, the scans the submitter hands in
    with the packet (a report's 其他附件材料), so a form can match each name to its upload."""

    field: str = "title"


@dataclass(frozen=True)
class KeyedBy:
    """Marker: a list whose items are picked by one field, as ticked items of a printed list.

    The template addresses an item by its key (`qualifications['工程设计资质']`); keys
    absent from the data render as unticked items.
    """

    field: str
    suffixes: tuple[tuple[str, str], ...] = ()
    """What the paper prints right after an item's detail (`("安全评价机构资质", "级")`), so a
    form shows it beside the input and nobody types it a second time."""


@dataclass(frozen=True)
class Prompt:
    """Marker: the grey prompt a blank form's control shows."""

    text: str


@dataclass(frozen=True)
class Unit:
    """Marker: the unit an amount is stated in, shown after the label (万元)."""

    text: str


@dataclass(frozen=True)
class MaxChars:
    """Constraint: at most `limit` characters, counted as a reader counts them."""

    limit: int

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        limit = self.limit

        def check(value: str) -> str:
            length = reader_length(value)
            if length > limit:
                raise PydanticCustomError(
                    "text_too_long_for_form",
                    "不超过{limit}字，现有{length}字 / at most {limit} characters, found {length}",
                    {"limit": limit, "length": length},
                )
            return value

        return core_schema.no_info_after_validator_function(check, handler(source))


_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff"
"""What no text may hold: control characters (Unicode's Cc, less the tab and the line break,
which prose may hold), unpaired surrogates, and U+FFFE and U+FFFF, which are not characters
at all and which XML cannot hold."""
_REFUSED_IN_PROSE = re.compile(f"[{_CONTROLS}]")
_REFUSED_IN_A_LINE = re.compile(f"[\t\n{_CONTROLS}]")


def _reject_controls(value: str, *, multiline: bool) -> str:
    """Refuse control characters and unpaired surrogates, naming the position.

    One search of a compiled class, not a look at each character: every save of the portal
    checks every text of the application, prose of 6000字 among them."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    found = (_REFUSED_IN_PROSE if multiline else _REFUSED_IN_A_LINE).search(value)
    if found is None:
        return value
    position, code = found.start() + 1, ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        raise PydanticCustomError(
            "unpaired_surrogate",
            "第{position}个字符是不成对的代理项 U+{code:04X} / character {position} is an unpaired surrogate",
            {"position": position, "code": code},
        )
    raise PydanticCustomError(
        "control_character",
        "第{position}个字符是控制字符 U+{code:04X} / character {position} is a control character",
        {"position": position, "code": code},
    )


def _single_line(value: str) -> str:
    return _reject_controls(value, multiline=False)


def _multi_line(value: str) -> str:
    return _reject_controls(value, multiline=True)


def _wrap(check: Any) -> Any:
    """Turn a `checks` function into an after-validator that returns the value."""

    def validate(value: str) -> str:
        try:
            check(value)
        except ValueError as exc:
            raise PydanticCustomError("format", str(exc)) from None
        return value

    return AfterValidator(validate)


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_single_line)]
"""One line of text, not empty."""

LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_multi_line), Paragraphs()
]
"""Prose: paragraphs separated by line breaks."""


def _without_unit(unit: str) -> Any:
    """A before-validator taking a typed copy of `unit` off a number ("120万元" is 120): the
    paper prints the unit after the cell, so people type it too."""

    def strip(value: Any) -> Any:
        return value.strip().removesuffix(unit).strip() if isinstance(value, str) else value

    return BeforeValidator(strip)


Money = Annotated[Decimal, _without_unit("万元"), Field(ge=0, max_digits=16, decimal_places=2), Unit("万元")]
"""An amount in 万元, not negative, at most two decimals."""

Count = Annotated[int, Field(ge=0, strict=False)]
"""A whole number of things or people, not negative."""


@dataclass(frozen=True)
class Identifier:
    """Marker: a code, number or address a reader checks character by character (a 统一社会信用代码,
    a phone number, an e-mail address); layouts give it the room to print whole on one line."""

    sample: str
    """The longest value likely, to size a blank cell for what a person will type into it."""


@dataclass(frozen=True)
class CreditCodeField:
    """Marker: the field holds a 统一社会信用代码, whose check character a common rule verifies."""


CreditCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True),
    _wrap(checks.check_credit_code),
    CreditCodeField(),
    Identifier("91510107MA62L3R5XE"),
]
"""统一社会信用代码 (GB 32100-2015): length, alphabet and check character (the rule
`common.credit-code-check-character`)."""

Mobile = Annotated[
    str, StringConstraints(strip_whitespace=True), _wrap(checks.check_mobile), Identifier("13981234567")
]
"""An 11-digit mobile number."""

Phone = Annotated[
    str, StringConstraints(strip_whitespace=True), _wrap(checks.check_phone), Identifier("0831-12345678")
]
"""A landline with area code, or a mobile number."""

Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    _wrap(checks.check_email),
    Identifier("zhangsan@company.example.cn"),
]
"""An e-mail address."""

OrgOrCreditCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True),
    _wrap(checks.check_org_or_credit_code),
    CreditCodeField(),
    Identifier("91510107MA62L3R5XE"),
]
"""组织机构代码/三证合一码: an 18-character 统一社会信用代码 or a 9-character 组织机构代码 (GB 11714)."""


@dataclass(frozen=True)
class Measure:
    """Marker: a quantity printed as measured (12.5, 3), not as money with two decimals."""


Quantity = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=4), Measure()]
"""A measured quantity in the unit its label names (兆瓦, 吨标准煤), not negative."""


Yuan = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2), Unit("元")]
"""An amount in 元 (申请补助（元）), not negative, at most two decimals."""

Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=4), Measure(), Unit("%")]
"""A share in per cent (研发投入占比（%）), from 0 to 100."""

Area = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2), Measure(), Unit("平方米")]
"""An area in 平方米 (厂房面积), not negative."""

IdCard = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True),
    _wrap(checks.check_id_card),
    Identifier("51010719900307123X"),
]
"""居民身份证号 (GB 11643-1999): 18 characters, its birth date and check character verified."""

Postcode = Annotated[
    str, StringConstraints(strip_whitespace=True), _wrap(checks.check_postcode), Identifier("610041")
]
"""邮政编码: six digits."""


ATTACHMENT_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff")


def _attachment_suffix(value: str) -> str:
    if not value.lower().endswith(ATTACHMENT_SUFFIXES):
        raise PydanticCustomError(
            "attachment_kind",
            "附件应为PDF或JPG/PNG/TIFF扫描件 / an attachment must be a PDF or a JPG/PNG/TIFF scan",
        )
    return value


class AttachmentFile(FormModel):
    """A document the submitter supplies as it is: a scanned licence, a certificate.

    `file` is a PDF or a JPG/PNG/TIFF scan; a relative path is read from the data file's
    folder. A packet places it after its documents, each scan on an A4 page of its own.
    """

    title: Text = Field(title="材料名称")
    file: Annotated[Text, AfterValidator(_attachment_suffix)] = Field(title="文件")
