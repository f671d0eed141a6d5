"""The applicant's pages: pick what to apply for, fill it section by section, upload scans,
download the documents, submit. Every change is a draft saved at once."""

from __future__ import annotations

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
from formgen.workflows.portal import forms, notices, notify, uploads
from formgen.workflows.portal.db import (
    EDITABLE,
    Application,
    ApplicationEvent,
    Attachment,
    Stale,
    User,
    now,
    save_application,
    touch_application,
)
from formgen.workflows.portal.documents import documents, packet_pdf
from formgen.workflows.portal.named_scans import NamedScan, named_scans
from formgen.workflows.portal.sessions import reads_session_in_thread
from formgen.workflows.portal.web import (
    application_for,
    attachments_of,
    checked,
    confirm,
    download,
    dumps,
    form_values,
    full_data,
    own_application,
    portal,
    render,
    require_csrf,
    require_user,
    unit_name,
)

router = APIRouter(include_in_schema=False)


def choices(user: User) -> list[tuple[Any, list[Any]]]:
    """The notices that serve the applicant's region, with the packets one may apply with."""
    return notices.offered(user.region)


def editable_application(session: Session, user: User, application_id: int) -> Application:
    """The applicant's own application while it may change (a draft, or returned); 409 after."""
    application = own_application(session, user, application_id)
    if application.status not in EDITABLE:
        raise HTTPException(409, "申请已提交，不能修改 / the application is submitted and cannot change")
    return application


@router.get("/applications")
def list_page(request: Request) -> Response:
    """The applicant's applications, and what can be applied for (the region's notices)."""
    with portal(request).db() as session:
        user = require_user(request, session, "applicant")
        mine = list(
            session.scalars(
                select(Application).where(Application.owner_id == user.id).order_by(Application.id)
            )
        )
        titles = {p.id: p.title for p in api.registry().packets()}
        offered = choices(user)
        return render(
            request,
            "applications.html",
            user=user,
            applications=mine,
            titles=titles,
            choices=offered,
            closes=notices.closing_dates(session),
            closed={n.id for n, _ in offered if notices.is_closed(session, n.id)},
            drafts={a.packet_id for a in mine if a.status == "draft"},
            names={a.id: unit_name(a) for a in mine},
        )


class AlreadyDrafted(Exception):
    """The applicant has a draft of this packet: open it, or ask for another one explicitly."""

    def __init__(self, existing: Application) -> None:
        super().__init__(existing.id)
        self.existing = existing


def create(session: Session, user: User, packet_id: str, *, another: bool = False) -> Application:
    """A new, empty draft of `packet_id` for `user`, in the user's region.

    Only a packet of a notice serving the user's region, and not after its closing date.
    `AlreadyDrafted` when a draft of the same packet exists, unless `another` is asked for:
    a second click on 申报 opens the draft instead of making one that cannot be told apart.
    """
    offered = {p.id: n for n, packets in choices(user) for p in packets}
    if packet_id not in offered:
        raise HTTPException(422, f"本地区不能申报此项 / not offered in the region: {packet_id}")
    if notices.is_closed(session, offered[packet_id].id):
        raise HTTPException(409, "申报已截止 / the notice is closed")
    existing = session.scalar(
        select(Application)
        .where(
            Application.owner_id == user.id, Application.packet_id == packet_id, Application.status == "draft"
        )
        .order_by(Application.id)
    )
    if existing is not None and not another:
        raise AlreadyDrafted(existing)
    application = Application(
        owner_id=user.id, packet_id=packet_id, region=user.region, status="draft", data_json="{}", version=1
    )
    session.add(application)
    session.commit()
    return application


@router.post("/applications")
async def create_page(request: Request) -> Response:
    """Start an application (form post from the list page); an existing draft opens instead."""
    form = await form_values(request)
    require_csrf(request, _text(form.get("csrf")))

    def work() -> int:
        with portal(request).db() as session:
            user = require_user(request, session, "applicant")
            try:
                return create(
                    session, user, _text(form.get("packet_id")), another=form.get("another") == "1"
                ).id
            except AlreadyDrafted as exc:
                return exc.existing.id

    new_id = await run_in_threadpool(work)
    return RedirectResponse(f"/applications/{new_id}/sections/0", status_code=303)


