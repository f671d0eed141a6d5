"""zh_CN formatting of amounts, counts and dates, through babel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "zh_CN"
_CN_DIGITS = "〇一二三四五六七八九"


def money(value: Decimal | float | int) -> str:
    """Format an amount in 万元 with two decimals and grouping: 12,345.60."""
    return format_decimal(value, format="#,##0.00", locale=LOCALE)


def count(value: int) -> str:
    """Format a whole number as a Chinese form writes it: 1280 (no grouping below 10,000)."""
    return format_decimal(value, format="0" if abs(value) < 10000 else "#,##0", locale=LOCALE)


def quantity(value: Decimal) -> str:
    """Format a measured quantity without trailing zeros, grouped from 10,000: 12.5, 3, 12,000."""
    return format_decimal(value, format="0.####" if abs(value) < 10000 else "#,##0.####", locale=LOCALE)


def date(value: dt.date) -> str:
    """Format a date as 2023年4月14日."""
    return format_date(value, format="long", locale=LOCALE)


def date_upper(value: dt.date) -> str:
    """Format a date in Chinese numerals as commitment letters do: 二〇二三年四月十四日."""
    year = "".join(_CN_DIGITS[int(d)] for d in str(value.year))
    return f"{year}年{ordinal(value.month)}月{ordinal(value.day)}日"


def ordinal(n: int) -> str:
    """Return the Chinese numeral for 1 to 99: 一, 十, 十二, 二十, 二十三."""
    if not 0 < n < 100:
        raise ValueError(f"ordinal out of range: {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[ones] if ones else "")
