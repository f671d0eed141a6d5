"""What every request and response of the portal passes through, before any route sees it.

- `ResponseHeaders`, outside everything (even the handler of unexpected errors): each
  security header exactly once on every response, errors and static files included, and
  ``Cache-Control: no-store`` on all but the static files (pages, JSON and downloads are
  private to the signed-in user).
- `BodyLimit`: a body past its limit gets 413, whether it says its length up front or comes
  in chunks; bytes are counted as they stream in, and nothing past the limit is read. A JSON
  body has a smaller limit than an upload.
- `JsonBodies`: a JSON body must be UTF-8 JSON whose strings are Unicode text (a lone
  surrogate such as ``"\\ud800"`` is valid JSON but no text a database can store): 400 with the
  reason otherwise, before a route parses it.
- `PathIds`: a number in a path beyond any row id the database holds answers 404 at once.

Each refusal says why, in Chinese and English: JSON for the API, plain text otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from formgen.workflows.portal.security import HEADERS

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_ROW_ID = 2**31 - 1
"""The largest id a row can have (the tables' ids are INTEGER, 32 bits on PostgreSQL)."""
_NUMBER = re.compile(r"/(\d+)(?=/|$)")


async def refuse(scope: Scope, send: Send, status: int, message: str) -> None:
    """Answer `status` with `message`: as JSON on the API or when JSON is asked for, else text."""
    headers = dict(scope.get("headers", []))
    wants_json = scope.get("path", "").startswith("/api/") or b"application/json" in headers.get(
        b"accept", b""
    )
    body = json.dumps({"detail": message}, ensure_ascii=False).encode() if wants_json else message.encode()
    kind = b"application/json" if wants_json else b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class ResponseHeaders:
    """Every response carries the security headers once each (and HSTS behind TLS), and every
    response but a static file ``Cache-Control: no-store``."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.fixed = dict(HEADERS)
        if hsts:
            self.fixed["strict-transport-security"] = "max-age=31536000"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fixed = dict(self.fixed)
        if not scope.get("path", "").startswith("/static/"):
            fixed["cache-control"] = "no-store"
        ours = [(name.encode(), value.encode()) for name, value in fixed.items()]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in fixed]
                message["headers"] = kept + ours
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """A request body over `limit` bytes (`json_limit` for a JSON body) ends in 413, whether it
    says its length up front or not; nothing past the limit is read."""

    def __init__(self, app: ASGIApp, *, limit: int, json_limit: int) -> None:
        self.app = app
        self.limit = limit
        self.json_limit = json_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        limit = self.json_limit if _is_json(headers) else self.limit
        message = f"请求过大（上限{limit // 2**20} MB） / request too large (at most {limit // 2**20} MB)"
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await refuse(scope, send, 413, message)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
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
                await refuse(scope, send, 413, message)


class _TooLarge(Exception):
    pass


class JsonBodies:
    """A JSON body is read whole (`BodyLimit` bounds it), checked, and handed on as it came."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_json(dict(scope.get("headers", []))):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)  # the client left: let the route see it
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = json_problem(body)
        if problem is not None:
            await refuse(scope, send, 400, problem)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
"""A JSON escape of a surrogate code point (U+D800 to U+DFFF), paired or not."""


def json_problem(body: bytes) -> str | None:
    """Why `body` is no JSON a route may take (not UTF-8, not JSON, a lone surrogate), or None."""
    if not body:
        return None
    try:
        parsed = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        return "请求内容不是UTF-8编码 / the body is not UTF-8"
    except ValueError as exc:
        return f"请求内容不是有效的JSON（{exc}） / the body is not valid JSON ({exc})"
    if not _SURROGATE_ESCAPE.search(body):
        return None  # valid UTF-8 holds no surrogate: one comes only as an escape such as \uD800
    try:
        json.dumps(parsed, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return (
            "文本含有无效字符（孤立的代理码位，如\\ud800） / "
            "the text holds an invalid character (a lone surrogate such as \\ud800)"
        )
    return None


class PathIds:
    """A number in the path beyond `MAX_ROW_ID` is no row of the database: 404, not an overflow."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and any(
            len(found) > 10 or int(found) > MAX_ROW_ID for found in _NUMBER.findall(scope.get("path", ""))
        ):
            await refuse(scope, send, 404, "找不到该记录 / no such record")
            return
        await self.app(scope, receive, send)


def _is_json(headers: dict[bytes, bytes]) -> bool:
    kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return kind == b"application/json" or kind.endswith(b"+json")
