"""Checks of identifiers and contact details that Chinese forms ask for.

Each check returns nothing on success and raises `ValueError` with a bilingual message on
failure, so pydantic turns it into a validation error at the field's own path.
"""

from __future__ import annotations

import re

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z), the last a check character.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(rf"^[{_USCC_ALPHABET}]{{18}}$")

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Area code 0xx/0xxx, then 7-8 digits, then an optional extension: 028-86263273, 023-6789012-801.
_LANDLINE_RE = re.compile(r"^0\d{2,3}[-—－]?\d{7,8}(?:[-—－转]\d{1,6})?$")
_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+$")


def uscc_check_character(first17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters of a credit code."""
    total = sum(_USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def check_credit_code_format(code: str) -> None:
    """Check the length and alphabet of a 统一社会信用代码 (GB 32100-2015).

    Leading letters (registration authorities such as N or Y) are legal, so the check is
    written here rather than delegated to a library that rejects them.
    """
    if not _USCC_RE.match(code):
        raise ValueError(
            "统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）"
            " / a unified social credit code is 18 digits or capital letters (no I, O, S, V, Z)"
        )


def check_credit_code(code: str) -> None:
    """Check a 统一社会信用代码: its format, then its weighted check character."""
    check_credit_code_format(code)
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValueError(
            f"统一社会信用代码校验位应为 {expected}，请核对"
            f" / the check character of this credit code should be {expected}; please check it"
        )


def check_mobile(number: str) -> None:
    """Check an 11-digit mainland mobile number."""
    if not _MOBILE_RE.match(number):
        raise ValueError("手机号码应为以1开头的11位数字 / a mobile number is 11 digits starting with 1")


def check_phone(number: str) -> None:
    """Check a landline with area code (and optional extension) or a mobile number."""
    if not (_MOBILE_RE.match(number) or _LANDLINE_RE.match(number)):
        raise ValueError(
            "电话应为带区号的固定电话（如028-86263273）或11位手机号码"
            " / a phone number is a landline with area code (028-86263273) or an 11-digit mobile"
        )


def check_email(address: str) -> None:
    """Check the shape of an e-mail address."""
    if not _EMAIL_RE.match(address):
        raise ValueError("电子邮箱格式不正确 / not a valid e-mail address")


# GB 11714-1997: eight digits or capital letters, then a check digit or X (often written after a hyphen).
_ORG_CODE_RE = re.compile(r"^([0-9A-Z]{8})-?([0-9X])$")
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check_character(first8: str) -> str:
    """Return the GB 11714 check character for the first eight characters of an organisation code."""
    total = sum(int(ch, 36) * w for ch, w in zip(first8, _ORG_CODE_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return "0" if remainder == 11 else "X" if remainder == 10 else str(remainder)


def check_org_code(code: str) -> None:
    """Check a 组织机构代码 (organisation code, GB 11714-1997): 8 characters and a check character."""
    match = _ORG_CODE_RE.match(code)
    if not match:
        raise ValueError(
            "组织机构代码应为8位数字或大写字母加1位校验码（如12345678-8）"
            " / an organisation code is 8 digits or capital letters and a check character (12345678-8)"
        )
    expected = org_code_check_character(match.group(1))
    if match.group(2) != expected:
        raise ValueError(
            f"组织机构代码校验码应为 {expected}，请核对"
            f" / the check character of this organisation code should be {expected}; please check it"
        )


def check_org_or_credit_code(code: str) -> None:
    """Check a 组织机构代码/三证合一码: an 18-character credit code or a 9-character organisation code.

    A credit code's check character is left to the common warning rule, as for every credit code.
    """
    if len(code) == 18:
        check_credit_code_format(code)
    elif len(code.replace("-", "")) == 9:
        check_org_code(code)
    else:
        raise ValueError(
            "应为18位统一社会信用代码（三证合一码）或9位组织机构代码"
            " / an 18-character unified social credit code or a 9-character organisation code"
        )


_POSTCODE_RE = re.compile(r"^\d{6}$")


def check_id_card(number: str) -> None:
    """Check a 居民身份证号 (GB 11643-1999): 18 characters, a real birth date, its check character.

    python-stdnum's `cn.ric` knows the birth-date and check-character rules (and the regions),
    so they are not written again here.
    """
    try:
        ric.validate(number)
    except stdnum_errors.InvalidChecksum:
        raise ValueError(
            "居民身份证号校验位不正确，请核对 / the check character of this ID card number is wrong; please check it"
        ) from None
    except stdnum_errors.ValidationError:
        raise ValueError(
            "居民身份证号应为18位，含有效的出生日期（末位可为X）"
            " / an ID card number is 18 characters with a valid birth date (the last may be X)"
        ) from None


def check_postcode(code: str) -> None:
    """Check a 邮政编码: six digits."""
    if not _POSTCODE_RE.match(code):
        raise ValueError("邮政编码应为6位数字 / a postcode is six digits")
