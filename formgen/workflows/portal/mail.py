"""Sending one e-mail through the SMTP server that `formgen serve --smtp URL` names.

URLs: ``smtp://user:pass@host:25`` (plain; STARTTLS is not attempted), ``smtp+starttls://…:587``
(upgraded to TLS before signing in), ``smtps://…:465`` (TLS from the start). ``?from=addr`` sets
the sender (default ``formgen@`` the host's name). User and password are percent-decoded, so a
password with ``@`` or ``:`` is written ``%40``, ``%3A``.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

SCHEMES = {"smtp": (25, "plain"), "smtp+starttls": (587, "starttls"), "smtps": (465, "tls")}
TIMEOUT_S = 20
"""How long one connection may wait on the server: the sender thread waits, never a request."""


class BadSmtpUrl(ValueError):
    """The --smtp URL cannot be used; the message says why, in Chinese and English."""


@dataclass(frozen=True)
class SmtpServer:
    """Where and how mail is handed over."""

    host: str
    port: int
    security: str
    user: str
    password: str
    sender: str

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """Read an ``smtp://``, ``smtp+starttls://`` or ``smtps://`` URL; `BadSmtpUrl` otherwise."""
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES:
            raise BadSmtpUrl(
                f"邮件服务器地址应以 {'、'.join(s + '://' for s in SCHEMES)} 开头"
                f" / the SMTP URL must start with {', '.join(s + '://' for s in SCHEMES)}"
            )
        if not parts.hostname:
            raise BadSmtpUrl("邮件服务器地址缺少主机名 / the SMTP URL names no host")
        default_port, security = SCHEMES[parts.scheme]
        try:
            port = parts.port or default_port
        except ValueError as exc:
            raise BadSmtpUrl("邮件服务器端口应为数字 / the SMTP port must be a number") from exc
        sender = parse_qs(parts.query).get("from", [f"formgen@{socket.getfqdn()}"])[0]
        return cls(
            host=parts.hostname,
            port=port,
            security=security,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            sender=sender,
        )

    def send(self, recipient: str, subject: str, text: str, html: str) -> None:
        """Hand one message to the server; raises `OSError` or `smtplib.SMTPException` on failure."""
        found = message(self.sender, recipient, subject, text, html)
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.security == "tls":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_S, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_S)
        with smtp:
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(found)


def message(sender: str, recipient: str, subject: str, text: str, html: str) -> EmailMessage:
    """A message with a plain-text body and the same text as simple HTML, in UTF-8."""
    found = EmailMessage()
    found["From"] = sender
    found["To"] = recipient
    found["Subject"] = subject
    found["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    found["Message-ID"] = make_msgid(domain="formgen.local")
    found.set_content(text, charset="utf-8")
    found.add_alternative(html, subtype="html", charset="utf-8")
    return found
