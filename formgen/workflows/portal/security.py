"""Secure by default: password hashes, CSRF tokens, the sign-in rate limit, headers, size limits."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import MutableMapping
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
