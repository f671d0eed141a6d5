"""Server-side sessions: the cookie carries a random token, the database the rest.

Every app process reads the same table, so a user signed in on one process is signed in on
all of them, and signing out, a password change or a disabled account ends the session
everywhere at once. A session ends after `idle` without a request and after `lifetime` in
any case. Pages keep using ``request.session`` (a dict of ``uid`` and ``csrf``).

The row is read when a request first asks for its session, in the thread that asks, with
its user in the same query (`Lazy`): a static file or a page that never asks reads nothing,
and a page's route, already in its worker thread, needs no second trip to one. A trip to a
worker thread costs about half a millisecond of CPU on a 2-core machine, as much as the
query itself (measured with the portal's own save; see docs/scaling.md). A coroutine route
has its session read in a worker thread before it starts (`read_for_coroutines`), so the
event loop never waits for the database, unless the route reads it in its own worker thread
(`reads_session_in_thread`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import inspect
import logging
import secrets
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any, TypeVar

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import bindparam, delete, or_, select, update
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
log = logging.getLogger(__name__)

_READ = (
    select(WebSession.csrf, WebSession.created, WebSession.last_seen, WebSession.user_id, User)
    .outerjoin(User, User.id == WebSession.user_id)
    .where(WebSession.id == bindparam("key"))
)
"""A session and its user, by the token's hash: built once, so SQLAlchemy keeps its compiled
form and spares every request building and keying the statement again."""


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
    user: User | None = None
    """The signed-in user as read with the session (detached from the session that read it)."""


class Lazy(MutableMapping[str, Any]):
    """``request.session``: the session's data, read from the table when first asked for."""

    def __init__(self, read: Callable[[], _Loaded]) -> None:
        self._read = read
        self.loaded: _Loaded | None = None
        """What was read (None until something asks); its `data` as it was read."""
        self._data: dict[str, Any] = {}

    def ensure(self) -> _Loaded:
        """Read the session now if nothing has asked for it yet."""
        if self.loaded is None:
            if _on_event_loop():
                log.warning("a session read on the event loop: its route should read it in a thread")
            self.loaded = self._read()
            self._data = dict(self.loaded.data)
        return self.loaded

    def __getitem__(self, key: str) -> Any:
        self.ensure()
        return self._data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.ensure()
        self._data[key] = value

    def __delitem__(self, key: str) -> None:
        self.ensure()
        del self._data[key]

    def __iter__(self) -> Iterator[str]:
        self.ensure()
        return iter(self._data)

    def __len__(self) -> int:
        self.ensure()
        return len(self._data)


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def signed_in(request: Request, session: Session) -> User | None:
    """The request's signed-in user, in `session`, or None: read with the request's session
    row when that is still to be read, so a route's first question costs one query.

    The user read with the row serves the first question only: a later one (another database
    session of the same request, perhaps after the route changed the account) reads afresh."""
    lazy: Lazy = request.scope["session"]
    loaded = lazy.ensure()
    uid = lazy.get("uid")
    if not isinstance(uid, int):
        return None
    first, loaded.user = loaded.user, None
    if first is not None and first.id == uid:
        user: User | None = session.merge(first, load=False)
    else:  # asked again, or signed in during this request
        user = session.get(User, uid)
    return user if user is not None and not user.disabled else None


async def read_in_thread(request: Request) -> None:
    """Read the request's session in a worker thread, unless something has read it already:
    for code on the event loop about to ask for it (a coroutine route, an error page)."""
    lazy = request.scope.get("session")
    if isinstance(lazy, Lazy) and lazy.loaded is None:
        await run_in_threadpool(lazy.ensure)


async def read_for_coroutines(request: Request) -> None:
    """Before every route: a coroutine route's session is read in a worker thread, so that
    the event loop never waits for the database. A plain function route (already in a worker
    thread) and one marked `reads_session_in_thread` read it when they ask."""
    endpoint = request.scope.get("endpoint")
    if inspect.iscoroutinefunction(endpoint) and not getattr(endpoint, "reads_session_in_thread", False):
        await read_in_thread(request)


Route = TypeVar("Route", bound=Callable[..., Any])


def reads_session_in_thread(route: Route) -> Route:
    """Mark a coroutine route that asks for its session only in its own worker thread (its
    CSRF check and its user there): `read_for_coroutines` leaves the read to it, one trip to
    a worker thread fewer on the portal's busiest routes."""
    route.reads_session_in_thread = True  # type: ignore[attr-defined]
    return route


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
        lazy = Lazy(lambda: self._load(token))
        scope["session"] = lazy

        async def with_cookie(message: Message) -> None:
            loaded = lazy.loaded  # None: nothing asked for the session, so nothing changed it
            if message["type"] == "http.response.start" and loaded is not None and _changed(loaded, lazy):
                cookie = await run_in_threadpool(self._store, loaded, lazy, _client(scope, self.policy))
                if cookie is not None:
                    message.setdefault("headers", [])
                    message["headers"] = [*message["headers"], (b"set-cookie", cookie.encode("latin-1"))]
            await send(message)

        await self.app(scope, receive, with_cookie)

    def _load(self, token: str | None) -> _Loaded:
        """The session of `token`, if it is there, not idle or too old, and its user enabled.

        Nearly every request asks this, so it is one prebuilt query (`_READ`) of the session
        and its user, whom the route then takes without a query of its own (`signed_in`)."""
        if not token:
            return _Loaded(None, None, {})
        key = token_hash(token)
        with self.sessions() as session:
            found = session.execute(_READ, {"key": key}).one_or_none()
            if found is None:
                return _Loaded(None, None, {})
            csrf, created, last_seen, user_id, user = found
            moment = now()
            over = (
                moment - last_seen > self.policy.idle
                or moment - created > self.policy.lifetime
                or (user_id is not None and (user is None or user.disabled))
            )
            if over:
                session.execute(delete(WebSession).where(WebSession.id == key))
                session.commit()
                return _Loaded(None, None, {})
            data: dict[str, Any] = {"csrf": csrf}
            if user_id is not None:
                data["uid"] = user_id
            return _Loaded(key, last_seen, data, user)

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
