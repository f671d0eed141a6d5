"""The portal as an ASGI application: `create_app` for tests and process managers, `serve` for
`formgen serve`."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from formgen.pdf import convert
from formgen.workflows.portal import (
    account_log,
    accounts,
    admin,
    applicant,
    bureau,
    email_change,
    importer,
    json_api,
    mail_log,
    notice_drafts,
    paper,
    reset,
    signup,
    units,
)
from formgen.workflows.portal.db import database_url, make_engine, migrate
from formgen.workflows.portal.documents import Busy, PdfGate
from formgen.workflows.portal.mail import SmtpServer
from formgen.workflows.portal.middleware import ASGIApp, BodyLimit, JsonBodies, PathIds, ResponseHeaders
from formgen.workflows.portal.outbox import Outbox
from formgen.workflows.portal.passwords import handle_reset_requests
from formgen.workflows.portal.pdf_pool import PdfPool
from formgen.workflows.portal.processes import Processes, start_plain
from formgen.workflows.portal.security import trusted_proxies
from formgen.workflows.portal.sessions import (
    IDLE,
    LIFETIME,
    ServerSessions,
    SessionPolicy,
    read_for_coroutines,
    read_in_thread,
)
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
    trusted_proxy: list[str] | None = None,
    session_idle: dt.timedelta | None = None,
    session_lifetime: dt.timedelta | None = None,
    smtp: str | None = None,
    public_url: str | None = None,
    pdf_processes: bool | None = None,
    paper_processes: bool | None = None,
) -> FastAPI:
    """The portal over the database at `database` (SQLite in `data_dir` when None).

    Migrations run here, so a new database is ready at once. Packets' PDFs are made by
    `workers` worker processes, each with a warm LibreOffice, below the portal's CPU priority
    (`pdf_processes`, default: on unless FORMGEN_PDF_IN_PROCESS=1, which makes them in the
    portal's own process, as before); more than `workers + pdf_queue` PDF requests at once get
    503 with Retry-After. A paper copy is verified by one worker process of its own below the
    portal's priority (`paper_processes`, default: on unless FORMGEN_PAPER_IN_PROCESS=1). `secure_cookies` (default: on unless FORMGEN_INSECURE_COOKIES=1) marks the
    session cookie Secure and sends HSTS, for a portal behind TLS.

    `trusted_proxy` (default: FORMGEN_TRUSTED_PROXIES, comma-separated) are the addresses of
    reverse proxies whose X-Forwarded-For names the client, for the sign-in limits. Sessions
    end after `session_idle` unused (FORMGEN_SESSION_IDLE_MINUTES, 60) and `session_lifetime`
    in all (FORMGEN_SESSION_LIFETIME_HOURS, 12).

    Mail goes through the SMTP server of the URL `smtp` (default: FORMGEN_SMTP_URL; none: the
    admin's mail log shows what would have been sent); its links begin with `public_url`
    (default: FORMGEN_PUBLIC_URL, else http://localhost:8000), never with a request's Host
    header, which a stranger could set to send a victim's reset link elsewhere.
    """
    data_dir = (data_dir or Path(os.environ.get("FORMGEN_DATA", "portal-data"))).resolve()
    database = database or os.environ.get("FORMGEN_DATABASE_URL")
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(database_url(database, data_dir))
    migrate(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    smtp = smtp or os.environ.get("FORMGEN_SMTP_URL")
    outbox = Outbox(
        sessions,
        SmtpServer.from_url(smtp) if smtp else None,
        public_url or os.environ.get("FORMGEN_PUBLIC_URL") or "http://localhost:8000",
        chores=(handle_reset_requests,),
    )
    # Every database session knows the outbox, so an action queues its letter in its own
    # transaction (see outbox.outbox_of).
    sessions.configure(info={"outbox": outbox})
    with sessions() as session:
        notice_drafts.sync(session, data_dir / "notices")
    if secure_cookies is None:
        secure_cookies = os.environ.get("FORMGEN_INSECURE_COOKIES") != "1"
    proxies = trusted_proxies(trusted_proxy or os.environ.get("FORMGEN_TRUSTED_PROXIES"))
    policy = SessionPolicy(
        idle=session_idle or _minutes("FORMGEN_SESSION_IDLE_MINUTES", IDLE),
        lifetime=session_lifetime or _minutes("FORMGEN_SESSION_LIFETIME_HOURS", LIFETIME, per=60),
        secure=secure_cookies,
        trusted_proxies=proxies,
    )

    if pdf_processes is None:
        pdf_processes = os.environ.get("FORMGEN_PDF_IN_PROCESS") != "1"
    pool = PdfPool(workers if pdf_processes else 0)
    if paper_processes is None:
        paper_processes = os.environ.get("FORMGEN_PAPER_IN_PROCESS") != "1"
    verifier = Processes(1 if paper_processes else 0, start_plain, name="paper-check")
    checker = paper.Checker(sessions, data_dir / "uploads", pool, verifier)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The worker processes fork first, before the outbox's and the checker's threads run.
        with (
            convert.service(workers),
            pool.running(),
            verifier.running(),
            outbox.running(),
            checker.running(),
        ):
            yield
        engine.dispose()

    app = _Portal(
        title="formgen portal",
        description="申报门户 / the portal for applicants and bureaus. "
        "Sign in with POST /api/login and send its csrf value as X-CSRF-Token on every change.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(_published_notices), Depends(read_for_coroutines)],
    )
    app.state.portal = Portal(data_dir, sessions, PdfGate(workers + pdf_queue), pool, templates(), proxies)
    app.state.outbox = outbox
    app.state.paper_checker = checker
    # Routes are tried in this order, so the busiest come first: the API's saves, then the
    # applicant's pages (no two routers share a path).
    app.include_router(json_api.router)
    app.include_router(applicant.router)
    app.include_router(accounts.router)
    app.include_router(signup.router)
    app.include_router(reset.router)
    app.include_router(email_change.router)
    app.include_router(units.router)
    app.include_router(account_log.router)
    app.include_router(mail_log.router)
    app.include_router(admin.router)
    app.include_router(bureau.router)
    app.include_router(paper.router)
    app.include_router(importer.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(ServerSessions, sessions=sessions, policy=policy)
    app.add_middleware(JsonBodies)
    app.add_middleware(BodyLimit, limit=REQUEST_LIMIT, json_limit=JSON_LIMIT)
    app.add_middleware(PathIds)
    app.state.hsts = secure_cookies

    @app.exception_handler(Busy)
    async def busy(request: Request, _exc: Busy) -> Response:
        message = "生成PDF的队列已满，请稍后再试 / the PDF queue is full, please try again shortly"
        return await _error(request, 503, message, {"retry-after": str(RETRY_AFTER_S)})

    @app.exception_handler(convert.ConversionError)
    async def conversion_failed(request: Request, exc: convert.ConversionError) -> Response:
        # Every try on a fresh LibreOffice failed: the server's trouble, for a while; not a 500.
        log.error("conversion failed on %s: %s", request.url.path, exc)
        message = "生成PDF失败，请稍后再试 / the PDF could not be made, please try again shortly"
        return await _error(request, 503, message, {"retry-after": str(RETRY_AFTER_S)})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = _PLAIN.get(str(exc.detail), str(exc.detail))
        return await _error(request, exc.status_code, message, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        # Where and what, never the input itself: it may be bytes, or not be text at all.
        where = "; ".join(
            f"{'.'.join(str(part) for part in error.get('loc', ()))}: {error.get('msg', '')}"
            for error in exc.errors()
        )
        return await _error(request, 422, f"请求内容不符合要求 / the request is not valid: {where}", {})

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return await _error(request, 500, "服务器内部错误，已记录 / an internal error, logged", {})

    return app


async def _published_notices(request: Request) -> None:
    """Serve the notices published on the database before answering: another process may have
    published one since. Read at most once in `notice_drafts.SYNC_EVERY_S`, not on every
    request: a save's own queries are few. A coroutine, so that the requests in between pass
    without a trip to a worker thread (FastAPI runs a plain function there)."""
    if not notice_drafts.sync_due():
        return
    found: Portal = request.app.state.portal

    def read() -> None:
        with found.db() as session:
            notice_drafts.sync(session, found.data_dir / "notices")

    await run_in_threadpool(read)


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


def _whole(variable: str) -> int | None:
    """A positive whole number from the environment; None when the variable is not set."""
    value = os.environ.get(variable, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) == 0:
        raise ValueError(f"{variable} 应为正整数 / {variable} must be a positive whole number: {value!r}")
    return int(value)


def _minutes(variable: str, default: dt.timedelta, *, per: int = 1) -> dt.timedelta:
    """A duration from the environment, in minutes (or in units of `per` minutes)."""
    value = _whole(variable)
    return default if value is None else dt.timedelta(minutes=value * per)


async def _error(request: Request, status: int, message: str, headers: dict[str, str]) -> Response:
    """An error as JSON for the API and the page's scripts, as a page for a browser (its
    session, for the page's CSRF token, read in a worker thread if no route has read it)."""
    wants_json = request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )
    if wants_json:
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    if status == 401:
        return Response(status_code=303, headers={"location": "/login"})
    await read_in_thread(request)
    response = render(request, "error.html", status, user=None, status=status, message=message)
    response.headers.update(headers)
    return response


def app_from_environment() -> FastAPI:
    """The portal configured by FORMGEN_DATA and FORMGEN_DATABASE_URL, for
    ``uvicorn --factory formgen.workflows.portal.app:app_from_environment``; each process
    keeps FORMGEN_PDF_WORKERS LibreOffice workers (2), so that several app processes on a
    small machine need not keep two each."""
    return create_app(workers=_whole("FORMGEN_PDF_WORKERS") or 2)


def serve(
    host: str,
    port: int,
    data_dir: Path,
    database: str | None,
    *,
    workers: int = 2,
    processes: int = 1,
    trusted_proxy: list[str] | None = None,
    smtp: str | None = None,
    public_url: str | None = None,
) -> None:
    """Run the portal until stopped (`formgen serve`); letters' links begin with `public_url`,
    else FORMGEN_PUBLIC_URL, else the address served.

    With `processes` above one, uvicorn's supervisor starts that many app processes on the one
    port (more interpreters for the requests, on one SQLite file or on PostgreSQL). Each
    builds the portal from the environment set here (`app_from_environment`) and keeps its
    share of the `workers` LibreOffice workers, at least one (FORMGEN_PDF_WORKERS, if set,
    says how many each keeps).

    uvicorn's own proxy-header handling is off: it would believe X-Forwarded-For from any
    loopback peer. The portal reads it itself, from `trusted_proxy` peers only.
    """
    import uvicorn

    secure = (
        host not in ("127.0.0.1", "localhost", "::1") and os.environ.get("FORMGEN_INSECURE_COOKIES") != "1"
    )
    public_url = public_url or os.environ.get("FORMGEN_PUBLIC_URL") or f"http://{host}:{port}"
    listen: dict[str, Any] = {"host": host, "port": port, "proxy_headers": False, "server_header": False}
    if processes == 1:
        app = create_app(
            data_dir,
            database,
            workers=workers,
            secure_cookies=secure,
            trusted_proxy=trusted_proxy,
            smtp=smtp,
            public_url=public_url,
        )
        uvicorn.run(app, **listen)
        return
    os.environ.update(
        {
            "FORMGEN_DATA": str(data_dir.resolve()),
            "FORMGEN_PUBLIC_URL": public_url,
            "FORMGEN_INSECURE_COOKIES": "0" if secure else "1",
            **({"FORMGEN_DATABASE_URL": database} if database else {}),
            **({"FORMGEN_SMTP_URL": smtp} if smtp else {}),
            **({"FORMGEN_TRUSTED_PROXIES": ",".join(trusted_proxy)} if trusted_proxy else {}),
        }
    )
    os.environ.setdefault("FORMGEN_PDF_WORKERS", str(max(1, workers // processes)))
    uvicorn.run(f"{__name__}:app_from_environment", factory=True, workers=processes, **listen)
