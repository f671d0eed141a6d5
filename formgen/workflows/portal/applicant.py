"""The applicant's pages: pick what to apply for, fill it section by section, upload scans,
download the documents, submit. Every change is a draft saved at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from formgen import api
from formgen.data import paths
from formgen.model.problems import Problem
from formgen.workflows.portal import forms, uploads
from formgen.workflows.portal.db import Application, Attachment, User
from formgen.workflows.portal.documents import applicant_packets, documents, packet_pdf
from formgen.workflows.portal.web import (
    application_for,
    attachments_of,
    checked,
    download,
    dumps,
    form_values,
    full_data,
    own_application,
    portal,
    render,
    require_csrf,
    require_user,
)

router = APIRouter(include_in_schema=False)
EDITABLE = ("draft", "returned")


def choices() -> list[tuple[Any, list[Any]]]:
    """Every notice with the packets a submitter may apply with."""
    return [(n, applicant_packets(n)) for n in api.registry().notices.values() if applicant_packets(n)]


def editable_application(session: Session, user: User, application_id: int) -> Application:
    """The applicant's own application while it may change (a draft, or returned); 409 after."""
    application = own_application(session, user, application_id)
    if application.status not in EDITABLE:
        raise HTTPException(409, "申请已提交，不能修改 / the application is submitted and cannot change")
    return application


@router.get("/applications")
def list_page(request: Request) -> Response:
    """The applicant's applications, and what can be applied for."""
    with portal(request).db() as session:
        user = require_user(request, session, "applicant")
        mine = list(
            session.scalars(
                select(Application).where(Application.owner_id == user.id).order_by(Application.id)
            )
        )
        titles = {p.id: p.title for p in api.registry().packets()}
        return render(
            request, "applications.html", user=user, applications=mine, titles=titles, choices=choices()
        )


def create(session: Session, user: User, packet_id: str) -> Application:
    """A new, empty draft of `packet_id` for `user`, in the user's region."""
    if packet_id not in {p.id for _, packets in choices() for p in packets}:
        raise HTTPException(422, f"不能申报 / cannot apply with: {packet_id}")
    application = Application(
        owner_id=user.id, packet_id=packet_id, region=user.region, status="draft", data_json="{}", version=1
    )
    session.add(application)
    session.commit()
    return application


@router.post("/applications")
async def create_page(request: Request) -> Response:
    """Start an application (form post from the list page)."""
    form = await form_values(request)
    require_csrf(request, _text(form.get("csrf")))

    def work() -> int:
        with portal(request).db() as session:
            user = require_user(request, session, "applicant")
            return create(session, user, _text(form.get("packet_id"))).id

    new_id = await run_in_threadpool(work)
    return RedirectResponse(f"/applications/{new_id}/sections/0", status_code=303)


