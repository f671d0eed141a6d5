"""Letters to an applicant when their application is handed in, returned or accepted.

Called by the action itself before it commits, so the letter is queued in the same
transaction (see `outbox`): a submission never exists without its receipt, and a failed
send never undoes the submission.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from formgen import api
from formgen.workflows.portal.db import Application, User, now
from formgen.workflows.portal.letters import beijing_time, letter
from formgen.workflows.portal.outbox import outbox_of

LETTERS = {"submitted": "receipt", "returned": "returned", "accepted": "accepted"}
"""The letter each new status sends."""


def status_changed(session: Session, application: Application, status: str, comment: str = "") -> None:
    """Queue the applicant's letter for the application's new `status` (with the bureau's
    `comment`), if the status has one and the applicant an e-mail address; the caller's
    commit of the change sends it, its rollback drops it."""
    name = LETTERS.get(status)
    owner = session.get(User, application.owner_id)
    if name is None or owner is None or not owner.email:
        return
    registry = api.registry()
    packet = registry.packet(application.packet_id)
    notice = registry.notice_of(packet.id)
    outbox = outbox_of(session)
    outbox.queue(
        session,
        owner.email,
        letter(
            name,
            unit_name=owner.unit_name or owner.name,
            number=application.id,
            title=packet.title,
            notice=f"{notice.title}（{notice.doc_number}）",
            region=application.region,
            time=beijing_time(now()),
            comment=comment,
            link=outbox.link(f"/applications/{application.id}/summary"),
        ),
    )
