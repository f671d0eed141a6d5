"""The bureau's pages: its region's applications, returning or accepting them, its summary
tables and its bound packet, built from the accepted applications by `formgen.api`."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from formgen import api
from formgen.data import paths
from formgen.model.registry import Packet
from formgen.workflows.portal import forms, listing, notify, paper, prefill, uploads
from formgen.workflows.portal.db import (
    STATUS_LABELS,
    Application,
    ApplicationEvent,
    BureauProfile,
    Stale,
    User,
    save_application,
)
from formgen.workflows.portal.documents import (
    MEDIA,
    bureau_data,
    bureau_packets,
    documents,
    own_fields,
    packet_pdf,
)
from formgen.workflows.portal.web import (
    application_for,
    checked,
    confirm,
    download,
    dumps,
    form_values,
    portal,
    render,
    require_csrf,
    require_user,
    unit_name,
)

router = APIRouter(include_in_schema=False)


def region_applications(session: Session, user: User) -> list[Application]:
    """The applications of the bureau's own region, newest last."""
    return list(
        session.scalars(select(Application).where(Application.region == user.region).order_by(Application.id))
    )


def bureau_packet_of(packet_id: str) -> Packet:
    """A bureau packet by id; 404 for any other id."""
    for notice in api.registry().notices.values():
        for packet in bureau_packets(notice):
            if packet.id == packet_id:
                return packet
    raise HTTPException(404, "没有这个汇总材料 / no such bureau packet")


def profile(session: Session, user: User, packet_id: str, *, opened: bool = False) -> BureauProfile:
    """The bureau's own fields of a packet (推荐单位, 联系人…), begun on first use with what
    the account knows: its region (市（州）, 区县) and its unit's name (推荐单位).

    When the bureau `opened` its page, a profile begun before (by an earlier version, or before
    an administrator gave the account its unit name) has its empty fields filled the same way:
    what a person typed is never replaced."""
    found = session.scalar(
        select(BureauProfile).where(BureauProfile.region == user.region, BureauProfile.packet_id == packet_id)
    )
    if found is not None and not opened:
        return found
    held = json.loads(found.data_json) if found is not None else {}
    model = api.registry().packet(packet_id).model
    begun = prefill.prefill(model, copy.deepcopy(held), region=user.region, unit=user.unit_name)
    if found is None:
        found = BureauProfile(region=user.region, packet_id=packet_id, data_json=dumps(begun))
        session.add(found)
        session.commit()
    elif begun != held:
        found.data_json = dumps(begun)
        session.commit()
    return found


def bureau_checked(session: Session, user: User, packet: Packet) -> Any:
    """The bureau packet's data from its profile and the accepted applications, checked."""
    accepted = []
    for application in region_applications(session, user):
        if application.status == "accepted":
            result = checked(session, application)
            if result.instance is not None:
                accepted.append(result.instance)
    own = forms.skeleton(packet.model, json.loads(profile(session, user, packet.id).data_json))
    return api.check(packet.id, bureau_data(packet, own, accepted))


@dataclass
class Listed:
    """One row of the bureau's list: a handed-in application as the bureau reads it."""

    application: Application
    unit_name: str
    code: str
    errors: int
    warnings: int


def listed(
    session: Session, user: User, status: str = "", packet_id: str = "", query: str = ""
) -> list[Listed]:
    """The region's handed-in applications (never drafts), filtered by status and packet kind,
    and by a search for the 单位名称 or 统一社会信用代码."""
    rows = []
    for application in region_applications(session, user):
        if application.status == "draft" or (status and application.status != status):
            continue
        if packet_id and application.packet_id != packet_id:
            continue
        name, code = unit_name(application), credit_code(application)
        if query and query.strip().upper() not in f"{name}\n{code}".upper():
            continue
        problems = checked(session, application).problems
        errors = sum(p.severity == "error" for p in problems)
        rows.append(Listed(application, name, code, errors, len(problems) - errors))
    return rows


def credit_code(application: Application) -> str:
    """The applicant's 统一社会信用代码, where the packet has one (its `code_path`)."""
    path = api.registry().packet(application.packet_id).code_path
    found = paths.value_at(application.data, path) if path else None
    return found if isinstance(found, str) else ""


@router.get("/bureau")
def bureau_page(request: Request, status: str = "", packet: str = "", q: str = "") -> Response:
    """The region's handed-in applications, filtered and counted, and the bureau's packets."""
    with portal(request).db() as session:
        user = require_user(request, session, "bureau")
        every = listed(session, user)
        rows = listed(session, user, status, packet, q)
        # Only the notices the region's applicants apply under: a 市（州） sees no 区县 packet.
        notices = {api.registry().notice_of(r.application.packet_id).id for r in every}
        packets = [p for n in api.registry().notices.values() if n.id in notices for p in bureau_packets(n)]
        states = {p.id: bureau_checked(session, user, p) for p in packets}
        titles = {p.id: p.title for p in api.registry().packets()}
        return render(
            request,
            "bureau.html",
            user=user,
            rows=rows,
            counts={s: sum(r.application.status == s for r in every) for s in STATUS_LABELS if s != "draft"},
            total=len(every),
            kinds=sorted({r.application.packet_id for r in every}),
            chosen={"status": status, "packet": packet, "q": q},
            packets=packets,
            states=states,
            tables={p.id: tables_of(p, states[p.id].instance) for p in packets},
            titles=titles,
        )