@router.post("/applications/{application_id}/delete")
async def delete_page(request: Request, application_id: int) -> Response:
    """Delete a draft, after a confirmation page (which needs no JavaScript)."""
    form = await form_values(request)
    require_csrf(request, _text(form.get("csrf")))

    def work() -> Response:
        with portal(request).db() as session:
            user = require_user(request, session, "applicant")
            application = own_application(session, user, application_id)
            if application.status != "draft":
                raise HTTPException(409, "只能删除草稿 / only a draft can be deleted")
            if form.get("confirm") != "1":
                return confirm(
                    request,
                    user,
                    "删除草稿",
                    f"确定删除第{application.id}号草稿（{_title(application)}{_named(application)}）？删除后不能恢复。",
                    f"/applications/{application.id}/delete",
                    button="确定删除",
                    back="/applications",
                )
            for found in attachments_of(session, application):
                uploads.remove(session, found.stored_name, portal(request).uploads)
                session.delete(found)
            session.flush()  # the scans' rows go before the application they point to
            session.delete(application)
            session.commit()
            return RedirectResponse("/applications", status_code=303)

    return await run_in_threadpool(work)


def _named(application: Application) -> str:
    name = unit_name(application)
    return f"，{name}" if name else ""


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
    progress: list[str] = field(default_factory=list)
    """Each section's state for the step list: done, problems or empty (not started)."""
    checked: bool = False
    """Whether every problem of the section is shown (the user tried to go on), not only
    those of the fields already filled in."""
    named: list[NamedScan] = field(default_factory=list)
    """On the upload page: the scans the documents name (其他附件材料), each with its upload."""
    upload_error: str = ""
    """Why the last upload was refused (the page shown again without its script)."""
    upload_title: str = ""


def section_view(
    session: Session,
    application: Application,
    index: int,
    message: str = "",
    typed: forms.FormValues | None = None,
    *,
    check: bool = False,
) -> SectionView:
    """The inputs of section `index` with the rulebook's problems beside them.

    With `typed` (a save refused as stale) the inputs show what the user typed, not the stored
    draft, so a conflict never throws away what is on the page.

    A new page shows no 缺少必填项 for fields nobody has reached yet: only the problems of
    what was typed, unless `check` (the user tried to go on, or the page's script asks for
    every problem to show each one as its field is left)."""
    model = api.registry().packet(application.packet_id).model
    all_sections = forms.sections(model)
    if not 0 <= index < len(all_sections):
        raise HTTPException(404, "没有这一部分 / no such section")
    section = all_sections[index]
    uploaded = attachments_of(session, application) if section.attachments else None
    data = full_data(session, application, uploaded)
    problems = api.check(application.packet_id, data).problems
    view = SectionView(application, all_sections, index, None, problems, message=message, checked=check)
    view.progress = [forms.progress(s, data, problems) for s in all_sections]
    own = [p for p in problems if forms.in_section(section, p) and (check or forms.typed(data, p.path))]
    if uploaded is not None:
        view.attachments = uploaded
        view.named = named_scans(model, application.data, view.attachments)
        view.placed = [(section.path, p) for p in own]
    else:
        shown = application.data
        if typed is not None:
            paths.set_at(shown, section.path, forms.read_section(section, typed))
        view.root = forms.section_widget(section, shown, api.packet_guidance(application.packet_id))
        view.placed = forms.place_problems(view.root, own)
    return view


@router.get("/applications/{application_id}/sections/{index}")
def section_page(
    request: Request, application_id: int, index: int, check: int = 0, remove: str = ""
) -> Response:
    """One section of the form, filled with the draft (`?check=1`: with every problem;
    `?remove=<row path>`: that row asks whether to delete it)."""
    with portal(request).db() as session:
        user = require_user(request, session)
        application = application_for(session, user, application_id)
        view = section_view(session, application, index, check=bool(check))
        view.upload_title = request.query_params.get("title", "")[:200]  # 上传此项 names the scan
        return render(
            request, "section.html", user=user, view=view, title=_title(application), removing=remove
        )


def save_section(
    session: Session, user: User, application_id: int, index: int, form: forms.FormValues
) -> SectionView:
    """Save one section from the submitted form; a row added or removed as asked.

    Refuses (`Stale`) a save made from an older version, so two tabs never overwrite each
    other silently.
    """
    application = editable_application(session, user, application_id)
    version = form.get("version") or ""
    if not version.isdigit():
        raise Stale
    model = api.registry().packet(application.packet_id).model
    all_sections = forms.sections(model)
    if not 0 <= index < len(all_sections) or all_sections[index].attachments:
        raise HTTPException(404, "没有这一部分 / no such section")
    section = all_sections[index]
    data = application.data
    paths.set_at(data, section.path, forms.read_section(section, form))
    _row_action(data, form.get("_action") or "", forms.row_lists(forms.section_widget(section, data)))
    save_application(session, application, int(version), data_json=dumps(data))
    return section_view(session, application, index, check=True)


