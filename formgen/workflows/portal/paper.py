"""The 盖章 step: after submitting, the applicant uploads its stamped, scanned paper copy, and
it is checked against the submitted packet (`formgen.verify`) off the request.

The scan is kept like every upload (`uploads.store`: rebuilt, in the database) with a row of
`paper_checks` in state ``pending``; one background thread per portal process (`Checker`)
makes the application's packet as the applicant downloaded it, verifies the scan and writes
the outcome back: ``done`` with the report (each page's findings and differences, the marked
pages kept as PNG uploads) or ``failed`` with the reason. A check left pending by a stopped
process is taken up again when the portal starts. The applicant's page says 核对中 until then;
the bureau sees the outcome beside the application before accepting it.

The packet is made by the portal's PDF processes (`pdf_pool`); the verification, OCR of every
page (about 800 MB at its peak), by one worker process of its own below the portal's CPU
priority (`processes.Processes`), so the people typing take the CPU first. A worker that dies
under a check (killed, out of memory) is made anew and the check tried once more.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import queue
import secrets
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker
from starlette.datastructures import UploadFile

from formgen import api
from formgen.data.textfile import UnreadableFileError
from formgen.workflows.portal import uploads
from formgen.workflows.portal.db import Application, Base, UploadBlob, now
from formgen.workflows.portal.documents import PdfGate, packet_pdf
from formgen.workflows.portal.pdf_pool import PdfPool
from formgen.workflows.portal.processes import Processes, WorkerDied
from formgen.workflows.portal.web import (
    application_for,
    checked,
    download,
    full_data,
    portal,
    render,
    require_csrf,
    require_user,
)

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)
STEP = ("submitted", "accepted")
"""The application's states in which its paper copy is uploaded: after submitting."""
STATE_LABELS = {"pending": "核对中", "done": "已核对", "failed": "无法核对"}
BROKE = "核对时出错，请稍后重新上传 / the check could not be done, please upload again later"
"""The reason recorded for a check that broke off (the packet could not be made, say)."""
TRIES = 2
"""A check whose worker process dies is tried once more on a new one: a process killed for
another's memory should not cost the applicant a new upload, a scan that kills it every time
is recorded as failed."""


class PaperCheck(Base):
    """A stamped, scanned paper copy of an application and what checking it found."""

    __tablename__ = "paper_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(100))
    """The scan's upload (`UploadBlob.name`)."""
    state: Mapped[str] = mapped_column(String(20), default="pending")
    agrees: Mapped[bool | None] = mapped_column(default=None)
    result_json: Mapped[str] = mapped_column(Text, default="{}")
    """The verification report's data (`formgen.paper.report.as_data`), marked pages as upload
    names; or ``{"error": ...}`` when it could not be made."""
    created: Mapped[dt.datetime] = mapped_column(default=now)

    @property
    def result(self) -> dict[str, Any]:
        loaded = json.loads(self.result_json or "{}")
        return loaded if isinstance(loaded, dict) else {}


def latest(session: Session, application_id: int) -> PaperCheck | None:
    """The application's most recent paper check."""
    return session.scalar(
        select(PaperCheck).where(PaperCheck.application_id == application_id).order_by(PaperCheck.id.desc())
    )


@dataclass(frozen=True)
class VerifyJob:
    """One paper copy to verify: the packet as submitted and the scan, as bytes."""

    packet_name: str
    packet: bytes
    scan_name: str
    """The scan's file name, its suffix its kind (.pdf, .jpg, .png, .tif)."""
    scan: bytes


@dataclass(frozen=True)
class Verified:
    """What verifying found: the report's data (or ``{"error": ...}``), whether the paper agrees,
    and the marked pages by the upload names the report gives them."""

    outcome: dict[str, Any]
    agrees: bool | None
    marked: dict[str, bytes]

    @classmethod
    def failed(cls, reason: str) -> Verified:
        """A check that could not be done, for `reason` (recorded as ``failed``)."""
        return cls({"error": reason}, None, {})


def verify_scan(job: VerifyJob) -> Verified:
    """Verify the scan against the packet (`api.verify`), in the process that runs the job."""
    with tempfile.TemporaryDirectory(prefix="formgen-paper-") as work:
        folder = Path(work)
        (folder / job.packet_name).write_bytes(job.packet)
        scanned = folder / job.scan_name
        scanned.write_bytes(job.scan)
        try:
            report = api.verify(folder / job.packet_name, [scanned], folder / "report")
        except UnreadableFileError as exc:
            return Verified.failed(str(exc))
        outcome = json.loads((folder / "report" / "verify-report.json").read_text(encoding="utf-8"))
        marked: dict[str, bytes] = {}
        for page in outcome["pages"]:
            if page["marked"]:
                name = secrets.token_hex(16) + ".png"
                marked[name] = (folder / "report" / page["marked"]).read_bytes()
                page["marked"] = name
        return Verified(outcome, report.agrees, marked)