def tables_of(packet: Packet, instance: Any) -> list[str]:
    """The summary tables (XLSX) a bureau packet's data makes: a table with no rows is none."""
    if instance is None:
        return []
    return [
        api.form(part.form_id).file_name
        for part in packet.parts
        if api.form(part.form_id).kind == "xlsx"
        and api.packet_documents(packet.id, instance, only=part.form_id)
    ]


@router.post("/bureau/accept")
async def bulk_accept_page(request: Request) -> Response:
    """Accept the ticked submitted applications at once, after a confirmation page."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))
    ids = [int(i) for i in form.getlist("ids") if i.isdigit()]

    def work() -> Response:
        with portal(request).db() as session:
            user = require_user(request, session, "bureau")
            chosen = [application_for(session, user, i) for i in ids]
            if not chosen:
                raise HTTPException(422, "请先勾选要受理的申请 / tick the applications to accept")
            if any(a.status != "submitted" for a in chosen):
                raise HTTPException(
                    409, "只能受理已提交的申请 / only a submitted application can be accepted"
                )
            if form.get("confirm") != "1":
                return confirm(
                    request,
                    user,
                    "批量受理",
                    f"确定受理以下{len(chosen)}份申请？",
                    "/bureau/accept",
                    details=[f"第{a.id}号 {unit_name(a) or titles_of(a)}" for a in chosen],
                    fields={"ids": [str(a.id) for a in chosen]},
                    button=f"确定受理{len(chosen)}份",
                    back="/bureau",
                )
            for application in chosen:
                decide(session, user, application.id, "accept", "")
            return RedirectResponse("/bureau?status=accepted", status_code=303)

    return await run_in_threadpool(work)


def titles_of(application: Application) -> str:
    return api.registry().packet(application.packet_id).title


EXPORT_HEADER = ("编号", "单位名称", "统一社会信用代码", "申报材料", "状态", "提交时间", "错误", "提示")


def export_rows(rows: list[Listed]) -> list[tuple[object, ...]]:
    """The list as a table: typed values (numbers as numbers, text as text)."""
    return [
        (
            r.application.id,
            r.unit_name,
            r.code,
            titles_of(r.application),
            STATUS_LABELS[r.application.status],
            r.application.submitted.strftime("%Y-%m-%d %H:%M") if r.application.submitted else "",
            r.errors,
            r.warnings,
        )
        for r in rows
    ]


@router.get("/bureau/export.{kind}")
def export_page(request: Request, kind: str, status: str = "", packet: str = "", q: str = "") -> Response:
    """The list as the page shows it (same filters), as CSV or XLSX."""
    if kind not in ("csv", "xlsx"):
        raise HTTPException(404, "没有这种格式 / no such format")
    with portal(request).db() as session:
        user = require_user(request, session, "bureau")
        rows = export_rows(listed(session, user, status, packet, q))
    name = f"{user.region}-申请列表.{kind}"
    if kind == "csv":
        return download(listing.csv_bytes(EXPORT_HEADER, rows), name, "text/csv; charset=utf-8")
    return download(listing.xlsx_bytes(EXPORT_HEADER, rows), name, MEDIA["xlsx"])


@router.get("/bureau/applications/{application_id}")
def review_page(request: Request, application_id: int) -> Response:
    """One application of the region: its status, problems and documents."""
    with portal(request).db() as session:
        user = require_user(request, session, "bureau")
        application = application_for(session, user, application_id)
        result = checked(session, application)
        packet = api.registry().packet(application.packet_id)
        names = [api.form(part.form_id).file_name for part in packet.parts if part.derive is not None]
        return render(
            request,
            "review.html",
            user=user,
            application=application,
            title=packet.title,
            problems=result.problems,
            documents=names if result.ok else [],
            ok=result.ok,
            paper_check=paper.latest(session, application.id),
        )


def decide(session: Session, user: User, application_id: int, verdict: str, comment: str) -> Application:
    """Return a submitted application with a comment, or accept it."""
    application = application_for(session, user, application_id)
    version = application.version
    if user.role != "bureau":
        raise HTTPException(403, "只有主管部门可以审核 / only a bureau reviews")
    if verdict == "accept":
        if application.status != "submitted":
            raise HTTPException(409, "只能受理已提交的申请 / only a submitted application can be accepted")
        status = "accepted"
    elif verdict == "return":
        if application.status not in ("submitted", "accepted"):
            raise HTTPException(409, "只能退回已提交的申请 / only a submitted application can be returned")
        if not comment.strip():
            raise HTTPException(422, "退回时请写明原因 / say why it is returned")
        status = "returned"
    else:
        raise HTTPException(404, "未知操作 / unknown action")
    notify.status_changed(session, application, status, comment.strip())
    session.add(
        ApplicationEvent(
            application_id=application.id, actor=user.name, kind=verdict, comment=comment.strip()
        )
    )
    try:
        save_application(session, application, version, status=status, comment=comment.strip())
    except Stale:
        message = "申请刚被修改，请刷新后再审核 / the application just changed; reload and review again"
        raise HTTPException(409, message) from None
    return application


VERDICTS = {"accept": "受理", "return": "退回"}


@router.post("/bureau/applications/{application_id}/{verdict}")
async def decide_page(request: Request, application_id: int, verdict: str) -> Response:
    """The review form's buttons, 退回 with a comment or 受理, each after a confirmation page
    (which needs no JavaScript)."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))
    comment = form.get("comment") or ""

    def work() -> Response:
        with portal(request).db() as session:
            user = require_user(request, session, "bureau")
            if verdict in VERDICTS and form.get("confirm") != "1":
                application = application_for(session, user, application_id)
                if verdict == "return" and not comment.strip():
                    raise HTTPException(422, "退回时请写明原因 / say why it is returned")
                name = unit_name(application) or f"第{application.id}号申请"
                return confirm(
                    request,
                    user,
                    f"{VERDICTS[verdict]}申请",
                    f"确定{VERDICTS[verdict]}{name}的申请？",
                    f"/bureau/applications/{application.id}/{verdict}",
                    details=[f"退回意见：{comment.strip()}"] if verdict == "return" else [],
                    fields={"comment": [comment]},
                    button=f"确定{VERDICTS[verdict]}",
                    back=f"/bureau/applications/{application.id}",
                )
            decide(session, user, application_id, verdict, comment)
            return RedirectResponse(f"/bureau/applications/{application_id}", status_code=303)

    return await run_in_threadpool(work)


