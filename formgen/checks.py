"""Checks of identifiers and contact details that Chinese forms ask for.

Each check returns nothing on success and raises `ValueError` with a bilingual message on
failure, so pydantic turns it into a validation error at the field's own path.
"""

from __future__ import annotations

import re

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


def check_credit_code(code: str) -> None:
    """Check a 统一社会信用代码 (unified social credit code, GB 32100-2015).

    The alphabet and the weighted check character are the standard's own. Leading letters
    (registration authorities such as N or Y) are legal, so the check is written here rather
    than delegated to a library that rejects them.
    """
    if not _USCC_RE.match(code):
        raise ValueError(
            "统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）"
            " / a unified social credit code is 18 digits or capital letters (no I, O, S, V, Z)"
        )
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
