"""Secure by default: password hashes, CSRF tokens, the sign-in limits, client addresses and
the security headers (which `middleware.ResponseHeaders` puts on every response)."""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import ipaddress
import secrets
from collections.abc import MutableMapping
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from formgen.workflows.portal.db import LoginAttempt, now

_HASHER = PasswordHasher()
LOGIN_LIMIT = 5
"""Sign-ins of one account from one client address allowed in `LOGIN_WINDOW` while they fail;
the next is refused (429) unchecked. The owner at another address is not held back."""
CLIENT_LIMIT = 20
"""Failing sign-ins from one client address, whatever the names, allowed in `LOGIN_WINDOW`."""
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


@functools.cache
def _dummy_hash() -> str:
    """A hash no password matches, checked for unknown names so that they take as long as a
    wrong password (timing tells no one which names exist)."""
    return hash_password(secrets.token_urlsafe(32))


def password_matches_user(stored: str | None, password: str) -> bool:
    """`password_matches` for an account that may not exist (`stored` None): the same argon2
    work either way, false for the missing one."""
    matched = password_matches(stored or _dummy_hash(), password)
    return matched and stored is not None


def count_attempt(session: Session, name: str, client: str) -> bool:
    """Count a sign-in attempt of `name` from `client`; whether it may be checked.

    The attempt is written and counted in one transaction that holds a lock on the client's
    address (an advisory lock on PostgreSQL, SQLite's write lock), so simultaneous attempts
    are counted one after the other: of any number sent at once, no more than the limits get
    their password checked, in one process or in several.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": "sign-in " + client})
    moment = now()
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < moment - LOGIN_WINDOW))
    session.add(LoginAttempt(name=name[:100], client=client[:100], at=moment))
    session.flush()
    recent = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= moment - LOGIN_WINDOW)
    by_client = session.scalar(recent.where(LoginAttempt.client == client[:100])) or 0
    by_pair = session.scalar(
        recent.where(LoginAttempt.client == client[:100], LoginAttempt.name == name[:100])
    )
    session.commit()
    return (by_pair or 0) <= LOGIN_LIMIT and by_client <= CLIENT_LIMIT


def clear_attempts(session: Session, name: str, client: str) -> None:
    """Forget `name`'s attempts from `client` after a good sign-in."""
    session.execute(
        delete(LoginAttempt).where(LoginAttempt.name == name[:100], LoginAttempt.client == client[:100])
    )
    session.commit()


def trusted_proxies(addresses: str | list[str] | None) -> frozenset[str]:
    """The trusted proxies from `formgen serve --trusted-proxy` or FORMGEN_TRUSTED_PROXIES
    (comma-separated addresses); an entry that is no IP address is refused here, at start."""
    if addresses is None:
        return frozenset()
    items = addresses.split(",") if isinstance(addresses, str) else addresses
    found = set()
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            found.add(str(ipaddress.ip_address(item)))
        except ValueError:
            raise ValueError(f"可信代理应为IP地址 / a trusted proxy is an IP address: {item!r}") from None
    return frozenset(found)


def client_address(peer: str, forwarded: str | None, trusted: frozenset[str]) -> str:
    """The client's address: the direct peer, unless that is a trusted proxy.

    Behind trusted proxies the address is the right-most entry of X-Forwarded-For that is not
    itself a trusted proxy: entries to its left were written by the client and prove nothing.
    """
    if peer not in trusted or not forwarded:
        return peer
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return peer
