"""The portal's letters: what it writes at sign-up, at a password reset, and when an
application is handed in, returned or accepted.

Each letter is a pair of templates in `templates/mail/`, `<name>.txt` and `<name>.html` (the
same words as simple HTML), so the wording can be changed without touching code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

SUBJECTS = {
    "confirm": "请确认您的电子邮箱",
    "reset": "重置密码",
    "receipt": "已收到您的申请",
    "returned": "您的申请已退回，请修改后重新提交",
    "accepted": "您的申请已受理",
    "exists": "该邮箱已注册申报门户",
    "email_confirm": "请确认新的电子邮箱",
    "email_changed": "账户电子邮箱已更改",
}
"""Each letter's subject; the portal's name follows it."""
BEIJING = dt.timezone(dt.timedelta(hours=8))

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "mail"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Letter:
    """A message's subject, its plain text and its HTML part."""

    subject: str
    text: str
    html: str


def letter(name: str, **values: Any) -> Letter:
    """The letter `name` (a key of `SUBJECTS`) with `values` filled in (HTML-escaped in HTML)."""
    subject = f"{SUBJECTS[name]} · 申报门户"
    return Letter(
        subject=subject,
        text=_ENV.get_template(f"{name}.txt").render(**values),
        html=_ENV.get_template(f"{name}.html").render(subject=subject, **values),
    )


def beijing_time(moment: dt.datetime) -> str:
    """A stored (naive UTC) time as Beijing time: 2026年12月5日 17:20."""
    local = moment.replace(tzinfo=dt.UTC).astimezone(BEIJING)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
