"""The pages and API routes of a password reset (see `passwords` for how it works)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from formgen.model.problems import Problem
from formgen.workflows.portal.outbox import outbox_of
from formgen.workflows.portal.passwords import request_reset, reset_password
from formgen.workflows.portal.web import form_values, message_page, portal, render, require_csrf

router = APIRouter()

ASKED = "如果该邮箱已在申报门户注册，我们已向它发送重置密码的链接，请在60分钟内使用。"
DONE = "密码已重设，该账户在各处的登录均已退出。请用新密码登录。"


class ResetAsked(BaseModel):
    """The address of the account whose password is forgotten."""

    email: str = Field(max_length=1000)


class NewPassword(BaseModel):
    """The token from the reset letter's link and the new password."""

    token: str = Field(max_length=200)
    password: str = Field(max_length=1000)


@router.get("/reset", include_in_schema=False)
def ask_page(request: Request) -> Response:
    """The form that asks for a reset letter."""
    return render(request, "reset_ask.html", user=None)


@router.post("/reset", include_in_schema=False)
async def ask_post(request: Request) -> Response:
    """Ask for a reset letter; the answer is the same for every address."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))
    address = form.get("email") or ""

    def work() -> None:
        with portal(request).db() as session:
            request_reset(session, outbox_of(session), address)

    await run_in_threadpool(work)
    return message_page(request, "请查收邮件", ASKED, ("/login", "去登录"))


@router.post("/api/password-reset", status_code=202, tags=["api"])
def ask_api(request: Request, body: ResetAsked) -> Any:
    """Ask for a reset letter: always 202 with the same answer, whether the address has an
    account or not."""
    with portal(request).db() as session:
        request_reset(session, outbox_of(session), body.email)
    return {"detail": ASKED}


@router.get("/reset/{token}", include_in_schema=False)
def new_password_page(request: Request, token: str) -> Response:
    """The form for a new password (the token is used only when it is sent)."""
    return render(request, "reset_password.html", user=None, token=token, problem="")


@router.post("/reset/{token}", include_in_schema=False)
async def new_password_post(request: Request, token: str) -> Response:
    """Set the new password; the form again with the reason when it is refused."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))
    password = form.get("password") or ""

    def work() -> Problem | None:
        with portal(request).db() as session:
            done = reset_password(session, token, password)
            return done if isinstance(done, Problem) else None

    problem = await run_in_threadpool(work)
    if problem is not None:
        return render(request, "reset_password.html", 422, user=None, token=token, problem=problem.message_zh)
    request.session.clear()
    return message_page(request, "密码已重设", DONE, ("/login", "去登录"))


@router.post("/api/password-reset/confirm", tags=["api"])
def new_password_api(request: Request, body: NewPassword) -> Any:
    """Set a new password with the letter's token: 200, or 422 naming the field and why."""
    with portal(request).db() as session:
        done = reset_password(session, body.token, body.password)
    if isinstance(done, Problem):
        return JSONResponse({"detail": [done.as_dict()]}, status_code=422)
    return {"detail": DONE}
