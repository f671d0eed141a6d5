"""Server-side sessions: the cookie carries a random token, the database the rest.

Every app process reads the same table, so a user signed in on one process is signed in on
all of them, and signing out, a password change or a disabled account ends the session
everywhere at once. A session ends after `idle` without a request and after `lifetime` in
any case. Pages keep using ``request.session`` (a dict of ``uid`` and ``csrf``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from formgen.workflows.portal.db import User, WebSession, now
from formgen.workflows.portal.middleware import ASGIApp, Message, Receive, Scope, Send
from formgen.workflows.portal.security import client_address

COOKIE = "formgen_session"
IDLE = dt.timedelta(minutes=60)
"""A session unused this long is over (the page's autosave counts as use)."""
LIFETIME = dt.timedelta(hours=12)
"""A session this old is over, however busy."""
TOUCH_EVERY = dt.timedelta(minutes=1)
"""`last_seen` is written at most this often, not on every request."""


def token_hash(token: str) -> str:
    """The id a token is kept under: its SHA-256, so the table alone signs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


def end_sessions(session: Session, user_id: int) -> None:
    """End every session of the user, in every app process (the caller commits)."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


@dataclass(frozen=True)
class SessionPolicy:
    """How long sessions last, whether the cookie is sent only over TLS, whose
    X-Forwarded-For is believed (for the client address a session records)."""

    idle: dt.timedelta = IDLE
    lifetime: dt.timedelta = LIFETIME
    secure: bool = True
    trusted_proxies: frozenset[str] = frozenset()


@dataclass
class _Loaded:
    id: str | None
    last_seen: dt.datetime | None
    data: dict[str, Any]


class ServerSessions:
    """ASGI middleware: ``scope["session"]`` from the sessions table, written back when it changes.

    A session that gains a user, or whose user signs in again, gets a new token (no session
    fixation); a cleared session is deleted and its cookie expired.
    """

    def __init__(self, app: ASGIApp, *, sessions: sessionmaker[Session], policy: SessionPolicy) -> None:
        self.app = app
        self.sessions = sessions
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _cookie(scope)
        loaded = await run_in_threadpool(self._load, token)
        scope["session"] = dict(loaded.data)

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and _changed(loaded, scope["session"]):
                cookie = await run_in_threadpool(
                    self._store, loaded, scope["session"], _client(scope, self.policy)
                )
                if cookie is not None:
                    message.setdefault("headers", [])
                    message["headers"] = [*message["headers"], (b"set-cookie", cookie.encode("latin-1"))]
            await send(message)

        await self.app(scope, receive, with_cookie)

    def _load(self, token: str | None) -> _Loaded:
        """The session of `token`, if it is there, not idle or too old, and its user enabled.

        Every request asks this, so it is one query of plain columns (the session and its
        user's `disabled`), not two loads of mapped objects."""
        if not token:
            return _Loaded(None, None, {})
        key = token_hash(token)
        with self.sessions() as session:
            found = session.execute(
                select(
                    WebSession.csrf,
                    WebSession.user_id,
                    WebSession.created,
                    WebSession.last_seen,
                    User.disabled,
                )
                .outerjoin(User, User.id == WebSession.user_id)
                .where(WebSession.id == key)
            ).one_or_none()
            if found is None:
                return _Loaded(None, None, {})
            csrf, user_id, created, last_seen, disabled = found
            moment = now()
            over = (
                moment - last_seen > self.policy.idle
                or moment - created > self.policy.lifetime
                or (user_id is not None and disabled is not False)
            )
            if over:
                session.execute(delete(WebSession).where(WebSession.id == key))
                session.commit()
                return _Loaded(None, None, {})
            data: dict[str, Any] = {"csrf": csrf}
            if user_id is not None:
                data["uid"] = user_id
            return _Loaded(key, last_seen, data)

    def _store(self, loaded: _Loaded, final: MutableMapping[str, Any], client: str) -> str | None:
        """Write the session's change back; the Set-Cookie value when the cookie changes."""
        before = loaded.data
        uid, csrf = final.get("uid"), final.get("csrf")
        with self.sessions() as session:
            moment = now()
            if not isinstance(csrf, str):  # cleared: signed out
                if loaded.id is None:
                    return None
                session.execute(delete(WebSession).where(WebSession.id == loaded.id))
                session.commit()
                return self._cookie("", 0)
            rotate = uid is not None and (uid != before.get("uid") or csrf != before.get("csrf"))
            if loaded.id is not None and not rotate:
                if csrf != before.get("csrf"):
                    session.execute(update(WebSession).where(WebSession.id == loaded.id).values(csrf=csrf))
                elif loaded.last_seen is None or moment - loaded.last_seen < TOUCH_EVERY:
                    return None
                session.execute(update(WebSession).where(WebSession.id == loaded.id).values(last_seen=moment))
                session.commit()
                return None
            if loaded.id is None and uid is None and csrf == before.get("csrf"):
                return None
            if loaded.id is not None:
                session.execute(delete(WebSession).where(WebSession.id == loaded.id))
            # Sessions past their time go as new ones come, so the table stays small.
            session.execute(
                delete(WebSession).where(
                    or_(
                        WebSession.last_seen < moment - self.policy.idle,
                        WebSession.created < moment - self.policy.lifetime,
                    )
                )
            )
            token = secrets.token_urlsafe(32)
            session.add(
                WebSession(
                    id=token_hash(token),
                    user_id=uid if isinstance(uid, int) else None,
                    csrf=csrf,
                    client=client[:200],
                    created=moment,
                    last_seen=moment,
                )
            )
            session.commit()
            return self._cookie(token, int(self.policy.lifetime.total_seconds()))

    def _cookie(self, token: str, max_age: int) -> str:
        """The Set-Cookie value: HttpOnly, SameSite=Strict, Secure behind TLS."""
        cookie: SimpleCookie = SimpleCookie()
        cookie[COOKIE] = token
        morsel = cookie[COOKIE]
        morsel["path"] = "/"
        morsel["max-age"] = max_age
        morsel["httponly"] = True
        morsel["samesite"] = "strict"
        if self.policy.secure:
            morsel["secure"] = True
        return morsel.OutputString()


def _changed(loaded: _Loaded, final: MutableMapping[str, Any]) -> bool:
    """Whether `ServerSessions._store` has anything to write: most requests (a save, a page)
    leave their session as it was, and then answer without a trip to a worker thread."""
    before = loaded.data
    uid, csrf = final.get("uid"), final.get("csrf")
    if not isinstance(csrf, str):
        return loaded.id is not None
    if loaded.id is None:
        return uid is not None or csrf != before.get("csrf")
    if (uid is not None and uid != before.get("uid")) or csrf != before.get("csrf"):
        return True
    return loaded.last_seen is not None and now() - loaded.last_seen >= TOUCH_EVERY


def _cookie(scope: Scope) -> str | None:
    """The session token from the request's Cookie header."""
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:  # a malformed Cookie header is no session
                return None
            if COOKIE in jar:
                return jar[COOKIE].value
    return None


def _client(scope: Scope, policy: SessionPolicy) -> str:
    """The client's address and browser, for the sessions table."""
    headers = dict(scope.get("headers", []))
    peer = (scope.get("client") or ("", 0))[0]
    forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1")
    agent = headers.get(b"user-agent", b"").decode("latin-1")
    return f"{client_address(peer, forwarded, policy.trusted_proxies)} {agent}"
