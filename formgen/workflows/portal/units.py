"""An applicant account's unit (单位名称, 统一社会信用代码) and region: checked the same way at
sign-up and when changed, and changed only by the bureau of the account's region or an admin.

The region decides which bureau sees the applicant's submissions, and the unit is what the
bureau vouches for, so the applicant cannot move itself to another bureau or rename itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from formgen import api
from formgen.model import checks
from formgen.model.problems import Problem
from formgen.workflows.portal import account_log, notices
from formgen.workflows.portal.db import EDITABLE, UNIT_NAME_MAX, Application, ApplicationEvent, User
from formgen.workflows.portal.web import form_values, portal, render, require_csrf, require_user

router = APIRouter()

LABELS = {"unit_name": "单位名称", "credit_code": "统一社会信用代码", "region": "所在地区"}
NOT_YOURS = "只有账户所在地区的主管部门或管理员可以修改单位和地区 / only the account's bureau or an admin may change its unit and region"


class UnitIn(BaseModel):
    """An applicant account's unit and region."""

    unit_name: str = Field(max_length=1000)
    credit_code: str = Field(max_length=100)
    region: str = Field(max_length=200)


class AccountOut(BaseModel):
    """An applicant account as its bureau sees it."""

    id: int
    name: str
    email: str
    unit_name: str
    credit_code: str
    region: str
    confirmed: bool


def problem(path: str, label: str, zh: str, en: str) -> Problem:
    """A problem with one account field, named by its path and label."""
    return Problem("error", path, label, zh, en, f"account.{path}")


def from_check(path: str, label: str, exc: ValueError) -> Problem:
    """A problem from a `formgen.model.checks` message ("中文 / English")."""
    zh, _, en = str(exc).partition(" / ")
    return problem(path, label, zh, en or zh)


def regions() -> list[tuple[str, tuple[str, ...]]]:
    """The regions an account may be in (`notices.known_regions`), grouped by the notices' issuers."""
    return [(n.issuer, n.regions) for n in api.registry().notices.values() if n.regions]


def check_unit(values: Mapping[str, str]) -> tuple[dict[str, str], list[Problem]]:
    """The unit's values cleaned (trimmed, the code in capitals) and every problem with them:
    a name, a credit code whose check character computes, a region some notice serves."""
    clean, problems = check_place(values, "applicant")
    clean["credit_code"] = (values.get("credit_code") or "").strip().upper()
    try:
        checks.check_credit_code(clean["credit_code"])
    except ValueError as exc:
        problems.append(from_check("credit_code", LABELS["credit_code"], exc))
    order = list(LABELS)
    return clean, sorted(problems, key=lambda p: order.index(p.path))


def check_place(values: Mapping[str, str], role: str) -> tuple[dict[str, str], list[Problem]]:
    """An account's unit name and region cleaned (trimmed) and every problem with them: an
    applicant's name is required (a bureau may have none yet: its 推荐单位 is then typed), a
    region is one some notice serves."""
    clean = {k: (values.get(k) or "").strip() for k in ("unit_name", "region")}
    problems: list[Problem] = []
    if (role == "applicant" and not clean["unit_name"]) or len(clean["unit_name"]) > UNIT_NAME_MAX:
        problems.append(
            problem(
                "unit_name",
                LABELS["unit_name"],
                f"请填写单位名称（{UNIT_NAME_MAX}字以内）",
                f"give the unit's name (up to {UNIT_NAME_MAX} characters)",
            )
        )
    if not clean["region"] or not notices.serving(clean["region"]):
        problems.append(
            problem(
                "region",
                LABELS["region"],
                f"“{clean['region']}”不在各通知的地区列表中，请从列表中选择",
                f"{clean['region']!r} is not a region any notice serves; choose one from the list",
            )
        )
    return clean, problems


def applicant_accounts(session: Session, actor: User) -> list[User]:
    """The applicant accounts `actor` may change: its region's for a bureau, all for an admin."""
    query = select(User).where(User.role == "applicant").order_by(User.id)
    if actor.role != "admin":
        query = query.where(User.region == actor.region)
    return list(session.scalars(query))


def change_unit(
    session: Session, actor: User, account_id: int, values: Mapping[str, str]
) -> User | list[Problem]:
    """Set an applicant account's unit and region: 403 unless `actor` is an admin or the bureau
    of the account's region (the applicant itself included); the problems when a value is wrong."""
    target = session.get(User, account_id)
    allowed = actor.role == "admin" or (
        actor.role == "bureau" and target is not None and target.region == actor.region
    )
    if not allowed:
        raise HTTPException(403, NOT_YOURS)
    if target is None or target.role != "applicant":
        raise HTTPException(404, "找不到该申请人账户 / no such applicant account")
    clean, problems = check_unit(values)
    if problems:
        return problems
    if clean["region"] != target.region:
        move_open_applications(session, actor, target, clean["region"])
    account_log.record_changes(session, target, actor.name, clean)
    target.unit_name, target.credit_code, target.region = (
        clean["unit_name"],
        clean["credit_code"],
        clean["region"],
    )
    session.commit()
    return target


