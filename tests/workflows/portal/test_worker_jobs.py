"""The portal's other heavy jobs run in worker processes below its CPU priority too (issue 19):
a paper copy's verification (OCR) in a process of its own, a notice's drafting and the pictures
of its blanks in the PDF processes. Seen from inside each job by a hook that travels with it
(`Processes.on_start`), and held there at a known point through named pipes, never a clock.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import signal
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from formgen.pdf import convert
from formgen.workflows.portal.app import create_app
from formgen.workflows.portal.db import NoticeDraft
from tests.drafting.small_forms import label_beside
from tests.workflows.portal.conftest import PROVIDER, Site, example, start, working_site
from tests.workflows.portal.test_importer import (
    FORM,
    REFUSED,
    _admin,
    _alert,
    _corrections,
    _draft,
    _upload,
    served_nothing_after,  # noqa: F401 (a fixture: the process serves no notice after the test)
)
from tests.workflows.portal.test_paper import CHECK_S, _signed_in, _stamped_scan

pytestmark = pytest.mark.pdf


def _note(facts: Path, job: str) -> None:
    """Write down, from inside the job, which job it is, in which process, at what priority."""
    fact = {"job": job, "pid": os.getpid(), "nice": os.getpriority(os.PRIO_PROCESS, 0)}
    (facts / f"{secrets.token_hex(8)}.json").write_text(json.dumps(fact))


def _seen(facts: Path) -> list[dict[str, object]]:
    seen = [json.loads(p.read_text()) for p in facts.iterdir()]
    for p in facts.iterdir():
        p.unlink()
    return seen


def _lowered() -> int:
    return min(19, os.getpriority(os.PRIO_PROCESS, 0) + convert.BACKGROUND_NICENESS)


def _die(facts: Path, job: str) -> None:
    """Note the job, then end its worker process at once, as the out-of-memory killer would."""
    _note(facts, job)
    os._exit(1)


def _hold_first(folder: Path, job: str) -> None:
    """Note every job; hold the first one only: say its process's id through the named pipe
    ``arrived``, then wait until the test opens and closes ``release`` (or kills the process)."""
    _note(folder / "facts", job)
    try:
        (folder / "held").open("x").close()
    except FileExistsError:
        return
    with (folder / "arrived").open("w") as said:
        said.write(f"{os.getpid()}\n")
    with (folder / "release").open() as waited:
        waited.read()


def _applicant_with_scan(site: Site, tmp_path: Path) -> tuple[TestClient, str, int, bytes]:
    """A signed-in applicant, its CSRF value, its submitted application and a stamped scan of
    its packet's first two pages."""
    site.user("applicant", "applicant", "成都市")
    applicant = site.client()
    csrf = _signed_in(applicant, "applicant")
    report = start(applicant, PROVIDER, example(PROVIDER))
    assert applicant.post(f"/api/applications/{report}/submit").json()["status"] == "submitted"
    packet = applicant.get(f"/applications/{report}/packet.pdf")
    assert packet.status_code == 200
    return applicant, csrf, report, _stamped_scan(packet.content, tmp_path, keep=2)


def _check(applicant: TestClient, csrf: str, report: int, scan: bytes, finished: threading.Event) -> str:
    """Upload the scan, wait for its check to be written, and return the paper page."""
    finished.clear()
    uploaded = applicant.post(
        f"/applications/{report}/paper", data={"csrf": csrf}, files={"file": ("盖章件.pdf", scan)}
    )
    assert uploaded.status_code == 200
    assert finished.wait(CHECK_S), "the check finished"
    return str(applicant.get(f"/applications/{report}/paper").text)


def test_a_paper_copy_is_verified_in_a_worker_process_below_the_portal(tmp_path: Path, facts: Path) -> None:
    app = create_app(tmp_path / "data", None, workers=1, secure_cookies=False)
    checker = app.state.paper_checker
    with TestClient(app, base_url="http://127.0.0.1"):
        applicant, csrf, report, scan = _applicant_with_scan(Site(app, tmp_path / "data"), tmp_path)
        checker.processes.on_start = functools.partial(_note, facts)
        shown = _check(applicant, csrf, report, scan, checker.finished)
        assert 'data-state="done"' in shown and "纸质材料与电子材料不一致" in shown
        assert "第3页（扫描件中缺失）：扫描件缺页" in shown
        seen = _seen(facts)
        assert [fact["job"] for fact in seen] == ["verify_scan"]
        assert seen[0]["pid"] != os.getpid(), "not in the portal's process"
        assert seen[0]["nice"] == _lowered()


