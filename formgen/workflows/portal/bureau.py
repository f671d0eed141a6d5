"""The bureau's pages: its region's applications, returning or accepting them, its summary
tables and its bound packet, built from the accepted applications by `formgen.api`."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from formgen import api
from formgen.model.registry import Packet
from formgen.workflows.portal import forms, paper, uploads
from formgen.workflows.portal.db import Application, BureauProfile, User
from formgen.workflows.portal.documents import bureau_data, bureau_packets, documents, own_fields, packet_pdf
from formgen.workflows.portal.web import (
    application_for,
    checked,
    download,
    dumps,
    form_values,
    portal,
    render,
    require_csrf,
    require_user,
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


def profile(session: Session, user: User, packet_id: str) -> BureauProfile:
    """The bureau's own fields of a packet (推荐单位, 联系人…), made empty on first use."""
    found = session.scalar(
        select(BureauProfile).where(BureauProfile.region == user.region, BureauProfile.packet_id == packet_id)
    )
    if found is None:
        found = BureauProfile(region=user.region, packet_id=packet_id, data_json="{}")
        session.add(found)
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
    own = json.loads(profile(session, user, packet.id).data_json)
    return api.check(packet.id, bureau_data(packet, own, accepted))


@router.get("/bureau")
def bureau_page(request: Request) -> Response:
    """The region's applications and the bureau's packets."""
    with portal(request).db() as session:
        user = require_user(request, session, "bureau")
        applications = region_applications(session, user)
        owners = {u.id: u.name for u in session.scalars(select(User))}
        # Only the notices the region's applicants apply under: a 市（州） sees no 区县 packet.
        notices = {api.registry().notice_of(a.packet_id).id for a in applications}
        packets = [p for n in api.registry().notices.values() if n.id in notices for p in bureau_packets(n)]
        states = {p.id: bureau_checked(session, user, p) for p in packets}
        tables = {
            p.id: [
                api.form(part.form_id).file_name for part in p.parts if api.form(part.form_id).kind == "xlsx"
            ]
            for p in packets
        }
        titles = {p.id: p.title for p in api.registry().packets()}
        return render(
            request,
            "bureau.html",
            user=user,
            applications=applications,
            owners=owners,
            packets=packets,
            states=states,
            tables=tables,
            titles=titles,
            problems={a.id: checked(session, a).problems for a in applications},
        )


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
    if user.role != "bureau":
        raise HTTPException(403, "只有主管部门可以审核 / only a bureau reviews")
    if verdict == "accept":
        if application.status != "submitted":
            raise HTTPException(409, "只能受理已提交的申请 / only a submitted application can be accepted")
        application.status = "accepted"
    elif verdict == "return":
        if application.status not in ("submitted", "accepted"):
            raise HTTPException(409, "只能退回已提交的申请 / only a submitted application can be returned")
        if not comment.strip():
            raise HTTPException(422, "退回时请写明原因 / say why it is returned")
        application.status = "returned"
    else:
        raise HTTPException(404, "未知操作 / unknown action")
    application.comment = comment.strip()
    application.version += 1
    session.commit()
    return application


@router.post("/bureau/applications/{application_id}/{verdict}")
async def decide_page(request: Request, application_id: int, verdict: str) -> Response:
    """The review form's buttons: 退回 with a comment, or 受理."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))
    comment = form.get("comment")

    def work() -> None:
        with portal(request).db() as session:
            user = require_user(request, session, "bureau")
            decide(session, user, application_id, verdict, comment if isinstance(comment, str) else "")

    await run_in_threadpool(work)
    return RedirectResponse(f"/bureau/applications/{application_id}", status_code=303)


@router.get("/bureau/packets/{packet_id}/profile")
def profile_page(request: Request, packet_id: str) -> Response:
    """The bureau's own fields of its packet (推荐单位, 联系人, 联系电话)."""
    packet = bureau_packet_of(packet_id)
    with portal(request).db() as session:
        user = require_user(request, session, "bureau")
        data = json.loads(profile(session, user, packet.id).data_json)
        result = bureau_checked(session, user, packet)
        widgets = [forms.widget(packet.model.model_fields[n], n, data) for n in own_fields(packet)]
        for w in widgets:
            forms.place_problems(w, [p for p in result.problems if p.path.startswith(w.path)])
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
    return RedirectResponse(f"/bureau/packets/{packet.id}/profile", status_code=303)


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
    made = packet_pdf(portal(request).gate, packet.id, instance, scans)
    return download(made.content, made.name, made.media_type)
