"""The administrator's pages for bringing a notice in: upload its annexes, review the draft
beside the paper, publish it for regions. The work is `notice_drafts`'; these pages only
gather what the administrator sends and show the outcome. The drafting and the pictures of the
blanks are done by the portal's worker processes (`pdf_pool.PdfPool.run`), below its priority."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from formgen.pdf import convert
from formgen.workflows.portal import notice_drafts, notices
from formgen.workflows.portal.db import DRAFT_STATUSES, NoticeDraft, User
from formgen.workflows.portal.notice_drafts import CHOOSABLE, COLUMN_TYPES, TYPE_LABELS, DraftRefused
from formgen.workflows.portal.uploads import MAX_UPLOAD
from formgen.workflows.portal.web import form_values, portal, render, require_csrf, require_user

router = APIRouter(include_in_schema=False)


def _drafts_page(
    request: Request, session: Session, user: User, message: str = "", code: int = 200
) -> Response:
    drafts = list(session.scalars(select(NoticeDraft).order_by(NoticeDraft.id)))
    titles = {d.id: notice_drafts.notice_spec(d).title for d in drafts}
    return render(
        request,
        "drafts.html",
        code,
        user=user,
        drafts=drafts,
        titles=titles,
        statuses=DRAFT_STATUSES,
        message=message,
        max_files=notice_drafts.MAX_FILES,
    )


@router.get("/admin/drafts")
def drafts_page(request: Request) -> Response:
    """Every notice brought in, and the form to upload a new one's annexes."""
    with portal(request).db() as session:
        user = require_user(request, session, "admin")
        return _drafts_page(request, session, user)


@router.post("/admin/drafts")
async def upload_page(request: Request) -> Response:
    """Draft a notice from the uploaded annexes; the review page next."""
    with portal(request).db() as session:
        require_user(request, session, "admin")  # before a byte of the files is read
    form = await request.form()
    try:
        csrf = form.get("csrf")
        require_csrf(request, csrf if isinstance(csrf, str) else None)
        notice_id = form.get("notice_id")
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        sent = [(f.filename or "", await f.read(MAX_UPLOAD + 1)) for f in files]
    finally:
        await form.close()

    def work() -> Response:
        with portal(request).db() as session, portal(request).gate.enter():
            user = require_user(request, session, "admin")
            try:
                chosen = notice_id if isinstance(notice_id, str) else ""
                draft = notice_drafts.create(session, sent, chosen, portal(request).pdf.run)
            except DraftRefused as exc:
                session.rollback()
                return _drafts_page(request, session, user, str(exc), 422)
            except convert.ConversionError as exc:
                session.rollback()
                why = _failed(
                    "未能起草，请稍后重新上传", "nothing was drafted; upload the files again shortly", exc
                )
                return _drafts_page(request, session, user, why, 503)
            return RedirectResponse(f"/admin/drafts/{draft.id}", status_code=303)

    return await run_in_threadpool(work)


def _failed(zh: str, en: str, exc: convert.ConversionError) -> str:
    """What the administrator reads when a worker process died under the drafting, or its
    LibreOffice could not open the files: what was lost, what to do, and the reason."""
    reason_zh, _, reason_en = str(exc).partition(" / ")
    return f"{zh}（{reason_zh}） / {en} ({reason_en or reason_zh})"


def _draft(session: Session, draft_id: int) -> NoticeDraft:
    found = session.get(NoticeDraft, draft_id)
    if found is None:
        raise HTTPException(404, "找不到该通知草稿 / no such draft")
    return found


def _review_page(
    request: Request, session: Session, user: User, draft: NoticeDraft, message: str = "", code: int = 200
) -> Response:
    return render(
        request,
        "draft.html",
        code,
        user=user,
        draft=draft,
        spec=notice_drafts.notice_spec(draft),
        forms=notice_drafts.forms_of(session, draft),
        problems=notice_drafts.problems(draft),
        regions=notice_drafts.regions(draft),
        known_regions=notices.known_regions(),
        types=[(t, TYPE_LABELS[t]) for t in CHOOSABLE],
        column_types=[(t, "下拉选择" if t == "choice" else TYPE_LABELS[t]) for t in COLUMN_TYPES],
        type_labels=TYPE_LABELS,
        statuses=DRAFT_STATUSES,
        today=dt.date.today(),
        message=message,
    )


@router.get("/admin/drafts/{draft_id}")
def review_page(request: Request, draft_id: int, saved: int = 0) -> Response:
    """The paper of each form beside its detected fields, to correct; then publishing."""
    with portal(request).db() as session:
        user = require_user(request, session, "admin")
        message = "修改已保存：草稿已按修改重新生成并检查。" if saved else ""
        return _review_page(request, session, user, _draft(session, draft_id), message)


@router.get("/admin/drafts/{draft_id}/pages/{form}/{number}")
def page_image(request: Request, draft_id: int, form: str, number: int) -> Response:
    """A page of a form's blank, as a picture."""
    with portal(request).db() as session:
        require_user(request, session, "admin")
        found = notice_drafts.page(session, draft_id, form, number)
    if found is None:
        raise HTTPException(404, "没有这一页 / no such page")
    return Response(found, media_type="image/png")


@router.post("/admin/drafts/{draft_id}/review")
async def save_review_page(request: Request, draft_id: int) -> Response:
    """Save the corrections: the draft is made again with them and checked."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))

    def work() -> Response:
        with portal(request).db() as session, portal(request).gate.enter():
            user = require_user(request, session, "admin")
            draft = _draft(session, draft_id)
            try:
                notice_drafts.save_review(session, draft, form, portal(request).pdf.run)
            except DraftRefused as exc:
                session.rollback()
                return _review_page(request, session, user, _draft(session, draft_id), str(exc), 422)
            except convert.ConversionError as exc:
                session.rollback()
                why = _failed(
                    "修改未能保存，请稍后再试", "the corrections were not saved; try again shortly", exc
                )
                return _review_page(request, session, user, _draft(session, draft_id), why, 503)
            return RedirectResponse(f"/admin/drafts/{draft_id}?saved=1", status_code=303)

    return await run_in_threadpool(work)


@router.post("/admin/drafts/{draft_id}/publish")
async def publish_page(request: Request, draft_id: int) -> Response:
    """Publish the notice for the regions chosen."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))
    text = {k: (form.get(k) or "").strip() for k in ("title", "issuer", "doc_number", "date", "closes")}
    chosen = [r for r in form.getlist("regions") if r.strip()]

    def work() -> Response:
        with portal(request).db() as session:
            user = require_user(request, session, "admin")
            draft = _draft(session, draft_id)
            try:
                publication = notice_drafts.Publication(
                    text["title"],
                    text["issuer"],
                    text["doc_number"],
                    _date(text["date"], "发文日期") or dt.date.today(),
                    chosen,
                    _date(text["closes"], "申报截止日期"),
                )
                notice_drafts.publish(session, draft, publication)
            except DraftRefused as exc:
                session.rollback()
                return _review_page(request, session, user, _draft(session, draft_id), str(exc), 422)
            return RedirectResponse("/admin/drafts", status_code=303)

    return await run_in_threadpool(work)


def _date(text: str, label: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise DraftRefused(f"{label}应为日期，如2024-03-15 / {label} must be a date") from None