class Checker:
    """One thread that verifies uploaded paper copies in turn, off the requests, each in
    `processes` (one worker process, or none: in this process).

    `hold`, when a test sets it, is waited on before each check: the test sees the check
    pending, then lets it go. `finished` is set after each check, done or failed.
    """

    def __init__(
        self, sessions: sessionmaker[Session], legacy_uploads: Path, pdf: PdfPool, processes: Processes
    ) -> None:
        self.sessions = sessions
        self.pdf = pdf
        self.processes = processes
        self.legacy_uploads = legacy_uploads
        self.gate = PdfGate(1)
        self.hold: threading.Event | None = None
        self.finished = threading.Event()
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Run the thread for the portal's life, taking up checks a stopped process left pending."""
        self._thread = threading.Thread(target=self._work, name="paper-checker", daemon=True)
        self._thread.start()
        with self.sessions() as session:
            for pending in session.scalars(select(PaperCheck.id).where(PaperCheck.state == "pending")):
                self._queue.put(pending)
        try:
            yield
        finally:
            self._queue.put(None)
            self._thread.join()

    def submit(self, check_id: int) -> None:
        """Queue the check `check_id` (committed, pending)."""
        self._queue.put(check_id)

    def _work(self) -> None:
        while (check_id := self._queue.get()) is not None:
            if self.hold is not None:
                self.hold.wait()
            try:
                self.check(check_id)
            except Exception:  # a check must never stop the thread, nor stay pending for ever
                log.exception("paper check %s failed", check_id)
                try:
                    self._record(check_id, Verified.failed(BROKE))
                except Exception:  # the database itself, say: the check is taken up at the next start
                    log.exception("paper check %s could not be recorded as failed", check_id)
            finally:
                self.finished.set()

    def check(self, check_id: int) -> None:
        """Verify the paper copy of check `check_id` and record the outcome."""
        with self.sessions() as session:
            found = session.get(PaperCheck, check_id)
            if found is None or found.state != "pending":
                return
            application = session.get(Application, found.application_id)
            assert application is not None
            result = checked(session, application)
            scans = uploads.referenced(session, full_data(session, application), self.legacy_uploads)
            scan = uploads.read(session, found.stored_name, self.legacy_uploads)
        if result.instance is None or scan is None:
            verified = Verified.failed("申请数据或扫描件已不存在 / the data or the scan is gone")
        else:
            made = packet_pdf(self.gate, self.pdf, application.packet_id, result.instance, scans)
            suffix = found.stored_name[found.stored_name.rindex(".") :]
            verified = self._verify(VerifyJob(made.name, made.content, "盖章件" + suffix, scan))
        self._record(check_id, verified)

    def _record(self, check_id: int, verified: Verified) -> None:
        """Write the check's outcome: ``done``, or ``failed`` with the reason."""
        with self.sessions() as session:
            found = session.get(PaperCheck, check_id)
            assert found is not None
            for name, content in verified.marked.items():
                session.add(UploadBlob(name=name, content=content))
            found.state = "failed" if "error" in verified.outcome else "done"
            found.agrees = verified.agrees
            found.result_json = json.dumps(verified.outcome, ensure_ascii=False)
            session.commit()

    def _verify(self, job: VerifyJob) -> Verified:
        """`verify_scan` in the checker's worker process, tried again once on a new one if the
        process dies under it."""
        for _ in range(TRIES):
            try:
                return self.processes.run(verify_scan, job)
            except WorkerDied:
                log.warning("the process verifying a paper copy ended unexpectedly")
        gone = "核对扫描件的工作进程意外退出，请重新上传 / the process checking the scan ended unexpectedly"
        return Verified.failed(gone)


def checker(request: Request) -> Checker:
    """The portal's paper checker."""
    found: Checker = request.app.state.paper_checker
    return found


def _own_submitted(session: Session, request: Request, application_id: int) -> Application:
    user = require_user(request, session, "applicant")
    application = application_for(session, user, application_id)
    if application.owner_id != user.id:
        raise HTTPException(403, "只能上传自己的申请的盖章件 / only the applicant uploads its paper copy")
    return application


@router.get("/applications/{application_id}/paper")
def paper_page(request: Request, application_id: int) -> Response:
    """The 盖章 step: upload the stamped scan, then see what checking it found."""
    with portal(request).db() as session:
        user = require_user(request, session)
        application = application_for(session, user, application_id)
        return render(
            request,
            "paper.html",
            user=user,
            application=application,
            title=api.registry().packet(application.packet_id).title,
            check=latest(session, application.id),
            step=STEP,
            state_labels=STATE_LABELS,
        )


@router.post("/applications/{application_id}/paper")
async def upload_paper(request: Request, application_id: int) -> Response:
    """Take the stamped scan (PDF, JPG, PNG, TIFF; the rules of every upload) and queue its check."""
    form = await request.form()
    require_csrf(request, str(form.get("csrf") or ""))
    upload = form.get("file")
    content = await upload.read(uploads.MAX_UPLOAD + 1) if isinstance(upload, UploadFile) else b""
    filename = (upload.filename or "") if isinstance(upload, UploadFile) else ""
    await form.close()

    def work() -> int:
        with portal(request).db() as session:
            application = _own_submitted(session, request, application_id)
            if application.status not in STEP:
                raise HTTPException(409, "提交后才能上传盖章件 / upload the paper copy after submitting")
            try:
                stored = uploads.store(session, content, filename)
            except uploads.UploadRefused as exc:
                raise HTTPException(422, str(exc)) from None
            check = PaperCheck(application_id=application.id, stored_name=stored.name)
            session.add(check)
            session.commit()
            return check.id

    checker(request).submit(await run_in_threadpool(work))
    return RedirectResponse(f"/applications/{application_id}/paper", status_code=303)


@router.get("/applications/{application_id}/paper/marked/{name}")
def marked_page(request: Request, application_id: int, name: str) -> Response:
    """A page of the paper copy with its differences boxed, as the last check marked it."""
    with portal(request).db() as session:
        application = application_for(session, require_user(request, session), application_id)
        check = latest(session, application.id)
        names = {p.get("marked") for p in (check.result.get("pages", []) if check is not None else [])}
        content = uploads.read(session, name, portal(request).uploads) if name in names else None
        if content is None:
            raise HTTPException(404, "没有这张标注图 / no such marked page")
        return download(content, name, "image/png")
