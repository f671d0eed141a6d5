"""Which notices the portal offers to whom, and until when.

A notice names the regions whose bureaus take in its applications (`Notice.regions`); an
applicant is offered the notices of its own region, and an account's region must be one of
them. Each notice may have a closing date, set by an administrator: after that day nothing
more is submitted under it, and drafts stay readable.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from formgen import api
from formgen.model.registry import Notice, Packet
from formgen.workflows.portal.db import NoticeSetting
from formgen.workflows.portal.documents import applicant_packets


def known_regions() -> list[str]:
    """Every region some notice serves, in the notices' own order."""
    found: dict[str, None] = {}
    for notice in api.registry().notices.values():
        found.update(dict.fromkeys(notice.regions))
    return list(found)


def serving(region: str) -> bool:
    """Whether some notice serves `region`: one of the notices' lists names it.

    A notice naming no region serves every one (`serves`), so while one is registered (a
    drafted package before its regions are given) any region is one it serves.
    """
    regions = known_regions()
    every = any(not n.regions for n in api.registry().notices.values())
    return not regions or every or region.strip() in regions


def check_region(role: str, region: str) -> None:
    """`ValueError` unless an applicant's or bureau's `region` is one some notice serves."""
    regions = known_regions()
    if role in ("applicant", "bureau") and not serving(region):
        raise ValueError(
            f"所在地区应为通知所列地区之一，如{regions[0]} / the region must be one the notices list: {region}"
        )


def serves(notice: Notice, region: str) -> bool:
    """Whether applicants of `region` apply under `notice` (a notice naming no region serves all)."""
    return not notice.regions or region in notice.regions


def offered(region: str) -> list[tuple[Notice, list[Packet]]]:
    """The notices an applicant of `region` may apply under, with the packets to apply with."""
    return [
        (n, applicant_packets(n))
        for n in api.registry().notices.values()
        if applicant_packets(n) and serves(n, region)
    ]


def closes(session: Session, notice_id: str) -> dt.date | None:
    """The last day applications are taken under `notice_id`, if the portal set one."""
    found = session.get(NoticeSetting, notice_id)
    return found.closes if found is not None else None


def closing_dates(session: Session) -> dict[str, dt.date]:
    """Every notice's closing date that is set."""
    return {s.notice_id: s.closes for s in session.query(NoticeSetting) if s.closes is not None}


def is_closed(session: Session, notice_id: str, today: dt.date | None = None) -> bool:
    """Whether the closing date of `notice_id` has passed (the closing day itself is open)."""
    last = closes(session, notice_id)
    return last is not None and (today or dt.date.today()) > last


def set_closes(session: Session, notice_id: str, last: dt.date | None) -> None:
    """Set or clear the closing date of `notice_id`."""
    if notice_id not in api.registry().notices:
        raise ValueError(f"没有这个通知 / no such notice: {notice_id}")
    keep_closes(session, notice_id, last)
    session.commit()


def keep_closes(session: Session, notice_id: str, last: dt.date | None) -> None:
    """Record the closing date of `notice_id` in `session` (not committed), for a notice this
    process may not serve yet (one being published)."""
    found = session.get(NoticeSetting, notice_id)
    if found is None:
        session.add(NoticeSetting(notice_id=notice_id, closes=last))
    else:
        found.closes = last
