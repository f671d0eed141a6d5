"""An account changes its e-mail address: asked for with the password, taken once the link
sent to the new address is followed; then every session of the account ends and the old
address is told.

Like a sign-up, the request answers the same whether another account has the new address
(whose owner is told instead), so it reveals no registered address.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from formgen.model.problems import Problem
from formgen.workflows.portal import account_log, tokens
from formgen.workflows.portal.db import User, now
from formgen.workflows.portal.letters import beijing_time, letter
from formgen.workflows.portal.outbox import outbox_of
from formgen.workflows.portal.passwords import normal_email
from formgen.workflows.portal.security import password_matches_user
from formgen.workflows.portal.sessions import end_sessions
from formgen.workflows.portal.signup import email_problem
from formgen.workflows.portal.web import form_values, message_page, portal, render, require_csrf, require_user

router = APIRouter()

SENT = "已向新邮箱发送确认链接；打开链接后邮箱即更改，并需重新登录。"
DONE = "电子邮箱已更改，该账户在各处的登录均已退出。请用新邮箱登录。"


class EmailIn(BaseModel):
    """The account's current password and the new address."""

    password: str = Field(max_length=1000)
    email: str = Field(max_length=1000)


def ask_change(session: Session, user: User, password: str, address: str) -> Problem | None:
    """Queue a confirmation letter to `address` for `user`; the problem instead when the
    password is wrong or the address unusable."""
    if not password_matches_user(user.password_hash, password):
        return Problem(
            "error",
            "password",
            "当前密码",
            "当前密码不正确",
            "the current password is wrong",
            "account.password",
        )
    address = normal_email(address)
    wrong = email_problem(address)
    if wrong is not None:
        return wrong
    outbox = outbox_of(session)
    taken = session.scalar(
        select(User).where(or_(User.email == address, User.name == address), User.id != user.id)
    )
    if taken is not None:
        outbox.queue(session, address, letter("exists", email=address, link=outbox.link("/reset")))
    else:
        user.pending_email = address
        token = tokens.issue(session, user, "email", tokens.CONFIRM_FOR)
        outbox.queue(
            session,
            address,
            letter(
                "email_confirm",
                old=user.email or user.name,
                email=address,
                hours=int(tokens.CONFIRM_FOR.total_seconds() // 3600),
                link=outbox.link(f"/email/{token}"),
            ),
        )
    session.commit()
    return None


def take_change(session: Session, token: str) -> User | None:
    """Give the account of `token` its new address, end its sessions and tell the old address;
    None for a bad link or an address another account took meanwhile."""
    user = tokens.redeem(session, token, "email")
    if user is None or not user.pending_email:
        return None
    new = user.pending_email
    if session.scalar(select(User).where(or_(User.email == new, User.name == new), User.id != user.id)):
        session.rollback()
        return None
    old = user.email
    if user.name == old:
        user.name = new
    account_log.record_changes(session, user, user.name, {"email": new})
    user.email, user.pending_email, user.confirmed = new, "", True
    end_sessions(session, user.id)
    if old:
        outbox_of(session).queue(
            session, old, letter("email_changed", old=old, email=new, time=beijing_time(now()))
        )
    session.commit()
    return user


@router.get("/account/email", include_in_schema=False)
def email_page(request: Request) -> Response:
    """The form to change one's e-mail address."""
    with portal(request).db() as session:
        user = require_user(request, session)
        return render(request, "email.html", user=user, message="", problem="")


@router.post("/account/email", include_in_schema=False)
async def email_post(request: Request) -> Response:
    """Ask for the change; the form again with the reason when it is refused."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))

    def work() -> Response:
        with portal(request).db() as session:
            user = require_user(request, session)
            problem = ask_change(session, user, form.get("password") or "", form.get("email") or "")
            if problem is not None:
                return render(request, "email.html", 422, user=user, message="", problem=problem.message_zh)
            return render(request, "email.html", user=user, message=SENT, problem="")

    return await run_in_threadpool(work)


@router.post("/api/account/email", status_code=202, tags=["api"])
def email_api(request: Request, body: EmailIn) -> Any:
    """Ask to change the signed-in account's e-mail: 202 when a letter is on its way, 422
    naming the field otherwise. The change takes effect when its link is followed."""
    require_csrf(request, None)
    with portal(request).db() as session:
        user = require_user(request, session)
        problem = ask_change(session, user, body.password, body.email)
    if problem is not None:
        return JSONResponse({"detail": [problem.as_dict()]}, status_code=422)
    return {"detail": SENT}


@router.get("/email/{token}", include_in_schema=False)
def take_page(request: Request, token: str) -> Response:
    """The link in the letter to the new address."""
    with portal(request).db() as session:
        user = take_change(session, token)
    if user is None:
        return message_page(
            request,
            "链接无效",
            "确认链接无效、已使用或已过期，或该邮箱已被其他账户使用。请登录后重新申请更改邮箱。",
            ("/login", "去登录"),
            400,
        )
    request.session.clear()
    return message_page(request, "邮箱已更改", DONE, ("/login", "去登录"))
