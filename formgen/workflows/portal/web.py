"""What every page of the portal shares: its state, the signed-in user, access checks, rendering."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from formgen import api
from formgen.api import Checked
from formgen.data import paths
from formgen.workflows.portal import forms, notices
from formgen.workflows.portal.db import STATUS_LABELS, Application, Attachment, User
from formgen.workflows.portal.documents import PdfGate
from formgen.workflows.portal.pdf_pool import PdfPool
from formgen.workflows.portal.security import client_address, csrf_ok, csrf_token
from formgen.workflows.portal.sessions import signed_in

HERE = Path(__file__).parent


@dataclass
class Portal:
    """The running portal: where its files are, its database, its PDF gate and the processes
    that make its packets."""

    data_dir: Path
    sessions: sessionmaker[Session]
    gate: PdfGate
    pdf: PdfPool
    templates: jinja2.Environment
    trusted_proxies: frozenset[str] = frozenset()
    """Peers whose X-Forwarded-For names the client (a reverse proxy in front of the portal)."""

    @property
    def uploads(self) -> Path:
        """Where uploaded scans are kept, under server-made names."""
        return self.data_dir / "uploads"

    @contextmanager
    def db(self) -> Iterator[Session]:
        """A database session for one piece of work."""
        with self.sessions() as session:
            yield session


def templates() -> jinja2.Environment:
    """The page templates; every value is escaped, so user text prints literally."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["status_labels"] = STATUS_LABELS
    env.globals["known_regions"] = notices.known_regions
    env.globals["printed"] = forms.printed
    return env


def portal(request: Request) -> Portal:
    """The portal serving `request`."""
    found: Portal = request.app.state.portal
    return found


def client_of(request: Request) -> str:
    """The client's address: X-Forwarded-For believed only from a configured trusted proxy."""
    peer = request.client.host if request.client else ""
    return client_address(peer, request.headers.get("x-forwarded-for"), portal(request).trusted_proxies)


def require_user(request: Request, session: Session, *roles: str) -> User:
    """The signed-in user of one of `roles`: 401 when signed out, 403 for another role."""
    user = signed_in(request, session)
    if user is None:
        raise HTTPException(401, "请先登录 / please sign in")
    if roles and user.role not in roles:
        raise HTTPException(403, "无权访问 / not allowed")
    return user


def require_csrf(request: Request, sent: str | None) -> None:
    """403 unless `sent` (form field or X-CSRF-Token header) is the session's token."""
    if not csrf_ok(request.session, sent or request.headers.get("x-csrf-token")):
        raise HTTPException(403, "表单已过期或来源不明，请刷新页面 / missing or wrong CSRF token")


_APPLICATION = select(Application).where(Application.id == bindparam("id"))
"""An application by its id: built once, as every save and page asks it (`Session.get` builds
and keys its statement again on each call: a third more CPU, measured)."""


def application_for(session: Session, user: User, application_id: int) -> Application:
    """An application `user` may see: an applicant's own, a bureau's region's, any for admin.

    Someone else's answers 404, as one that does not exist: nothing says it is there. A
    draft is its applicant's alone: a bureau meets an application once it was handed in.
    """
    found = session.execute(_APPLICATION, {"id": application_id}).scalar_one_or_none()
    if found is None:
        raise HTTPException(404, "找不到该申请 / no such application")
    if user.role == "applicant" and found.owner_id != user.id:
        raise HTTPException(404, "找不到该申请 / no such application")
    if user.role == "bureau" and (found.region != user.region or found.status == "draft"):
        raise HTTPException(404, "找不到该申请 / no such application")
    return found


def own_application(session: Session, user: User, application_id: int) -> Application:
    """An application only its applicant may change: 403 for a bureau or admin, 404 for others'."""
    if user.role != "applicant":
        raise HTTPException(403, "只有申请人可以修改 / only the applicant may change it")
    return application_for(session, user, application_id)


@functools.cache
def _uploads(*what: Any) -> Select[Any]:
    """`what` (the uploads, or some of their columns) of one application's uploads (its id
    the parameter ``application``), in upload order. Built once: every save's check runs it,
    and a statement built anew is keyed for SQLAlchemy's cache again on every run."""
    return select(*what).where(Attachment.application_id == bindparam("application")).order_by(Attachment.id)


