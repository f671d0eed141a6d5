"""The portal as an ASGI application: `create_app` for tests and process managers, `serve` for
`formgen serve`."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from formgen.pdf import convert
from formgen.workflows.portal import accounts, applicant, bureau, json_api, paper
from formgen.workflows.portal.db import database_url, make_engine, migrate
from formgen.workflows.portal.documents import Busy, PdfGate
from formgen.workflows.portal.middleware import ASGIApp, BodyLimit, JsonBodies, PathIds, ResponseHeaders
from formgen.workflows.portal.security import secret_key
from formgen.workflows.portal.uploads import MAX_UPLOAD
from formgen.workflows.portal.web import HERE, Portal, render, templates

REQUEST_LIMIT = MAX_UPLOAD + 1024 * 1024
"""The largest request body: one upload and its form fields."""
JSON_LIMIT = 4 * 1024 * 1024
"""The largest JSON body: a whole application's data is a few hundred KB (6000字 is 18 KB)."""
RETRY_AFTER_S = 5
log = logging.getLogger(__name__)


def create_app(
    data_dir: Path | None = None,
    database: str | None = None,
    *,
    workers: int = 2,
    pdf_queue: int = 4,
    secure_cookies: bool | None = None,
) -> FastAPI:
    """The portal over the database at `database` (SQLite in `data_dir` when None).

    Migrations run here, so a new database is ready at once. PDFs go through `workers` warm
    LibreOffice workers; more than `workers + pdf_queue` PDF requests at once get 503 with
    Retry-After. `secure_cookies` (default: on unless FORMGEN_INSECURE_COOKIES=1) marks the
    session cookie Secure and sends HSTS, for a portal behind TLS.
    """
    data_dir = (data_dir or Path(os.environ.get("FORMGEN_DATA", "portal-data"))).resolve()
    database = database or os.environ.get("FORMGEN_DATABASE_URL")
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(database_url(database, data_dir))
    migrate(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions() as session:
        secret = secret_key(session)
    if secure_cookies is None:
        secure_cookies = os.environ.get("FORMGEN_INSECURE_COOKIES") != "1"

    checker = paper.Checker(sessions, data_dir / "uploads")

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        with convert.service(workers), checker.running():
            yield
        engine.dispose()

    app = _Portal(
        title="formgen portal",
        description="申报门户 / the portal for applicants and bureaus. "
        "Sign in with POST /api/login and send its csrf value as X-CSRF-Token on every change.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.portal = Portal(data_dir, sessions, PdfGate(workers + pdf_queue), templates())
    app.state.paper_checker = checker
    app.include_router(accounts.router)
    app.include_router(applicant.router)
    app.include_router(bureau.router)
    app.include_router(paper.router)
    app.include_router(json_api.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="formgen_session",
        same_site="strict",
        https_only=secure_cookies,
        max_age=12 * 3600,
    )
    app.add_middleware(JsonBodies)
    app.add_middleware(BodyLimit, limit=REQUEST_LIMIT, json_limit=JSON_LIMIT)
    app.add_middleware(PathIds)
    app.state.hsts = secure_cookies

    @app.exception_handler(Busy)
    async def busy(request: Request, _exc: Busy) -> Response:
        message = "生成PDF的队列已满，请稍后再试 / the PDF queue is full, please try again shortly"
        return _error(request, 503, message, {"retry-after": str(RETRY_AFTER_S)})

    @app.exception_handler(convert.ConversionError)
    async def conversion_failed(request: Request, exc: convert.ConversionError) -> Response:
        # Every try on a fresh LibreOffice failed: the server's trouble, for a while; not a 500.
        log.error("conversion failed on %s: %s", request.url.path, exc)
        message = "生成PDF失败，请稍后再试 / the PDF could not be made, please try again shortly"
        return _error(request, 503, message, {"retry-after": str(RETRY_AFTER_S)})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = _PLAIN.get(str(exc.detail), str(exc.detail))
        return _error(request, exc.status_code, message, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        # Where and what, never the input itself: it may be bytes, or not be text at all.
        where = "; ".join(
            f"{'.'.join(str(part) for part in error.get('loc', ()))}: {error.get('msg', '')}"
            for error in exc.errors()
        )
        return _error(request, 422, f"请求内容不符合要求 / the request is not valid: {where}", {})

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return _error(request, 500, "服务器内部错误，已记录 / an internal error, logged", {})

    return app


_PLAIN = {
    "Not Found": "找不到此页 / not found",
    "Method Not Allowed": "不支持此请求方法 / method not allowed",
}
"""Starlette's own words for the errors of its routing, as the portal says them."""


class _Portal(FastAPI):
    """FastAPI with `ResponseHeaders` outside its whole stack, so that even the answer of its
    handler of unexpected errors (500), outermost of FastAPI's own layers, carries them."""

    def build_middleware_stack(self) -> ASGIApp:
        return ResponseHeaders(super().build_middleware_stack(), hsts=bool(self.state.hsts))


def _error(request: Request, status: int, message: str, headers: dict[str, str]) -> Response:
    """An error as JSON for the API and the page's scripts, as a page for a browser."""
    wants_json = request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )
    if wants_json:
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    if status == 401:
        return Response(status_code=303, headers={"location": "/login"})
    response = render(request, "error.html", status, user=None, status=status, message=message)
    response.headers.update(headers)
    return response


def app_from_environment() -> FastAPI:
    """The portal configured by FORMGEN_DATA and FORMGEN_DATABASE_URL, for
    ``uvicorn --factory formgen.workflows.portal.app:app_from_environment``."""
    return create_app()


def serve(host: str, port: int, data_dir: Path, database: str | None, *, workers: int = 2) -> None:
    """Run the portal in this process until stopped (`formgen serve`)."""
    import uvicorn

    secure = (
        host not in ("127.0.0.1", "localhost", "::1") and os.environ.get("FORMGEN_INSECURE_COOKIES") != "1"
    )
    app = create_app(data_dir, database, workers=workers, secure_cookies=secure)
    uvicorn.run(app, host=host, port=port, proxy_headers=True, server_header=False)
