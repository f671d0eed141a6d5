"""The admin's mail log: every letter the portal queued, sent, failed to send or, without an
SMTP server, only logged, with each attempt's error; a failed letter can be sent again."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select, update

from formgen.workflows.portal.db import Mail, now
from formgen.workflows.portal.letters import beijing_time
from formgen.workflows.portal.outbox import outbox_of
from formgen.workflows.portal.web import form_values, portal, render, require_csrf, require_user

router = APIRouter(include_in_schema=False)

SHOWN = 200
"""The newest letters the page lists."""
STATUS_LABELS = {
    "queued": "待发送",
    "sending": "发送中",
    "sent": "已发送",
    "failed": "发送失败",
    "logged": "未发送（未配置邮件服务器）",
}


@router.get("/admin/mail")
def mail_log_page(request: Request) -> Response:
    """The newest letters, newest first, each with its text."""
    with portal(request).db() as session:
        admin = require_user(request, session, "admin")
        letters = list(session.scalars(select(Mail).order_by(Mail.id.desc()).limit(SHOWN)))
        return render(
            request,
            "mail_log.html",
            user=admin,
            letters=letters,
            labels=STATUS_LABELS,
            when=beijing_time,
            configured=outbox_of(session).server is not None,
        )


@router.post("/admin/mail/{mail_id}/retry")
async def retry_page(request: Request, mail_id: int) -> Response:
    """Queue a failed letter again, with a fresh round of retries."""
    form = await form_values(request)
    require_csrf(request, form.get("csrf"))
    with portal(request).db() as session:
        require_user(request, session, "admin")
        done = session.execute(
            update(Mail)
            .where(Mail.id == mail_id, Mail.status == "failed")
            .values(status="queued", attempts=0, next_try=now())
        )
        session.commit()
        if getattr(done, "rowcount", 0) != 1:
            raise HTTPException(409, "只能重发发送失败的邮件 / only a failed letter can be sent again")
        outbox_of(session).wake()
    return RedirectResponse("/admin/mail", status_code=303)