def test_a_worker_that_dies_under_a_check_is_made_anew_and_the_check_tried_once_more(
    tmp_path: Path,
    facts: Path,
) -> None:
    app = create_app(tmp_path / "data", None, workers=1, secure_cookies=False)
    arrived, release = tmp_path / "arrived", tmp_path / "release"
    os.mkfifo(arrived)
    os.mkfifo(release)
    checker = app.state.paper_checker
    with TestClient(app, base_url="http://127.0.0.1"):
        applicant, csrf, report, scan = _applicant_with_scan(Site(app, tmp_path / "data"), tmp_path)

        # A scan whose worker dies every time: tried twice, then recorded as failed, saying why.
        checker.processes.on_start = functools.partial(_die, facts)
        shown = _check(applicant, csrf, report, scan, checker.finished)
        assert 'data-state="failed"' in shown and "无法核对：核对扫描件的工作进程意外退出" in shown
        died = _seen(facts)
        assert [fact["job"] for fact in died] == ["verify_scan"] * 2
        assert len({fact["pid"] for fact in died}) == 2, "the second try ran in a new process"

        # A worker killed from outside while it holds a check: the check is tried again on a
        # new process and done.
        checker.processes.on_start = functools.partial(_hold_first, tmp_path)
        checker.finished.clear()
        uploaded = applicant.post(
            f"/applications/{report}/paper", data={"csrf": csrf}, files={"file": ("盖章件.pdf", scan)}
        )
        assert uploaded.status_code == 200 and 'data-state="pending"' in uploaded.text
        with arrived.open() as said:
            held = int(said.readline())
        assert held != os.getpid()
        os.kill(held, signal.SIGKILL)
        assert checker.finished.wait(CHECK_S), "the check finished"
        shown = applicant.get(f"/applications/{report}/paper").text
        assert 'data-state="done"' in shown and "第3页（扫描件中缺失）：扫描件缺页" in shown
        tries = _seen(facts)
        assert [fact["job"] for fact in tries] == ["verify_scan"] * 2
        assert {fact["pid"] for fact in tries} - {held}, "the second try ran in a new process"


def test_a_notice_is_drafted_and_pictured_in_a_worker_process_below_the_portal(
    tmp_path: Path, facts: Path
) -> None:
    with working_site(tmp_path) as site:
        site.portal.pdf.workers.on_start = functools.partial(_note, facts)
        admin = _admin(site)

        uploaded = _upload(admin, (FORM, label_beside().content))
        assert uploaded.status_code == 303, _alert(uploaded.text)
        picture = admin.get(f"/admin/drafts/{_draft(site).id}/pages/form1/1")
        assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")
        seen = _seen(facts)
        assert sorted(str(fact["job"]) for fact in seen) == ["blank_pictures", "draft_uploads"]
        assert all(fact["pid"] != os.getpid() and fact["nice"] == _lowered() for fact in seen), seen

        saved = admin.post(
            f"/admin/drafts/{_draft(site).id}/review",
            data={"csrf": str(admin.headers["X-CSRF-Token"]), **_corrections(site)},
            follow_redirects=False,
        )
        assert saved.status_code == 303, _alert(saved.text)
        assert "修改已保存" in _alert(admin.get(saved.headers["location"]).text)
        seen = _seen(facts)
        assert sorted(str(fact["job"]) for fact in seen) == ["blank_pictures", "redraft"]
        assert all(fact["pid"] != os.getpid() and fact["nice"] == _lowered() for fact in seen), seen

        # Every refusal, hostile files among them, comes back from the worker as it was.
        for name, content, reason in REFUSED.values():
            refused = _upload(admin, (FORM, label_beside().content), (name, content), notice_id="other-1")
            assert refused.status_code == 422 and name in _alert(refused.text), name
            assert reason in _alert(refused.text), (name, _alert(refused.text))


def test_a_worker_that_dies_drafting_a_notice_says_so_and_the_next_upload_is_drafted(
    tmp_path: Path,
    facts: Path,
) -> None:
    with working_site(tmp_path) as site:
        admin = _admin(site)
        site.portal.pdf.workers.on_start = functools.partial(_die, facts)
        died = _upload(admin, (FORM, label_beside().content))
        assert died.status_code == 503
        assert _alert(died.text) == (
            "未能起草，请稍后重新上传（处理文件的工作进程意外退出） / nothing was drafted; "
            "upload the files again shortly (the worker process ended unexpectedly)"
        )
        assert [fact["job"] for fact in _seen(facts)] == ["draft_uploads"]
        with site.portal.db() as session:
            assert session.scalars(select(NoticeDraft)).first() is None, "no half-made draft"

        site.portal.pdf.workers.on_start = functools.partial(_note, facts)
        again = _upload(admin, (FORM, label_beside().content))
        assert again.status_code == 303, _alert(again.text)
        assert "draft_uploads" in [fact["job"] for fact in _seen(facts)], "on a worker made anew"


def _end_converting(_worker: convert.Worker, _source: Path) -> None:
    """End the PDF worker process as its LibreOffice takes a document, every time."""
    os._exit(1)


def test_a_check_whose_packet_cannot_be_made_is_recorded_failed_and_the_checker_goes_on(
    tmp_path: Path,
) -> None:
    app = create_app(tmp_path / "data", None, workers=1, secure_cookies=False)
    checker = app.state.paper_checker
    with TestClient(app, base_url="http://127.0.0.1"):
        applicant, csrf, report, scan = _applicant_with_scan(Site(app, tmp_path / "data"), tmp_path)
        app.state.portal.pdf.on_job_start = _end_converting
        for _ in range(2):  # the second is checked too: the first did not stop the checker
            shown = _check(applicant, csrf, report, scan, checker.finished)
            assert 'data-state="failed"' in shown and "无法核对：核对时出错，请稍后重新上传" in shown
