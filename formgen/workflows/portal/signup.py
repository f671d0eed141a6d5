"""Applicants sign up themselves: unit, 统一社会信用代码, region, e-mail and password; the
account signs in once the e-mailed link confirms the address.

The answer to a sign-up never says whether the address already has an account: the same
page follows either way, and the address's owner gets a letter saying so instead of a link.
The password is hashed in both cases, so the answers take the same time too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import Field
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from formgen.model import checks
from formgen.model.problems import Problem
from formgen.workflows.portal import account_log, tokens, units
from formgen.workflows.portal.db import User
from formgen.workflows.portal.letters import letter
from formgen.workflows.portal.outbox import Outbox, outbox_of
from formgen.workflows.portal.passwords import normal_email, password_problem
from formgen.workflows.portal.security import hash_password
from formgen.workflows.portal.units import check_unit, from_check
from formgen.workflows.portal.web import form_values, message_page, portal, render, require_csrf

router = APIRouter()

LABELS = {**units.LABELS, "email": "电子邮箱", "password": "密码"}
"""The sign-up form's fields and their labels, in the form's order."""
MAX_EMAIL = 100
"""An address is also the account's sign-in name, which holds 100 characters."""
SENT = "我们已向您填写的邮箱发送了一封邮件，请打开其中的链接完成注册。若未收到，请检查垃圾邮件箱。"


class SignUpIn(units.UnitIn):
    """A new applicant's account: unit, credit code, region (of `GET /api/regions`), e-mail, password."""

    email: str = Field(max_length=1000)
    password: str = Field(max_length=1000)


def email_problem(address: str) -> Problem | None:
    """Why `address` (normalised) cannot be an account's e-mail, or None."""
    try:
        checks.check_email(address)
        if len(address) > MAX_EMAIL:
            raise ValueError(
                f"电子邮箱不超过{MAX_EMAIL}个字符 / an e-mail address has at most {MAX_EMAIL} characters"
            )
    except ValueError as exc:
        return from_check("email", LABELS["email"], exc)
    return None


def check(values: Mapping[str, str]) -> tuple[dict[str, str], list[Problem]]:
    """The sign-up's values cleaned (trimmed, code in capitals, address in lower case) and
    every problem with them, each naming its field."""
    clean, problems = check_unit(values)
    clean["email"] = normal_email(values.get("email") or "")
    wrong = email_problem(clean["email"])
    if wrong is not None:
        problems.append(wrong)
    weak = password_problem(values.get("password") or "", clean["email"])
    if weak is not None:
        problems.append(weak)
    return clean, problems


def sign_up(session: Session, outbox: Outbox, values: Mapping[str, str]) -> list[Problem]:
    """Make an unconfirmed applicant account and queue its confirmation letter; the problems
    instead when a value is wrong (nothing is made then).

    An address that has an account gets a letter saying so, and no account is made; the
    caller answers as for a new one.
    """
    clean, problems = check(values)
    if problems:
        return problems
    password_hash = hash_password(values["password"])
    email = clean["email"]
    taken = session.scalar(select(User).where(or_(User.email == email, User.name == email)))
    if taken is not None:
        outbox.queue(session, email, letter("exists", email=email, link=outbox.link("/reset")))
        session.commit()
        return []
    user = User(
        name=email,
        password_hash=password_hash,
        role="applicant",
        region=clean["region"],
        email=email,
        unit_name=clean["unit_name"],
        credit_code=clean["credit_code"],
        confirmed=False,
    )
    session.add(user)
    session.flush()
    account_log.record(
        session, user, email, "signed_up", "，".join((user.unit_name, user.credit_code, user.region))
    )
    token = tokens.issue(session, user, "confirm", tokens.CONFIRM_FOR)
    outbox.queue(
        session,
        email,
        letter(
            "confirm",
            unit_name=user.unit_name,
            email=email,
            region=user.region,
            hours=int(tokens.CONFIRM_FOR.total_seconds() // 3600),
            link=outbox.link(f"/confirm/{token}"),
        ),
    )
    session.commit()
    return []


def confirm(session: Session, token: str) -> User | None:
    """Confirm the address of the account `token` was sent for; None for a bad link."""
    user = tokens.redeem(session, token, "confirm")
    if user is not None:
        user.confirmed = True
        account_log.record(session, user, user.name, "confirmed", user.email or "")
        session.commit()
    return user


def _page(request: Request, values: Mapping[str, str], problems: list[Problem], code: int = 200) -> Response:
    shown = {k: v for k, v in values.items() if k != "password"}
    by_field = {p.path: p.message_zh for p in problems}
    return render(
        request,
        "signup.html",
        code,
        user=None,
        values=shown,
        problems=by_field,
        labels=LABELS,
        regions=units.regions(),
    )


@router.get("/signup", include_in_schema=False)
def signup_page(request: Request) -> Response:
    """The sign-up form."""
    return _page(request, {}, [])


@router.post("/signup", include_in_schema=False)
async def signup_post(request: Request) -> Response:
    """Sign up from the form: the form again with each problem beside its field, or the
    page that says a letter is on its way."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))
    values = {k: form.get(k) or "" for k in LABELS}

    def work() -> list[Problem]:
        with portal(request).db() as session:
            return sign_up(session, outbox_of(session), values)

    problems = await run_in_threadpool(work)
    if problems:
        return _page(request, values, problems, 422)
    return message_page(request, "请查收邮件", SENT, ("/login", "去登录"))


@router.post("/api/signup", status_code=202, tags=["api"])
def signup_api(request: Request, body: SignUpIn) -> Any:
    """Sign up an applicant: 202 when a letter is on its way (to confirm, or saying the
    address has an account), 422 with each problem's field path and label otherwise."""
    with portal(request).db() as session:
        problems = sign_up(session, outbox_of(session), body.model_dump())
    if problems:
        return JSONResponse({"detail": [p.as_dict() for p in problems]}, status_code=422)
    return {"detail": SENT}


@router.get("/api/regions", tags=["api"])
def regions_api() -> list[dict[str, Any]]:
    """The regions applicants may sign up in, by the notices' issuers."""
    return [{"issuer": issuer, "regions": list(found)} for issuer, found in units.regions()]


@router.get("/confirm/{token}", include_in_schema=False)
def confirm_page(request: Request, token: str) -> Response:
    """The confirmation link: the account may sign in from now on."""
    with portal(request).db() as session:
        user = confirm(session, token)
    if user is None:
        return message_page(
            request,
            "链接无效",
            "确认链接无效、已使用或已过期。若尚未确认，请用“忘记密码”重新获取邮件，重设密码即同时确认邮箱。",
            ("/reset", "忘记密码"),
            400,
        )
    return message_page(request, "邮箱已确认", "邮箱已确认，现在可以登录了。", ("/login", "去登录"))