@dataclass
class SectionView:
    """One section of an application, ready for its template."""

    application: Application
    sections: list[forms.Section]
    index: int
    root: forms.Widget | None
    problems: list[Problem]
    placed: list[tuple[str, Problem]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    message: str = ""


def section_view(session: Session, application: Application, index: int, message: str = "") -> SectionView:
    """The inputs of section `index` with the rulebook's problems beside them."""
    model = api.registry().packet(application.packet_id).model
    all_sections = forms.sections(model)
    if not 0 <= index < len(all_sections):
        raise HTTPException(404, "没有这一部分 / no such section")
    section = all_sections[index]
    problems = checked(session, application).problems
    view = SectionView(application, all_sections, index, None, problems, message=message)
    if section.attachments:
        view.attachments = attachments_of(session, application)
        view.placed = [(section.path, p) for p in problems if forms.in_section(section, p)]
    else:
        view.root = forms.section_widget(section, application.data)
        view.placed = forms.place_problems(view.root, [p for p in problems if forms.in_section(section, p)])
    return view


@router.get("/applications/{application_id}/sections/{index}")
def section_page(request: Request, application_id: int, index: int) -> Response:
    """One section of the form, filled with the draft."""
    with portal(request).db() as session:
        user = require_user(request, session)
        application = application_for(session, user, application_id)
        view = section_view(session, application, index)
        return render(request, "section.html", user=user, view=view, title=_title(application))


class Stale(Exception):
    """The draft was saved from another tab since this page was loaded."""


def save_section(
    session: Session, user: User, application_id: int, index: int, form: forms.FormValues
) -> SectionView:
    """Save one section from the submitted form; a row added or removed as asked.

    Refuses (`Stale`) a save made from an older version, so two tabs never overwrite each
    other silently.
    """
    application = editable_application(session, user, application_id)
    if str(application.version) != (form.get("version") or ""):
        raise Stale
    model = api.registry().packet(application.packet_id).model
    all_sections = forms.sections(model)
    if not 0 <= index < len(all_sections) or all_sections[index].attachments:
        raise HTTPException(404, "没有这一部分 / no such section")
    section = all_sections[index]
    data = application.data
    paths.set_at(data, section.path, forms.read_section(section, form))
    _row_action(data, form.get("_action") or "", forms.row_lists(forms.section_widget(section, data)))
    application.data_json = dumps(data)
    application.version += 1
    application.updated = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    session.commit()
    return section_view(session, application, index)


def _row_action(data: dict[str, Any], action: str, tables: set[str]) -> None:
    """`add:<table path>` appends an empty row; `remove:<row path>` takes one out.

    Only the section's own tables (`tables`) are acted on: any other action is refused (422),
    so a crafted one can never write a list where the form has none.
    """
    if not action:
        return
    verb, _, path = action.partition(":")
    parent, _, index = path[:-1].rpartition("[") if path.endswith("]") else ("", "", "")
    if verb == "add" and path in tables:
        rows = paths.value_at(data, path)
        paths.set_at(data, path, [*(rows if isinstance(rows, list) else []), {}])
    elif verb == "remove" and parent in tables and index.isdigit():
        rows = paths.value_at(data, parent)
        if isinstance(rows, list) and int(index) < len(rows):
            del rows[int(index)]
    else:
        raise HTTPException(422, f"本页没有这个操作 / no such action on this page: {action[:100]}")


@router.post("/applications/{application_id}/sections/{index}")
async def save_page(request: Request, application_id: int, index: int) -> Response:
    """Save a section posted by the form itself (without JavaScript), then show it again."""
    values = await form_values(request)
    require_csrf(request, values.get("csrf"))

    def work() -> Response:
        with portal(request).db() as session:
            user = require_user(request, session)
            try:
                view = save_section(session, user, application_id, index, values)
            except Stale:
                application = application_for(session, user, application_id)
                stale = section_view(session, application, index, message=STALE_MESSAGE)
                return render(request, "section.html", 409, user=user, view=stale, title=_title(application))
            goto = values.get("_goto")
            if goto and goto.isdigit():
                return RedirectResponse(f"/applications/{application_id}/sections/{goto}", status_code=303)
            if goto == "summary":
                return RedirectResponse(f"/applications/{application_id}/summary", status_code=303)
            # After adding or removing a row, come back to that list rather than the page's top.
            action = values.get("_action") or ""
            anchor = "#f-" + quote(action.partition(":")[2].split("[")[0]) if action else ""
            return RedirectResponse(
                f"/applications/{view.application.id}/sections/{index}{anchor}", status_code=303
            )

    return await run_in_threadpool(work)


STALE_MESSAGE = (
    "此申请已在另一个窗口中修改，本页未保存。请核对后重新填写。"
    " / This application was changed in another tab; this page was not saved."
)


def _title(application: Application) -> str:
    return api.registry().packet(application.packet_id).title


def _text(value: Any) -> str:
    """A form value as text; a file where text was expected counts as empty."""
    return value if isinstance(value, str) else ""


@router.get("/applications/{application_id}/summary")
def summary_page(request: Request, application_id: int) -> Response:
    """Every problem before submitting; errors block, warnings (原则上) do not."""
    with portal(request).db() as session:
        user = require_user(request, session)
        application = application_for(session, user, application_id)
        result = checked(session, application)
        all_sections = forms.sections(api.registry().packet(application.packet_id).model)
        located = [
            (p, next((n for n, s in enumerate(all_sections) if forms.in_section(s, p)), 0))
            for p in result.problems
        ]
        return render(
            request,
            "summary.html",
            user=user,
            application=application,
            title=_title(application),
            problems=located,
            ok=result.ok,
            documents=_document_names(application) if result.ok else [],
        )


def _document_names(application: Application) -> list[str]:
    packet = api.registry().packet(application.packet_id)
    return [api.form(part.form_id).file_name for part in packet.parts if part.derive is not None]


def submit(session: Session, user: User, application_id: int) -> Application:
    """Hand the application in: refused (422) while the rulebook finds an error."""
    application = editable_application(session, user, application_id)
    if not checked(session, application).ok:
        raise HTTPException(422, "仍有错误，不能提交 / errors remain; it cannot be submitted")
    application.status = "submitted"
    application.version += 1
    session.commit()
    return application


@router.post("/applications/{application_id}/submit")
async def submit_page(request: Request, application_id: int) -> Response:
    """Submit from the summary page."""
    form = await form_values(request)
    require_csrf(request, _text(form.get("csrf")))

    def work() -> None:
        with portal(request).db() as session:
            submit(session, require_user(request, session), application_id)

    await run_in_threadpool(work)
    return RedirectResponse(f"/applications/{application_id}/summary", status_code=303)


@router.post("/applications/{application_id}/attachments")
async def upload_page(request: Request, application_id: int) -> Response:
    """Upload one scan with its title (PDF, JPG, PNG, TIFF; at most 20 MB)."""
    form = await request.form()
    require_csrf(request, _text(form.get("csrf")))
    upload = form.get("file")
    title = _text(form.get("title")).strip()
    content = await upload.read(uploads.MAX_UPLOAD + 1) if isinstance(upload, UploadFile) else b""
    filename = (upload.filename or "") if isinstance(upload, UploadFile) else ""
    await form.close()

    def work() -> Response:
        with portal(request).db() as session:
            user = require_user(request, session)
            application = editable_application(session, user, application_id)
            if not title:
                raise HTTPException(422, "请填写材料名称 / give the attachment a title")
            if len(content) > uploads.MAX_UPLOAD:
                raise HTTPException(413, "文件超过20MB / the file is larger than 20 MB")
            try:
                stored = uploads.store(session, content, filename)
            except uploads.UploadRefused as exc:
                raise HTTPException(422, str(exc)) from None
            session.add(
                Attachment(
                    application_id=application.id,
                    title=title[:200],
                    stored_name=stored.name,
                    media_type=stored.media_type,
                    size=stored.size,
                )
            )
            application.version += 1
            session.commit()
            index = next(n for n, s in enumerate(forms.sections(_model(application))) if s.attachments)
            if request.headers.get("accept", "").startswith("application/json"):
                return JSONResponse({"ok": True, "version": application.version})
            return RedirectResponse(f"/applications/{application.id}/sections/{index}", status_code=303)

    return await run_in_threadpool(work)


def _model(application: Application) -> Any:
    return api.registry().packet(application.packet_id).model


@router.post("/applications/{application_id}/attachments/{attachment_id}/delete")
async def delete_upload_page(request: Request, application_id: int, attachment_id: int) -> Response:
    """Take a scan out of the application."""
    form = await form_values(request)
    require_csrf(request, _text(form.get("csrf")))

    def work() -> Response:
        with portal(request).db() as session:
            user = require_user(request, session)
            application = editable_application(session, user, application_id)
            found = session.get(Attachment, attachment_id)
            if found is None or found.application_id != application.id:
                raise HTTPException(404, "找不到该附件 / no such attachment")
            uploads.remove(session, found.stored_name, portal(request).uploads)
            session.delete(found)
            application.version += 1
            session.commit()
            index = next(n for n, s in enumerate(forms.sections(_model(application))) if s.attachments)
            return RedirectResponse(f"/applications/{application.id}/sections/{index}", status_code=303)

    return await run_in_threadpool(work)


@router.get("/applications/{application_id}/attachments/{attachment_id}")
def attachment_file(request: Request, application_id: int, attachment_id: int) -> Response:
    """One uploaded scan, as a download."""
    with portal(request).db() as session:
        application = application_for(session, require_user(request, session), application_id)
        found = session.get(Attachment, attachment_id)
        if found is None or found.application_id != application.id:
            raise HTTPException(404, "找不到该附件 / no such attachment")
        content = uploads.read(session, found.stored_name, portal(request).uploads)
        if content is None:
            raise HTTPException(404, "附件文件已不存在 / the attachment's file is gone")
        return download(
            content, found.title + found.stored_name[found.stored_name.rindex(".") :], found.media_type
        )


def valid_instance(session: Session, application: Application) -> Any:
    """The application's data as a valid model instance; 422 naming the errors otherwise."""
    result = checked(session, application)
    if not result.ok or result.instance is None:
        first = next(p for p in result.problems if p.severity == "error")
        raise HTTPException(
            422, f"数据仍有错误，不能生成文件 / errors remain, no document can be made: {first}"
        )
    return result.instance


@router.get("/applications/{application_id}/documents/{name}")
def document_file(request: Request, application_id: int, name: str) -> Response:
    """One filled DOCX/XLSX of the application; a blank form while the data has errors."""
    with portal(request).db() as session:
        application = application_for(session, require_user(request, session), application_id)
        result = checked(session, application)
        if result.ok and result.instance is not None:
            for made in documents(application.packet_id, result.instance):
                if made.name == name:
                    return download(made.content, made.name, made.media_type)
        packet = api.registry().packet(application.packet_id)
        for part in packet.parts:
            form = api.form(part.form_id)
            if form.file_name == name:
                return download(api.render_blank(form.id), "blank-" + name, "application/octet-stream")
        raise HTTPException(404, "没有这个文件 / no such document")


@router.get("/applications/{application_id}/packet.pdf")
def packet_file(request: Request, application_id: int) -> Response:
    """The packet's print file: a preview while a draft, the packet once submitted."""
    with portal(request).db() as session:
        application = application_for(session, require_user(request, session), application_id)
        instance = valid_instance(session, application)
        scans = uploads.referenced(session, full_data(session, application), portal(request).uploads)
    made = packet_pdf(portal(request).gate, application.packet_id, instance, scans)
    name = made.name if application.status != "draft" else "preview-" + made.name
    return download(made.content, name, made.media_type)
