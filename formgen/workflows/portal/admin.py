"""The administrator's page of notices: which regions each serves and its closing date."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from formgen import api
from formgen.workflows.portal import notices
from formgen.workflows.portal.web import form_values, portal, render, require_csrf, require_user

router = APIRouter(include_in_schema=False)


@router.get("/admin/notices")
def notices_page(request: Request) -> Response:
    """Every notice with its regions and closing date, each date editable."""
    with portal(request).db() as session:
        user = require_user(request, session, "admin")
        return render(
            request,
            "notices.html",
            user=user,
            notices=list(api.registry().notices.values()),
            closes=notices.closing_dates(session),
        )


@router.post("/admin/notices/{notice_id}")
async def closes_page(request: Request, notice_id: str) -> Response:
    """Set a notice's closing date (a date), or clear it (empty)."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))
    text = (form.get("closes") or "").strip()
    try:
        last = dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise HTTPException(422, "截止日期应为日期，如2023-02-17 / the closing date must be a date") from None

    def work() -> None:
        with portal(request).db() as session:
            require_user(request, session, "admin")
            try:
                notices.set_closes(session, notice_id, last)
            except ValueError as exc:
                raise HTTPException(404, str(exc)) from None

    await run_in_threadpool(work)
    return RedirectResponse("/admin/notices", status_code=303)
