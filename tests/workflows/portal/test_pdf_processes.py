"""Packet PDFs are made in worker processes below the portal's CPU priority (issue 19): seen
from the process that converts, held there at a known point by a hook that travels with the job.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from formgen.pdf import convert
from formgen.workflows.portal.app import app_from_environment, create_app
from tests.drafting.small_forms import label_beside
from tests.reading import pdf_text
from tests.workflows.portal.conftest import CITY, PROVIDER, Site, example, start, working_site
from tests.workflows.portal.test_importer import FORM, NOTICE, PUBLICATION, _admin, _csrf, _draft, _upload
from tests.workflows.portal.test_pages import csrf_of


def _record(folder: Path, worker: convert.Worker, _source: Path) -> None:
    """Write down, from the process that converts, who it is and at what priority."""
    assert worker.office_pid is not None
    facts = {
        "pid": os.getpid(),
        "nice": os.getpriority(os.PRIO_PROCESS, 0),
        "office": worker.office_pid,
        "office_nice": os.getpriority(os.PRIO_PROCESS, worker.office_pid),
    }
    (folder / f"{os.getpid()}-{worker.office_pid}.json").write_text(json.dumps(facts))


def _hold(arrived: Path, release: Path, _worker: convert.Worker, _source: Path) -> None:
    """At the packet's first document, say the job arrived (through a named pipe the test
    reads), then wait until the test opens and closes the other one: the worker is held at a
    known point, no clock involved."""
    try:
        arrived.with_suffix(".first").open("x").close()
    except FileExistsError:
        return
    with arrived.open("w") as said:
        said.write(f"{os.getpid()}\n")
    with release.open() as waited:
        waited.read()


def _gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


@pytest.mark.pdf
def test_a_packet_is_made_in_a_worker_process_below_the_portal_and_shutdown_ends_it(
    tmp_path: Path,
    facts: Path,
) -> None:
    with working_site(tmp_path) as site:
        site.user("a", "applicant", "成都市")
        client = site.client("a")
        report = start(client, PROVIDER, example(PROVIDER))
        site.portal.pdf.on_job_start = functools.partial(_record, facts)
        made = client.get(f"/applications/{report}/packet.pdf")
        assert made.status_code == 200, made.text
        (tmp_path / "packet.pdf").write_bytes(made.content)
        assert "四川省" in pdf_text(tmp_path / "packet.pdf")
        seen = [json.loads(p.read_text()) for p in facts.iterdir()]
        assert seen, "the hook ran where the packet was converted"
        own = os.getpriority(os.PRIO_PROCESS, 0)
        lowered = min(19, own + convert.BACKGROUND_NICENESS)
        for fact in seen:
            assert fact["pid"] != os.getpid(), "not in the portal's process"
            assert fact["nice"] == lowered, fact
            assert fact["office_nice"] >= lowered, fact
        alive = {pid for fact in seen for pid in (fact["pid"], fact["office"])}
        assert not any(_gone(pid) for pid in alive)
    assert all(_gone(pid) for pid in alive), "the lifespan's end stops the workers and their LibreOffice"


@pytest.mark.pdf
def test_a_full_gate_answers_503_while_a_worker_process_holds_a_packet(tmp_path: Path) -> None:
    app = create_app(tmp_path / "data", None, workers=1, pdf_queue=0, secure_cookies=False)
    arrived, release = tmp_path / "arrived", tmp_path / "release"
    os.mkfifo(arrived)
    os.mkfifo(release)
    with TestClient(app, base_url="http://127.0.0.1"):
        site = Site(app, tmp_path / "data")
        site.user("a", "applicant", "成都市")
        client = site.client("a")
        report = start(client, PROVIDER, example(PROVIDER))
        app.state.portal.pdf.on_job_start = functools.partial(_hold, arrived, release)
        answers: list[int] = []
        held = threading.Thread(
            target=lambda: answers.append(client.get(f"/applications/{report}/packet.pdf").status_code)
        )
        held.start()
        with arrived.open() as said:
            worker_pid = int(said.readline())
        assert worker_pid != os.getpid()
        app.state.portal.pdf.on_job_start = None
        busy = client.get(f"/applications/{report}/packet.pdf")
        assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
        assert "生成PDF的队列已满" in busy.text
        release.open("w").close()
        held.join()
        assert answers == [200]
        assert client.get(f"/applications/{report}/packet.pdf").status_code == 200, "the place is free again"


@pytest.mark.pdf
def test_a_notice_published_after_the_workers_started_has_its_packet_made_by_them(
    site: Site, tmp_path: Path, facts: Path
) -> None:
    with TestClient(site.app, base_url="http://127.0.0.1"):
        admin = _admin(site)
        assert _upload(admin, (FORM, label_beside().content)).status_code == 303
        published = admin.post(
            f"/admin/drafts/{_draft(site).id}/publish", data={"csrf": _csrf(admin), **PUBLICATION}
        )
        assert published.status_code == 200
        site.user("chengdu", "applicant", "成都市")
        applicant = site.client("chengdu")
        created = applicant.post("/api/applications", json={"packet_id": f"{NOTICE}.applicant"}).json()
        data = {
            "form1": {
                "单位名称": "成都示范科技有限公司",
                "统一社会信用代码": "91510107MA62L3R5XE",
                "成立日期": "2019-05-20",
                "邮政编码": "610041",
                "电子邮箱": "info@example.cn",
                "法定代表人身份证号": "11010519491231002X",
            }
        }
        put = applicant.put(
            f"/api/applications/{created['id']}/data", json={"data": data, "version": created["version"]}
        )
        assert put.status_code == 200, put.text
        site.portal.pdf.on_job_start = functools.partial(_record, facts)
        made = applicant.get(f"/applications/{created['id']}/packet.pdf")
        assert made.status_code == 200, applicant.get(f"/api/applications/{created['id']}").json()["problems"]
        (tmp_path / "packet.pdf").write_bytes(made.content)
        text = "".join(pdf_text(tmp_path / "packet.pdf").split())  # the cell wraps the name
        assert "成都示范科技有限公司" in text and "91510107MA62L3R5XE" in text
        assert {json.loads(p.read_text())["pid"] for p in facts.iterdir()} - {os.getpid()}, "made by a worker"


def _end_process(marks: Path, _worker: convert.Worker, _source: Path) -> None:
    """The first time only, end the worker process itself at its job's start (as the kernel's
    out-of-memory killer would), its LibreOffice with it."""
    try:
        (marks / "ended").open("x").close()
    except FileExistsError:
        return
    os._exit(1)


@pytest.mark.pdf
def test_a_worker_process_that_dies_costs_one_503_and_the_next_packet_is_made(tmp_path: Path) -> None:
    app = create_app(tmp_path / "data", None, workers=1, secure_cookies=False)
    with TestClient(app, base_url="http://127.0.0.1"):
        site = Site(app, tmp_path / "data")
        site.user("a", "applicant", "成都市")
        client = site.client("a")
        report = start(client, PROVIDER, example(PROVIDER))
        app.state.portal.pdf.on_job_start = functools.partial(_end_process, tmp_path)
        failed = client.get(f"/applications/{report}/packet.pdf")
        assert failed.status_code == 503 and failed.headers["retry-after"] == "5"
        assert "生成PDF失败" in failed.text
        assert (tmp_path / "ended").exists()
        made = client.get(f"/applications/{report}/packet.pdf")
        assert made.status_code == 200 and made.content.startswith(b"%PDF")


@pytest.mark.pdf
def test_a_bureau_packet_is_made_by_the_worker_processes(site: Site, tmp_path: Path, facts: Path) -> None:
    site.user("p1", "applicant", "成都市")
    site.user("chengdu", "bureau", "成都市")
    with TestClient(site.app, base_url="http://127.0.0.1"):
        report = start(site.client("p1"), PROVIDER, example(PROVIDER))
        site.client("p1").post(f"/api/applications/{report}/submit")
        bureau = site.client("chengdu")
        assert bureau.post(f"/api/applications/{report}/accept", json={}).status_code == 200
        own = {
            "csrf": csrf_of(bureau.get(f"/bureau/packets/{CITY}/profile").text),
            "bureau.name": "成都市经济和信息化局",
            "bureau.city": "成都市",
            "bureau.contact": "张强",
            "bureau.phone": "028-61881234",
        }
        bureau.post(f"/bureau/packets/{CITY}/profile", data=own)
        site.portal.pdf.on_job_start = functools.partial(_record, facts)
        made = bureau.get(f"/bureau/packets/{CITY}/packet.pdf")
        assert made.status_code == 200, made.text
        (tmp_path / "packet.pdf").write_bytes(made.content)
        text = "".join(pdf_text(tmp_path / "packet.pdf").split())
        assert "成都蜀安智造技术服务有限公司" in text and "成都市经济和信息化局" in text
        assert {json.loads(p.read_text())["pid"] for p in facts.iterdir()} - {os.getpid()}, "made by a worker"


def test_the_environment_sets_each_app_processs_pdf_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several app processes on a small machine keep one LibreOffice worker each rather than
    two (FORMGEN_PDF_WORKERS); a value that is no positive whole number stops the start, naming
    the variable."""
    monkeypatch.setenv("FORMGEN_DATA", str(tmp_path / "data"))
    assert app_from_environment().state.portal.pdf.processes == 2
    monkeypatch.setenv("FORMGEN_PDF_WORKERS", "1")
    assert app_from_environment().state.portal.pdf.processes == 1
    for wrong in ("0", "two"):
        monkeypatch.setenv("FORMGEN_PDF_WORKERS", wrong)
        with pytest.raises(ValueError, match="FORMGEN_PDF_WORKERS"):
            app_from_environment()
