"""The portal's outbox: mail is queued in the database with the action it tells about and
sent by a background thread, with retries.

Why a queue and not a send inside the request: an SMTP server may take seconds or be down,
and neither may slow a click or lose it. The letter is added in the same transaction as the
submission, decision or sign-up, so the two are kept or lost together; the sender claims each
due message with one conditional UPDATE, so several app processes on one database never send a
message twice. A failed send is retried after `RETRY_DELAYS`, then marked failed; the error of
every attempt is kept for the admin's mail log (/admin/mail). Without an SMTP server the letter
is stored as "logged": the log shows what would have been sent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, sessionmaker

from formgen.workflows.portal.db import Mail, now
from formgen.workflows.portal.letters import Letter
from formgen.workflows.portal.mail import SmtpServer

log = logging.getLogger(__name__)

RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)
"""Waits before each retry; after the last a message is marked failed (about 9 hours in all)."""
STALE_CLAIM = dt.timedelta(minutes=10)
"""A message claimed this long ago and not finished belongs to a sender that died: retried."""
IDLE_WAIT_S = 60.0
"""The sender looks for due retries at least this often when nothing wakes it."""

Chore = Callable[[Session, "Outbox"], None]
"""Work the sender does before each round of sending (turning reset requests into letters)."""


class Outbox:
    """Where the portal's letters go: `queue` them in a transaction, `running` sends them."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        server: SmtpServer | None,
        site: str,
        chores: Sequence[Chore] = (),
    ) -> None:
        self.sessions = sessions
        self.server = server
        self.site = site.rstrip("/")
        self.chores = chores
        self._wake = threading.Event()

    def link(self, path: str) -> str:
        """The portal's address of `path`, for a letter."""
        return self.site + path

    def queue(self, session: Session, recipient: str, letter: Letter) -> None:
        """Add `letter` to `session`'s transaction; the sender is woken once it commits."""
        session.add(
            Mail(
                recipient=recipient,
                subject=letter.subject,
                text=letter.text,
                html=letter.html,
                status="queued" if self.server else "logged",
            )
        )
        event.listen(session, "after_commit", self._woken, once=True)

    def _woken(self, _session: Session) -> None:
        self._wake.set()

    def wake(self) -> None:
        """Have the sender look at once (a reset request was recorded)."""
        self._wake.set()

    def deliver_due(self) -> int:
        """Do the chores, then send every message that is due, each once; the number sent."""
        with self.sessions() as session:
            for chore in self.chores:
                chore(session, self)
        if self.server is None:
            return 0
        sent = 0
        while (claimed := self._claim()) is not None:
            sent += self._send(self.server, claimed)
        return sent

    def _claim(self) -> Mail | None:
        """The oldest due message, marked as being sent by this sender; None when none is due."""
        moment = now()
        with self.sessions() as session:
            session.execute(
                update(Mail)
                .where(Mail.status == "sending", Mail.next_try < moment - STALE_CLAIM)
                .values(status="queued")
            )
            session.commit()
            while True:
                found = session.scalar(
                    select(Mail)
                    .where(Mail.status == "queued", Mail.next_try <= moment)
                    .order_by(Mail.next_try, Mail.id)
                    .limit(1)
                )
                if found is None:
                    return None
                won: Any = session.execute(
                    update(Mail)
                    .where(Mail.id == found.id, Mail.status == "queued")
                    .values(status="sending", attempts=Mail.attempts + 1, next_try=moment)
                    .execution_options(synchronize_session=False)
                )
                session.commit()
                if won.rowcount == 1:
                    session.refresh(found)
                    return found

    def _send(self, server: SmtpServer, mail: Mail) -> int:
        """Send one claimed message and record how it went; 1 when it went."""
        try:
            server.send(mail.recipient, mail.subject, mail.text, mail.html)
        except (OSError, smtplib.SMTPException) as exc:
            self._record_failure(mail, exc)
            return 0
        with self.sessions() as session:
            session.execute(update(Mail).where(Mail.id == mail.id).values(status="sent", sent=now()))
            session.commit()
        return 1

    def _record_failure(self, mail: Mail, exc: Exception) -> None:
        error = (
            f"{now():%Y-%m-%d %H:%M:%S} 第{mail.attempts}次发送失败 / attempt {mail.attempts} failed: {exc!r}"
        )
        if mail.attempts > len(RETRY_DELAYS):
            values: dict[str, Any] = {"status": "failed"}
            log.error("mail %d to %s failed for good: %r", mail.id, mail.recipient, exc)
        else:
            values = {"status": "queued", "next_try": now() + RETRY_DELAYS[mail.attempts - 1]}
            log.warning("mail %d to %s failed, will retry: %r", mail.id, mail.recipient, exc)
        with self.sessions() as session:
            previous = mail.error + "\n" if mail.error else ""
            session.execute(update(Mail).where(Mail.id == mail.id).values(error=previous + error, **values))
            session.commit()

    def _next_wait(self) -> float:
        """Seconds until the next retry is due, at most `IDLE_WAIT_S`."""
        with self.sessions() as session:
            due = session.scalar(
                select(Mail.next_try).where(Mail.status == "queued").order_by(Mail.next_try).limit(1)
            )
        if due is None:
            return IDLE_WAIT_S
        return min(IDLE_WAIT_S, max(0.0, (due - now()).total_seconds()))

    def run(self, stop: threading.Event) -> None:
        """Send until `stop` is set, waking when a letter is committed or a retry falls due."""
        while not stop.is_set():
            self._wake.clear()
            try:
                self.deliver_due()
                wait = self._next_wait()
            except Exception:  # the sender outlives a database hiccup; the next round retries
                log.exception("the mail sender's round failed")
                wait = IDLE_WAIT_S
            self._wake.wait(wait)

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """The background sender, for the app's lifetime."""
        stop = threading.Event()
        thread = threading.Thread(target=self.run, args=(stop,), name="formgen-mail", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            self._wake.set()
            thread.join()


def outbox_of(session: Session) -> Outbox:
    """The outbox of the portal whose database `session` is (its session factory carries it)."""
    found: Outbox = session.info["outbox"]
    return found
