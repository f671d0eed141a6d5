"""An account's history: made or signed up, confirmed, its unit, region, address or password
changed, disabled or enabled, each with who did it and when.

The account's row holds only what is true now. A bureau asked why an applicant is now its
own, or an applicant asking who renamed its unit, needs the steps, as an application's
events keep its own. The account sees its history, and so do those who may change it: the
bureau of an applicant's region and the administrators.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from formgen.workflows.portal.db import AccountEvent, User
from formgen.workflows.portal.letters import beijing_time
from formgen.workflows.portal.web import portal, render, require_user

router = APIRouter()

KINDS = {
    "created": "账户创建",
    "signed_up": "自行注册",
    "confirmed": "邮箱确认",
    "unit_name": "单位名称修改",
    "credit_code": "统一社会信用代码修改",
    "region": "所在地区修改",
    "email": "电子邮箱更换",
    "password": "密码修改",
    "reset": "通过邮件链接重设密码",
    "disabled": "账户停用",
    "enabled": "账户启用",
}
"""Each kind of step, as the history page names it."""

COMMAND_LINE = "命令行"
"""The actor of an account made by `formgen users add`, where nobody is signed in."""

ROLE_LABELS = {"applicant": "申请人", "bureau": "主管部门", "admin": "管理员"}


class EventOut(BaseModel):
    """One step of an account's history."""

    at: str
    """Beijing time, as the page shows it."""
    actor: str
    kind: str
    label: str
    detail: str


def record(session: Session, account: User, actor: str, kind: str, detail: str = "") -> None:
    """Add a step to `account`'s history in the caller's transaction (the caller commits, so
    the step is kept exactly when the change is)."""
    if kind not in KINDS:
        raise ValueError(f"unknown account event kind: {kind}")
    session.add(AccountEvent(user_id=account.id, actor=actor, kind=kind, detail=detail))


def record_changes(session: Session, account: User, actor: str, new: Mapping[str, str]) -> None:
    """Record each of `new`'s fields (unit_name, credit_code, region, email) that differs from
    the account's value now, as "old → new"; call it before the account is changed."""
    for field, value in new.items():
        old = getattr(account, field)
        if value != old:
            record(session, account, actor, field, f"{old or '（空）'} → {value or '（空）'}")


def viewable(session: Session, viewer: User, account_id: int) -> User:
    """The account whose history `viewer` may read: its own, an applicant of a bureau's region,
    any for an administrator. Any other answers 404, as one that does not exist."""
    account = session.get(User, account_id)
    allowed = account is not None and (
        viewer.role == "admin"
        or viewer.id == account.id
        or (viewer.role == "bureau" and account.role == "applicant" and account.region == viewer.region)
    )
    if account is None or not allowed:
        raise HTTPException(404, "找不到该账户 / no such account")
    return account


def history(session: Session, account: User) -> list[EventOut]:
    """`account`'s steps, oldest first."""
    events = session.scalars(
        select(AccountEvent)
        .where(AccountEvent.user_id == account.id)
        .order_by(AccountEvent.at, AccountEvent.id)
    )
    return [
        EventOut(
            at=beijing_time(e.at),
            actor=e.actor,
            kind=e.kind,
            label=KINDS.get(e.kind, e.kind),
            detail=e.detail,
        )
        for e in events
    ]


def _page(request: Request, account_id: int | None) -> Response:
    """The history page of `account_id`, or of the signed-in account itself when None."""
    with portal(request).db() as session:
        viewer = require_user(request, session)
        account = viewable(session, viewer, viewer.id if account_id is None else account_id)
        return render(
            request,
            "account_history.html",
            user=viewer,
            account=account,
            role_label=ROLE_LABELS[account.role],
            events=history(session, account),
        )


@router.get("/account/history", include_in_schema=False)
def own_page(request: Request) -> Response:
    """The signed-in account's own history."""
    return _page(request, None)


@router.get("/accounts/{account_id}/history", include_in_schema=False)
def account_page(request: Request, account_id: int) -> Response:
    """An account's history, for the account itself, its bureau or an administrator."""
    return _page(request, account_id)


@router.get("/api/accounts/{account_id}/history", response_model=list[EventOut], tags=["api"])
def history_api(request: Request, account_id: int) -> Any:
    """An account's history, oldest first: 404 for an account the caller may not see."""
    with portal(request).db() as session:
        viewer = require_user(request, session)
        return history(session, viewable(session, viewer, account_id))
