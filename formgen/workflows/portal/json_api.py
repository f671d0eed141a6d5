"""The JSON API the pages use, for bulk scripts too (documented at /openapi.json).

Sign in with `POST /api/login`; keep the session cookie, and send the CSRF token it returns
as the `X-CSRF-Token` header on every change.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from formgen.workflows.portal import applicant
from formgen.workflows.portal.accounts import LoginRefused, sign_in, start_session
from formgen.workflows.portal.bureau import decide
from formgen.workflows.portal.db import Application, Stale, save_application
from formgen.workflows.portal.sessions import reads_session_in_thread
from formgen.workflows.portal.web import (
    application_for,
    checked,
    client_of,
    dumps,
    form_values,
    portal,
    problems_json,
    require_csrf,
    require_user,
)

router = APIRouter(prefix="/api", tags=["api"])


class Login(BaseModel):
    """A user's name and password."""

    name: str = Field(max_length=100)
    password: str = Field(max_length=1000)


class LoggedIn(BaseModel):
    """The signed-in user and the CSRF token for the `X-CSRF-Token` header."""

    name: str
    role: str
    region: str
    csrf: str


class ProblemOut(BaseModel):
    """One problem the rulebook found: the field's path and label, in Chinese and English."""

    severity: str
    path: str
    label: str
    message_zh: str
    message_en: str
    rule: str
    target: str = Field(default="", description="the input the page shows it beside")


class ApplicationOut(BaseModel):
    """An application: what it applies with, where it stands, its data and problems."""

    id: int
    packet_id: str
    region: str
    status: str
    version: int
    comment: str
    data: dict[str, Any]
    problems: list[ProblemOut]


class NewApplication(BaseModel):
    """Start an application with one of the packets of `GET /api/packets`."""

    packet_id: str
    another: bool = False
    """Start another draft even if one of this packet exists (else 409 naming the existing one)."""


class DataIn(BaseModel):
    """The whole data of an application, and the version it was read at."""

    data: dict[str, Any]
    version: int


class Saved(BaseModel):
    """A saved draft: its new version, and what the rulebook finds now."""

    version: int
    problems: list[ProblemOut]


class PacketOut(BaseModel):
    """A packet a submitter may apply with."""

    id: str
    title: str
    notice: str
    doc_number: str


def _out(session: Any, application: Application) -> ApplicationOut:
    problems = [ProblemOut(**p.as_dict()) for p in checked(session, application).problems]
    return ApplicationOut(
        id=application.id,
        packet_id=application.packet_id,
        region=application.region,
        status=application.status,
        version=application.version,
        comment=application.comment,
        data=application.data,
        problems=problems,
    )


@router.post("/login", response_model=LoggedIn)
def login(request: Request, body: Login) -> Any:
    """Sign in: 401 for a wrong name or password, 429 after too many failures."""
    with portal(request).db() as session:
        try:
            user = sign_in(session, body.name.strip(), body.password, client_of(request))
        except LoginRefused as exc:
            return JSONResponse({"detail": str(exc)}, status_code=exc.status)
        token = start_session(request, user)
        return LoggedIn(name=user.name, role=user.role, region=user.region, csrf=token)


@router.get("/packets", response_model=list[PacketOut])
def packets(request: Request) -> Any:
    """What the signed-in applicant may apply with, per notice serving its region."""
    with portal(request).db() as session:
        user = require_user(request, session, "applicant")
        return [
            PacketOut(id=p.id, title=p.title, notice=n.id, doc_number=n.doc_number)
            for n, found in applicant.choices(user)
            for p in found
        ]


@router.get("/applications", response_model=list[ApplicationOut])
def applications(request: Request) -> Any:
    """The applications the user may see: an applicant's own, a bureau's region's."""
    with portal(request).db() as session:
        user = require_user(request, session)
        query = select(Application).order_by(Application.id)
        if user.role == "applicant":
            query = query.where(Application.owner_id == user.id)
        elif user.role == "bureau":
            # A bureau sees what was handed in, never an applicant's draft.
            query = query.where(Application.region == user.region, Application.status != "draft")
        return [_out(session, a) for a in session.scalars(query)]


@router.post("/applications", response_model=ApplicationOut, status_code=201)
def create(request: Request, body: NewApplication) -> Any:
    """Start an empty draft."""
    require_csrf(request, None)
    with portal(request).db() as session:
        user = require_user(request, session, "applicant")
        try:
            return _out(session, applicant.create(session, user, body.packet_id, another=body.another))
        except applicant.AlreadyDrafted as exc:
            return JSONResponse(
                {"detail": "已有此项草稿 / a draft of this packet exists", "existing": exc.existing.id},
                status_code=409,
            )


@router.get("/applications/{application_id}", response_model=ApplicationOut)
def read(request: Request, application_id: int) -> Any:
    """One application with the rulebook's problems; 404 for one the user may not see."""
    with portal(request).db() as session:
        return _out(session, application_for(session, require_user(request, session), application_id))


@router.put("/applications/{application_id}/data", response_model=Saved)
@reads_session_in_thread
async def save(request: Request, application_id: int, body: DataIn) -> Any:
    """Replace the draft's data; 409 when `version` is not the stored one (another tab saved)."""

    # The busiest route: all its database work, the session's read included, is one trip to
    # a worker thread (a sync route would take two, the second only to check the answer
    # against `Saved`).
    def work() -> Saved:
        require_csrf(request, None)
        with portal(request).db() as session:
            user = require_user(request, session)
            application = applicant.editable_application(session, user, application_id)
            try:
                version = save_application(session, application, body.version, data_json=dumps(body.data))
            except Stale:
                raise HTTPException(409, applicant.STALE_MESSAGE) from None
            problems = [ProblemOut(**p.as_dict()) for p in checked(session, application).problems]
            return Saved(version=version, problems=problems)

    return await run_in_threadpool(work)


@router.post(
    "/applications/{application_id}/sections/{index}",
    response_model=Saved,
    openapi_extra={
        "requestBody": {
            "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}},
            "description": "the section's form fields, named by data path, with `version`",
        }
    },
)
@reads_session_in_thread
async def save_section(request: Request, application_id: int, index: int) -> Any:
    """Save one section as its page's form sends it (the page's autosave); 409 when stale."""
    values = await form_values(request)

    def work() -> Any:
        require_csrf(request, values.get("csrf"))
        with portal(request).db() as session:
            user = require_user(request, session)
            try:
                view = applicant.save_section(session, user, application_id, index, values)
            except Stale:
                return JSONResponse({"detail": applicant.STALE_MESSAGE}, status_code=409)
            return Saved(
                version=view.application.version,
                problems=[ProblemOut(**p) for p in problems_json(view.placed)],
            )

    return await run_in_threadpool(work)


@router.post("/applications/{application_id}/submit", response_model=ApplicationOut)
def submit(request: Request, application_id: int) -> Any:
    """Hand the application in; 422 while an error remains (warnings do not block)."""
    require_csrf(request, None)
    with portal(request).db() as session:
        return _out(session, applicant.submit(session, require_user(request, session), application_id))


class Decision(BaseModel):
    """A bureau's verdict on a submitted application."""

    comment: str = ""


@router.post("/applications/{application_id}/{verdict}", response_model=ApplicationOut)
def decide_route(
    request: Request, application_id: int, verdict: Literal["accept", "return"], body: Decision
) -> Any:
    """The bureau accepts a submitted application of its region, or returns it with a comment."""
    require_csrf(request, None)
    with portal(request).db() as session:
        user = require_user(request, session, "bureau")
        return _out(session, decide(session, user, application_id, verdict, body.comment))
