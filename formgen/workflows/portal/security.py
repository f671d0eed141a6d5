"""Secure by default: password hashes, CSRF tokens, the sign-in rate limit, headers, size limits."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from formgen.workflows.portal.db import LoginAttempt, Setting

_HASHER = PasswordHasher()
LOGIN_LIMIT = 5
"""Failed sign-ins of one account allowed in `LOGIN_WINDOW` before the next is refused (429)."""
LOGIN_WINDOW = dt.timedelta(minutes=15)

# No inline script or style anywhere: the pages load /static files only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _HASHER.hash(password)


def password_matches(stored: str, password: str) -> bool:
    """Whether `password` matches the stored hash (false for a damaged hash, never an error)."""
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def secret_key(session: Session) -> str:
    """The session-signing secret, made once and kept in the database for every app process."""
    found = session.get(Setting, "session_secret")
    if found is None:
        found = Setting(key="session_secret", value=secrets.token_urlsafe(48))
        session.add(found)
        session.commit()
    return found.value


def csrf_token(session_data: MutableMapping[str, Any]) -> str:
    """The signed-in session's CSRF token, made on first use."""
    token = session_data.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session_data["csrf"] = token
    return token


def csrf_ok(session_data: MutableMapping[str, Any], sent: str | None) -> bool:
    """Whether `sent` is this session's CSRF token (compared in constant time)."""
    token = session_data.get("csrf")
    return isinstance(token, str) and isinstance(sent, str) and hmac.compare_digest(token, sent)


def too_many_attempts(session: Session, name: str) -> bool:
    """Whether `name` failed to sign in `LOGIN_LIMIT` times within `LOGIN_WINDOW`."""
    since = dt.datetime.now(dt.UTC).replace(tzinfo=None) - LOGIN_WINDOW
    count = session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.name == name, LoginAttempt.at >= since)
    )
    return (count or 0) >= LOGIN_LIMIT


def record_failure(session: Session, name: str) -> None:
    """Log a failed sign-in of `name`; old entries are dropped as new ones come."""
    since = dt.datetime.now(dt.UTC).replace(tzinfo=None) - LOGIN_WINDOW
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < since))
    session.add(LoginAttempt(name=name[:100]))
    session.commit()


def clear_failures(session: Session, name: str) -> None:
    """Forget `name`'s failures after a good sign-in."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.name == name))
    session.commit()


class SecurityHeaders:
    """ASGI middleware: every response carries the headers above (HSTS too, behind TLS)."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                if self.hsts:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """ASGI middleware: a request body over `limit` bytes ends in 413, whether it says its
    length up front or not; nothing past the limit is read."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await _too_large(send)


class _TooLarge(Exception):
    pass


async def _too_large(send: Send) -> None:
    body = "请求过大 / request too large".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *[(k.encode(), v.encode()) for k, v in HEADERS.items()],
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