def move_open_applications(session: Session, actor: User, applicant: User, region: str) -> None:
    """Move the applicant's open applications (drafts, and returned ones being mended) to its
    new `region`, where its next submission goes; the move is in each one's history (the
    caller commits).

    What was handed in (submitted, accepted) stays with the bureau that holds it, and so does
    an application whose notice does not serve the new region: no bureau there could take it.
    """
    served = {p.id for _, packets in notices.offered(region) for p in packets}
    moving = [
        a
        for a in session.scalars(
            select(Application).where(Application.owner_id == applicant.id, Application.status.in_(EDITABLE))
        )
        if a.packet_id in served and a.region != region
    ]
    for application in moving:
        session.add(
            ApplicationEvent(
                application_id=application.id,
                actor=actor.name,
                kind="moved",
                comment=f"{application.region} → {region}",
            )
        )
        application.region = region


def change_place(
    session: Session, actor: User, account_id: int, values: Mapping[str, str]
) -> User | list[Problem]:
    """An administrator sets any applicant's or bureau's unit name and region (the users page):
    403 for anyone else, 404 for an account that has neither (an administrator's); the problems
    when a value is wrong. An applicant's 统一社会信用代码 stays (the accounts page changes it)."""
    if actor.role != "admin":
        raise HTTPException(403, NOT_YOURS)
    target = session.get(User, account_id)
    if target is None or target.role not in ("applicant", "bureau"):
        raise HTTPException(404, "找不到该申请人或主管部门账户 / no such applicant or bureau account")
    clean, problems = check_place(values, target.role)
    if problems:
        return problems
    account_log.record_changes(session, target, actor.name, clean)
    target.unit_name, target.region = clean["unit_name"], clean["region"]
    session.commit()
    return target


def _out(user: User) -> AccountOut:
    return AccountOut(
        id=user.id,
        name=user.name,
        email=user.email or "",
        unit_name=user.unit_name,
        credit_code=user.credit_code,
        region=user.region,
        confirmed=user.confirmed,
    )


@router.get("/api/accounts", response_model=list[AccountOut], tags=["api"])
def accounts_api(request: Request) -> Any:
    """The applicant accounts a bureau (its region's) or an admin (all) may change."""
    with portal(request).db() as session:
        actor = require_user(request, session, "bureau", "admin")
        return [_out(u) for u in applicant_accounts(session, actor)]


@router.put("/api/accounts/{account_id}/unit", response_model=AccountOut, tags=["api"])
def change_api(request: Request, account_id: int, body: UnitIn) -> Any:
    """Change an applicant account's unit and region: its region's bureau or an admin only
    (403 for anyone else, the applicant too); 422 naming each wrong field."""
    require_csrf(request, None)
    with portal(request).db() as session:
        actor = require_user(request, session)
        done = change_unit(session, actor, account_id, body.model_dump())
        if isinstance(done, list):
            return JSONResponse({"detail": [p.as_dict() for p in done]}, status_code=422)
        return _out(done)


@router.get("/accounts", include_in_schema=False)
def accounts_page(request: Request) -> Response:
    """The applicant accounts of the bureau's region (every one for an admin), each with a
    form to change its unit and region."""
    with portal(request).db() as session:
        actor = require_user(request, session, "bureau", "admin")
        return render(
            request,
            "accounts.html",
            user=actor,
            accounts=applicant_accounts(session, actor),
            regions=regions(),
            labels=LABELS,
            problems={},
            failed=0,
        )


@router.post("/accounts/{account_id}", include_in_schema=False)
async def change_page(request: Request, account_id: int) -> Response:
    """Change one account from the accounts page; the page again with the problems beside
    that account's fields when a value is wrong."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))
    values = {k: form.get(k) or "" for k in LABELS}

    def work() -> Response:
        with portal(request).db() as session:
            actor = require_user(request, session, "bureau", "admin")
            done = change_unit(session, actor, account_id, values)
            if not isinstance(done, list):
                return RedirectResponse("/accounts", status_code=303)
            return render(
                request,
                "accounts.html",
                422,
                user=actor,
                accounts=applicant_accounts(session, actor),
                regions=regions(),
                labels=LABELS,
                problems={p.path: p.message_zh for p in done},
                failed=account_id,
            )

    return await run_in_threadpool(work)