@router.get("/bureau/packets/{packet_id}/profile")
def profile_page(request: Request, packet_id: str, check: int = 0) -> Response:
    """The bureau's own fields of its packet (推荐单位, 联系人, 联系电话).

    As on an applicant's page, a blank shows no 缺少必填项 until the bureau has saved
    (`?check=1`): only what was typed and is wrong shows at first, each under its own field."""
    packet = bureau_packet_of(packet_id)
    with portal(request).db() as session:
        user = require_user(request, session, "bureau")
        # Opened afresh (not the page a save leads back to, which shows what was saved, emptied
        # fields too): the fields the account can answer and nobody has are filled in.
        data = json.loads(profile(session, user, packet.id, opened=not check).data_json)
        result = bureau_checked(session, user, packet)
        shown = [p for p in result.problems if check or forms.typed(data, p.path)]
        widgets = [forms.widget(packet.model.model_fields[n], n, data) for n in own_fields(packet)]
        for w in widgets:
            forms.place_problems(w, [p for p in shown if p.path.startswith(w.path)])
        return render(request, "profile.html", user=user, packet=packet, widgets=widgets)


@router.post("/bureau/packets/{packet_id}/profile")
async def save_profile_page(request: Request, packet_id: str) -> Response:
    """Save the bureau's own fields."""
    packet = bureau_packet_of(packet_id)
    values = await form_values(request)
    require_csrf(request, values.get("csrf"))

    def work() -> None:
        with portal(request).db() as session:
            user = require_user(request, session, "bureau")
            found = profile(session, user, packet.id)
            data = {
                n: v
                for n in own_fields(packet)
                if (v := forms.read(packet.model.model_fields[n], n, values)) is not None
            }
            found.data_json = dumps(data)
            session.commit()

    await run_in_threadpool(work)
    return RedirectResponse(f"/bureau/packets/{packet.id}/profile?check=1", status_code=303)


def _valid_bureau(session: Session, user: User, packet: Packet) -> Any:
    result = bureau_checked(session, user, packet)
    if not result.ok or result.instance is None:
        first = next(p for p in result.problems if p.severity == "error")
        raise HTTPException(422, f"汇总材料仍有错误 / the bureau packet has errors: {first}")
    return result.instance


@router.get("/bureau/packets/{packet_id}/tables/{name}")
def table_file(request: Request, packet_id: str, name: str) -> Response:
    """A summary table (XLSX) built from the accepted applications."""
    packet = bureau_packet_of(packet_id)
    with portal(request).db() as session:
        instance = _valid_bureau(session, require_user(request, session, "bureau"), packet)
    for made in documents(packet.id, instance, kind="xlsx"):
        if made.name == name:
            return download(made.content, made.name, made.media_type)
    raise HTTPException(404, "没有这个表 / no such table")


@router.get("/bureau/packets/{packet_id}/packet.pdf")
def bureau_packet_file(request: Request, packet_id: str) -> Response:
    """The bound bureau packet of the accepted applications, as `formgen packet` builds it."""
    packet = bureau_packet_of(packet_id)
    with portal(request).db() as session:
        instance = _valid_bureau(session, require_user(request, session, "bureau"), packet)
        scans = uploads.referenced(session, instance.model_dump(mode="json"), portal(request).uploads)
    made = packet_pdf(portal(request).gate, portal(request).pdf, packet.id, instance, scans)
    return download(made.content, made.name, made.media_type)