def _row_action(data: dict[str, Any], action: str, tables: set[str]) -> None:
    """`add:<table path>` appends an empty row; `remove:<row path>` takes one out;
    `ask-remove:<row path>` changes nothing (the row asks first).

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
    elif verb == "ask-remove" and parent in tables and index.isdigit():
        return  # the row only asks first (the page shows its confirmation); nothing changes yet
    elif verb == "remove" and parent in tables and index.isdigit():
        rows = paths.value_at(data, parent)
        if isinstance(rows, list) and int(index) < len(rows):
            del rows[int(index)]
    else:
        raise HTTPException(422, f"本页没有这个操作 / no such action on this page: {action[:100]}")


@router.post("/applications/{application_id}/sections/{index}")
@reads_session_in_thread
async def save_page(request: Request, application_id: int, index: int) -> Response:
    """Save a section posted by the form itself (without JavaScript), then show it again."""
    values = await form_values(request)

    def work() -> Response:
        require_csrf(request, values.get("csrf"))
        with portal(request).db() as session:
            user = require_user(request, session)
            try:
                view = save_section(session, user, application_id, index, values)
            except Stale:
                application = application_for(session, user, application_id)
                stale = section_view(session, application, index, STALE_MESSAGE, typed=values)
                return render(
                    request,
                    "section.html",
                    409,
                    user=user,
                    view=stale,
                    title=_title(application),
                    removing="",
                )
            goto = values.get("_goto")
            if goto and any(p.severity == "error" for _, p in view.placed):
                # Going on from a section with errors: stay, with every problem shown and listed.
                return RedirectResponse(
                    f"/applications/{application_id}/sections/{index}?check=1#problems", status_code=303
                )
            if goto and goto.isdigit():
                return RedirectResponse(f"/applications/{application_id}/sections/{goto}", status_code=303)
            if goto == "summary":
                return RedirectResponse(f"/applications/{application_id}/summary", status_code=303)
            # After adding or removing a row, come back to that list rather than the page's top;
            # 删除此行 first asks, on the row itself (a confirmation that needs no script).
            verb, _, target = (values.get("_action") or "").partition(":")
            page = f"/applications/{view.application.id}/sections/{index}"
            if verb == "ask-remove":
                return RedirectResponse(
                    f"{page}?remove={quote(target)}#confirm-f-{quote(target)}", status_code=303
                )
            anchor = "#f-" + quote(target.split("[")[0]) if target else ""
            return RedirectResponse(f"{page}{anchor}", status_code=303)

    return await run_in_threadpool(work)


STALE_MESSAGE = (
    "此申请已在另一个窗口中修改，本页的修改尚未保存。您输入的内容仍在本页："
    "核对后再次点击保存，将以本页内容为准；如要保留另一窗口的修改，请先复制本页内容，再刷新页面。"
    " / This application was changed in another tab; this page was not saved. What you typed is"
    " still here: save again to keep it, or copy it and reload to see the other tab's changes."
)


def _title(application: Application) -> str:
    return api.registry().packet(application.packet_id).title


def _text(value: Any) -> str:
    """A form value as text; a file where text was expected counts as empty."""
    return value if isinstance(value, str) else ""


@router.get("/applications/{application_id}/summary")
def summary_page(request: Request, application_id: int) -> Response:
    """The review before submitting: every answer as it will print, section by section, each
    with a link to change it, and every problem with a link landing on its field; errors
    block, warnings (原则上) do not."""
    with portal(request).db() as session:
        user = require_user(request, session)
        application = application_for(session, user, application_id)
        data = full_data(session, application)
        result = api.check(application.packet_id, data)
        answers: list[tuple[int, forms.Section, forms.Widget | None]] = []
        located: list[tuple[Problem, str]] = []
        for n, section in enumerate(forms.sections(api.registry().packet(application.packet_id).model)):
            own = [p for p in result.problems if forms.in_section(section, p)]
            page = f"/applications/{application.id}/sections/{n}?check=1"
            if section.attachments:
                answers.append((n, section, None))
                located += [(p, f"{page}#attachments") for p in own]
                continue
            root = forms.section_widget(section, application.data)
            answers.append((n, section, root))
            located += [(p, f"{page}#f-{quote(target)}") for target, p in forms.place_problems(root, own)]
        sections = [s for _, s, _ in answers]
        located += [
            (p, f"/applications/{application.id}/sections/0?check=1")
            for p in result.problems
            if not any(forms.in_section(s, p) for s in sections)
        ]
        return render(
            request,
            "summary.html",
            user=user,
            application=application,
            title=_title(application),
            problems=located,
            answers=answers,
            attachments=attachments_of(session, application),
            ok=result.ok,
            documents=_document_names(application) if result.ok else [],
            closes=notices.closes(session, api.registry().notice_of(application.packet_id).id),
        )


def _document_names(application: Application) -> list[str]:
    packet = api.registry().packet(application.packet_id)
    return [api.form(part.form_id).file_name for part in packet.parts if part.derive is not None]


def submit(session: Session, user: User, application_id: int) -> Application:
    """Hand the application in: refused (422) while the rulebook finds an error, (409) after
    the notice's closing date. A receipt number is given; a return's comment is cleared (the
    history keeps it)."""
    application = editable_application(session, user, application_id)
    if notices.is_closed(session, api.registry().notice_of(application.packet_id).id):
        raise HTTPException(409, "申报已截止，不能提交 / the notice is closed")
    if not checked(session, application).ok:
        raise HTTPException(422, "仍有错误，不能提交 / errors remain; it cannot be submitted")
    moment = now()
    notify.status_changed(session, application, "submitted")
    session.add(ApplicationEvent(application_id=application.id, at=moment, actor=user.name, kind="submitted"))
    try:
        save_application(
            session,
            application,
            application.version,
            status="submitted",
            submitted=moment,
            receipt=f"{moment:%Y%m%d}-{application.id:06d}-{application.version + 1}",
            comment="",
        )
    except Stale:
        raise HTTPException(409, STALE_MESSAGE) from None
    return application


@router.post("/applications/{application_id}/submit")
async def submit_page(request: Request, application_id: int) -> Response:
    """Submit from the review page, after a confirmation page (which needs no JavaScript);
    the receipt follows."""
    form = await form_values(request)
    require_csrf(request, _text(form.get("csrf")))

    def work() -> Response:
        with portal(request).db() as session:
            user = require_user(request, session)
            if form.get("confirm") != "1":
                application = editable_application(session, user, application_id)
                return confirm(
                    request,
                    user,
                    "提交申请",
                    (
                        f"确定提交第{application.id}号申请（{_title(application)}{_named(application)}）？"
                        "提交后不能修改，除非主管部门退回。"
                    ),
                    f"/applications/{application.id}/submit",
                    button="确定提交",
                    back=f"/applications/{application.id}/summary",
                )
            submit(session, user, application_id)
            return RedirectResponse(f"/applications/{application_id}/receipt", status_code=303)

    return await run_in_threadpool(work)


@router.get("/applications/{application_id}/receipt")
def receipt_page(request: Request, application_id: int) -> Response:
    """The receipt of the last submission: its number, time, what was sent, a download."""
    with portal(request).db() as session:
        user = require_user(request, session)
        application = application_for(session, user, application_id)
        if application.submitted is None:
            raise HTTPException(404, "尚未提交 / not submitted yet")
        return render(
            request,
            "receipt.html",
            user=user,
            application=application,
            title=_title(application),
            unit=unit_name(application),
            documents=_document_names(application),
            attachments=attachments_of(session, application),
        )


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
            try:
                if not title:
                    raise HTTPException(422, "请填写材料名称 / give the attachment a title")
                if len(content) > uploads.MAX_UPLOAD:
                    raise HTTPException(413, "文件超过20MB / the file is larger than 20 MB")
                try:
                    stored = uploads.store(session, content, filename)
                except uploads.UploadRefused as exc:
                    raise HTTPException(422, str(exc)) from None
            except HTTPException as refused:
                if request.headers.get("accept", "").startswith("application/json"):
                    raise
                # Without the page's script: the upload page again, the refusal beside the form.
                return _upload_refused(request, session, user, application, refused, title)
            session.add(
                Attachment(
                    application_id=application.id,
                    title=title[:200],
                    stored_name=stored.name,
                    media_type=stored.media_type,
                    size=stored.size,
                )
            )
            touch_application(session, application)
            index = next(n for n, s in enumerate(forms.sections(_model(application))) if s.attachments)
            if request.headers.get("accept", "").startswith("application/json"):
                return JSONResponse({"ok": True, "version": application.version})
            return RedirectResponse(f"/applications/{application.id}/sections/{index}", status_code=303)

    return await run_in_threadpool(work)


def _upload_refused(
    request: Request,
    session: Session,
    user: User,
    application: Application,
    refused: HTTPException,
    title: str,
) -> Response:
    """The upload page with `refused`'s reason shown as an error of the upload form."""
    index = next(n for n, s in enumerate(forms.sections(_model(application))) if s.attachments)
    view = section_view(session, application, index)
    view.upload_error = str(refused.detail).split(" / ")[0]
    view.upload_title = title
    return render(
        request,
        "section.html",
        refused.status_code,
        user=user,
        view=view,
        title=_title(application),
        removing="",
    )


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
            touch_application(session, application)
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
    made = packet_pdf(portal(request).gate, portal(request).pdf, application.packet_id, instance, scans)
    name = made.name if application.status != "draft" else "preview-" + made.name
    return download(made.content, name, made.media_type)