def attachments_of(session: Session, application: Application) -> list[Attachment]:
    """The application's uploaded scans, in upload order."""
    return list(session.scalars(_uploads(Attachment), {"application": application.id}))


def full_data(
    session: Session, application: Application, uploaded: list[Attachment] | None = None
) -> dict[str, Any]:
    """The application's data with its uploads listed as the packet's attachments (`uploaded`,
    when the caller has read them already, as the attachments page has)."""
    model = api.registry().packet(application.packet_id).model
    data = forms.skeleton(model, application.data)
    field = forms.attachments_path(model)
    if field is not None:
        if uploaded is not None:
            listed: Iterable[Any] = [(upload.title, upload.stored_name) for upload in uploaded]
        else:  # plain columns, not mapped objects: every save's check comes through here
            listed = session.execute(
                _uploads(Attachment.title, Attachment.stored_name), {"application": application.id}
            )
        data[field] = [{"title": title, "file": stored} for title, stored in listed]
    return data


def unit_name(application: Application) -> str:
    """The 单位名称 the applicant typed (at the packet's `name_path`, else the first `unit_name`
    of its data, nearest the top), or '' before it is typed."""
    path = api.registry().packet(application.packet_id).name_path
    named = paths.value_at(application.data, path) if path else None
    if isinstance(named, str) and named.strip():
        return named.strip()
    level: list[Any] = [application.data]
    while level:
        for found in level:
            if isinstance(found.get("unit_name"), str) and found["unit_name"].strip():
                return str(found["unit_name"]).strip()
        level = [v for found in level for v in found.values() if isinstance(v, dict)]
    return ""


def checked(session: Session, application: Application) -> Checked:
    """The application's data checked by the rulebook."""
    return api.check(application.packet_id, full_data(session, application))


async def form_values(request: Request) -> forms.FormValues:
    """The posted form's text fields; a file sent where text was expected counts as empty."""
    form = await request.form()
    try:
        return forms.FormValues((k, v if isinstance(v, str) else "") for k, v in form.multi_items())
    finally:
        await form.close()


def render(request: Request, name: str, code: int = 200, **values: Any) -> HTMLResponse:
    """A page from its template, with the user, the CSRF token and the path."""
    env = portal(request).templates
    html = env.get_template(name).render(
        csrf=csrf_token(request.session), request_path=request.url.path, **values
    )
    return HTMLResponse(html, status_code=code)


def message_page(
    request: Request, title: str, message: str, link: tuple[str, str], code: int = 200
) -> HTMLResponse:
    """A signed-out page that says one thing (a letter is on its way, a link worked or not)
    and where to go next (`link`: its address and words)."""
    return render(request, "message.html", code, user=None, title=title, message=message, link=link)


def confirm(
    request: Request,
    user: User,
    heading: str,
    question: str,
    action: str,
    *,
    button: str,
    back: str,
    fields: dict[str, list[str]] | None = None,
    details: list[str] | None = None,
) -> HTMLResponse:
    """A page that asks before an act that cannot be undone (submit, accept, return, delete):
    `button` posts `fields` again to `action` with ``confirm=1``; `back` leaves it undone."""
    return render(
        request,
        "confirm.html",
        user=user,
        heading=heading,
        question=question,
        details=details or [],
        action=action,
        fields=fields or {},
        button=button,
        back=back,
    )


def download(content: bytes, name: str, media_type: str) -> Response:
    """A file to save, never to show inline (uploads are not to run in the portal's origin)."""
    return Response(
        content,
        media_type=media_type,
        headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}"},
    )


def problems_json(placed: list[tuple[str, Any]]) -> list[dict[str, str]]:
    """Problems with the input path each is shown beside, for the page's live checks."""
    return [{"target": target, **problem.as_dict()} for target, problem in placed]


def dumps(data: Any) -> str:
    """Data as JSON text for the database (dates as ISO text, as the form sends them).

    Every save goes through here, so here a table's rows are bounded (`forms.MAX_ROWS`): 413
    rather than a page of 50,000 rows that takes the server's memory.
    """
    if forms.longest_list(data) > forms.MAX_ROWS:
        raise HTTPException(
            413, f"表格行数超过{forms.MAX_ROWS}行 / a table has more than {forms.MAX_ROWS} rows"
        )
    return json.dumps(data, ensure_ascii=False, default=str)
