"""The attacks on the portal's files and requests, replayed (issue 17, items 6 and 7).

Uploads: a file is what a real parse says it is; a PDF reaches the packet as its pages'
content only; a picture is decoded under the pixel limit on every frame and encoded again at
print size; every accepted upload builds into the packet. Requests: a malformed one gets a
4xx with its reason, never a 500; every response carries the security headers once each.
"""

from __future__ import annotations

import functools
import io
import os
import signal
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader

from formgen.pdf import convert
from formgen.workflows.portal import applicant
from formgen.workflows.portal.accounts import add_user
from formgen.workflows.portal.app import JSON_LIMIT, REQUEST_LIMIT, create_app
from formgen.workflows.portal.db import UploadBlob
from formgen.workflows.portal.forms import MAX_ROWS
from formgen.workflows.portal.security import HEADERS
from tests.hostile_files import hostile_pdf, one_page
from tests.pdf_reading import bookmarks
from tests.reading import pdf_text
from tests.workflows.portal.conftest import PASSWORD, PROVIDER, Site, example, start, stored_uploads

# -- hostile files ----------------------------------------------------------------------------


def picture(mode: str, size: tuple[int, int], kind: str = "PNG", **options: Any) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "red" if mode in ("RGB", "RGBA") else 0).save(out, kind, **options)
    return out.getvalue()


def tiff_with_a_bomb_behind() -> bytes:
    """A 10×10 first page, then a 13000×13000 one (the pixel limit must see every frame)."""
    out = io.BytesIO()
    big = Image.new("1", (13000, 13000))
    Image.new("1", (10, 10)).save(out, "TIFF", save_all=True, append_images=[big], compression="group4")
    return out.getvalue()


def truncated_palette_png() -> bytes:
    whole = picture("P", (400, 400))
    return whole[: len(whole) - 60]


def with_marker(content: bytes) -> bytes:
    """`content` with ``%PDF-`` inside its first KB, as the old sniffing took for a PDF."""
    return content[:16] + b"%PDF-1.7" + content[16:]


MARKED_ZIP = b"PK\x03\x04" + b"\0" * 26 + b"%PDF-1.7\n" + b"\0" * 200
OPERATORS = one_page(b"0 0 m 595 842 l S\n" * 350_000)  # a 6 MB operator stream
REFUSED = {
    "html.pdf": (with_marker(b"<html><body><script>alert(1)</script></body></html>"), "无法识别"),
    "marked-png.pdf": (with_marker(picture("RGB", (8, 8))), "图片已损坏"),
    "marked-zip.pdf": (MARKED_ZIP, "不是完整"),
    "malformed.pdf": (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF\n", "PDF已损坏"),
    "truncated.png": (truncated_palette_png(), "图片已损坏"),
    "bomb-behind.tif": (tiff_with_a_bomb_behind(), "图片像素过多"),
    "rgba-bomb.png": (picture("RGBA", (8000, 9999)), "图片像素过多"),
    "content-lies.png": (one_page(b""), "与扩展名不符"),
}


def _upload(client: TestClient, report: int, name: str, content: bytes, title: str = "营业执照") -> Any:
    return client.post(
        f"/applications/{report}/attachments",
        data={"csrf": client.headers["X-CSRF-Token"], "title": title},
        files={"file": (name, content)},
        headers={"accept": "application/json"},
    )


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_file_that_only_looks_like_a_scan_is_refused_with_its_reason(site: Site, name: str) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    content, reason = REFUSED[name]
    refused = _upload(client, report, name, content)
    assert refused.status_code == 422, refused.text
    detail = refused.json()["detail"]
    assert reason in detail and " / " in detail and "only PDF, JPG, PNG or TIFF" in detail, detail
    assert stored_uploads(site) == {}, "nothing kept of a refused file"


def test_a_pdf_is_kept_as_its_pages_content_only(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    assert _upload(client, report, "licence.pdf", hostile_pdf()).status_code == 200
    ((name, kept),) = stored_uploads(site).items()
    assert name.endswith(".pdf")
    reader = PdfReader(io.BytesIO(kept))
    assert [page.extract_text() for page in reader.pages] == ["LICENCE 12345"]
    catalog = reader.root_object
    assert not {"/OpenAction", "/AA", "/AcroForm", "/Names", "/Outlines"} & set(catalog)
    assert not {"/Annots", "/AA"} & set(reader.pages[0])
    for trace in (b"JavaScript", b"app.alert", b"cmd.exe", b"evil.example", b"MZ evil", b"/Launch", b"/URI"):
        assert trace not in kept, trace
    downloaded = client.get(f"/applications/{report}/attachments/1")
    assert downloaded.content == kept
    assert downloaded.headers["content-disposition"].startswith("attachment;")
    assert downloaded.headers["cache-control"] == "no-store"


def test_pictures_are_encoded_again_at_most_a4_at_300_dpi(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    pages = io.BytesIO()
    Image.new("RGB", (5000, 7000), "blue").save(
        pages,
        "TIFF",
        save_all=True,
        append_images=[Image.new("L", (100, 80), 128)],
        dpi=(600, 600),
        compression="tiff_deflate",
    )
    sent = {
        "large.png": picture("RGBA", (6000, 6000), dpi=(600, 600)),
        "photo.jpg": picture("RGB", (2000, 3000), "JPEG", quality=85),
        "pages.tif": pages.getvalue(),
    }
    for name, content in sent.items():
        assert _upload(client, report, name, content).status_code == 200, name
    kept = sorted(stored_uploads(site).values(), key=len)
    sizes: dict[str | None, list[tuple[tuple[int, int], int]]] = {}
    for content in kept:
        with Image.open(io.BytesIO(content)) as image:
            found = sizes.setdefault(image.format, [])
            for n in range(getattr(image, "n_frames", 1)):
                image.seek(n)
                found.append((image.size, round(image.info.get("dpi", (0, 0))[0])))
    assert sizes["PNG"] == [((2480, 2480), 248)], "downscaled, its physical size kept"
    assert sizes["JPEG"] == [((2000, 3000), 0)], "within A4 at 300 dpi: its own size"
    assert sizes["TIFF"] == [((2480, 3472), 298), ((100, 80), 600)], "every page, each checked"


# -- every accepted kind builds, and LibreOffice may die meanwhile -------------------------


@pytest.fixture
def running(tmp_path: Path) -> Any:
    """A portal with its warm LibreOffice worker, and an applicant's client."""
    app = create_app(tmp_path / "data", None, workers=1, secure_cookies=False)
    with TestClient(app) as client:
        with app.state.portal.db() as session:
            add_user(session, "a", PASSWORD, "applicant", "成都市")
        login = client.post("/api/login", json={"name": "a", "password": PASSWORD})
        client.headers["X-CSRF-Token"] = login.json()["csrf"]
        yield client


@pytest.mark.pdf
def test_every_accepted_kind_builds_into_the_packet_without_what_acts(
    running: TestClient, tmp_path: Path
) -> None:
    report = start(running, PROVIDER, example(PROVIDER))
    before = running.get(f"/applications/{report}/packet.pdf")
    assert before.status_code == 200
    alone = len(PdfReader(io.BytesIO(before.content)).pages)
    pages = io.BytesIO()
    Image.new("RGB", (300, 400), "blue").save(
        pages, "TIFF", save_all=True, append_images=[Image.new("1", (400, 300))]
    )
    accepted = {
        "licence.pdf": hostile_pdf(),
        "drawing.pdf": OPERATORS,
        "photo.jpg": picture("RGB", (400, 300), "JPEG"),
        "transparent.png": picture("RGBA", (5000, 5000)),
        "palette.png": picture("P", (300, 300)),
        "pages.tif": pages.getvalue(),
    }
    for name, content in accepted.items():
        assert _upload(running, report, name, content, title=f"附件 {name}").status_code == 200, name
    made = running.get(f"/applications/{report}/packet.pdf")
    assert made.status_code == 200, made.text
    pdf = tmp_path / "packet.pdf"
    pdf.write_bytes(made.content)
    assert len(PdfReader(pdf).pages) == alone + 7, "one page each, two for the TIFF"
    assert [m.title for m in bookmarks(pdf)][-6:] == [f"附件 {name}" for name in accepted]
    assert "LICENCE 12345" in pdf_text(pdf)
    for trace in (b"JavaScript", b"cmd.exe", b"evil.example", b"MZ evil"):
        assert trace not in made.content, trace


def _kill_office(marks: Path, limit: int, worker: convert.Worker, _source: Path) -> None:
    """Held at the job's start in the process that converts, its LibreOffice is killed before
    it converts: `limit` times in all, each kill claiming a numbered file in `marks` (the
    claim holds across the worker processes) that names the LibreOffice killed."""
    assert worker.office_pid is not None
    for n in range(limit):
        try:
            with (marks / f"{n:03d}").open("x") as claimed:
                claimed.write(str(worker.office_pid))
        except FileExistsError:
            continue
        os.kill(worker.office_pid, signal.SIGKILL)
        return


def _killed(marks: Path) -> list[int]:
    return [int(p.read_text()) for p in sorted(marks.iterdir())]


@pytest.mark.pdf
def test_previews_retry_on_a_fresh_libreoffice_when_one_is_killed(
    running: TestClient, tmp_path: Path
) -> None:
    report = start(running, PROVIDER, example(PROVIDER))
    pool = running.app.state.portal.pdf  # type: ignore[attr-defined]
    marks = tmp_path / "killed"
    marks.mkdir()
    pool.on_job_start = functools.partial(_kill_office, marks, 2)
    answers: list[int] = []
    ready = threading.Barrier(3)

    def preview() -> None:
        ready.wait()
        answers.append(running.get(f"/applications/{report}/packet.pdf").status_code)

    threads = [threading.Thread(target=preview) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pool.on_job_start = None
    assert len(_killed(marks)) == 2
    assert answers == [200, 200, 200]


@pytest.mark.pdf
def test_a_preview_whose_every_try_is_killed_gets_503_with_retry_after(
    running: TestClient, tmp_path: Path
) -> None:
    report = start(running, PROVIDER, example(PROVIDER))
    pool = running.app.state.portal.pdf  # type: ignore[attr-defined]
    marks = tmp_path / "killed"
    marks.mkdir()
    pool.on_job_start = functools.partial(_kill_office, marks, 100)
    try:
        failed = running.get(f"/applications/{report}/packet.pdf")
    finally:
        pool.on_job_start = None
    tries = _killed(marks)
    assert len(tries) == convert.MAX_TRIES and len(set(tries)) == convert.MAX_TRIES, "a fresh one each try"
    assert failed.status_code == 503 and failed.headers["retry-after"]
    assert "生成PDF失败" in failed.text
    _once(failed)
    assert running.get(f"/applications/{report}/packet.pdf").status_code == 200, "and then it works again"


# -- upload names and titles -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.png",
        "..\\..\\windows\\win.ini.png",
        "licence\x00\r\n\x1b[31m.png",
        "营" * 300 + ".png",
    ],
)
def test_an_upload_name_is_never_a_path_and_never_shown(site: Site, name: str) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    assert _upload(client, report, name, picture("L", (4, 4))).status_code == 200
    (stored,) = stored_uploads(site)
    assert len(stored) == 36 and stored.endswith(".png")
    page = client.get(f"/applications/{report}/sections/6").text
    assert "passwd" not in page and "win.ini" not in page and "\x1b" not in page
    assert not (site.data_dir / "uploads").exists()


def test_a_title_with_markup_prints_literally(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    title = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    assert _upload(client, report, "a.png", picture("L", (4, 4)), title=title).status_code == 200
    page = client.get(f"/applications/{report}/sections/6").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    download = client.get(f"/applications/{report}/attachments/1")
    assert "%3Cscript%3E" in download.headers["content-disposition"], "quoted, never raw"


# -- item 7: malformed requests get a 4xx with a reason -----------------------------------


def test_malformed_requests_get_a_4xx_with_a_reason(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER, example(PROVIDER))
    version = client.get(f"/api/applications/{report}").json()["version"]
    url = f"/api/applications/{report}/data"
    plain = client.put(url, content=b'{"data": {}, "version": 1}', headers={"content-type": "text/plain"})
    assert plain.status_code == 422 and "body" in plain.json()["detail"]
    surrogate = client.put(
        url,
        content=b'{"data": {"report": {"profile": {"unit_name": "\\ud800"}}}, "version": %d}' % version,
        headers={"content-type": "application/json"},
    )
    assert surrogate.status_code == 400 and "surrogate" in surrogate.json()["detail"]
    for path in (
        "/api/applications/99999999999999999999999",
        "/applications/99999999999999999999999/sections/0",
        f"/applications/{report}/attachments/99999999999999999999999",
        "/api/applications/2147483648",
    ):
        assert client.get(path).status_code == 404, path
    rows = client.put(url, json={"data": {"equipment": [{}] * 50_000}, "version": version})
    assert rows.status_code == 413 and str(MAX_ROWS) in rows.json()["detail"]
    assert client.get(f"/api/applications/{report}").json()["version"] == version, "nothing saved"


@pytest.mark.parametrize(
    "action",
    [
        "add:",
        "add:report",
        "add:report.profile.unit_name",
        "remove:report[0]",
        "ask-remove:report[0]",
        "copy:x",
    ],
)
def test_a_crafted_row_action_is_refused_and_later_saves_work(site: Site, action: str) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER, example(PROVIDER))
    before = client.get(f"/api/applications/{report}").json()
    token = client.headers["X-CSRF-Token"]
    crafted = client.post(
        f"/applications/{report}/sections/3",
        data={"csrf": token, "version": str(before["version"]), "_action": action},
        follow_redirects=False,
    )
    assert crafted.status_code == 422 and "本页没有这个操作" in crafted.text
    after = client.get(f"/api/applications/{report}").json()
    assert after["data"] == before["data"] and after["version"] == before["version"]
    saved = client.put(
        f"/api/applications/{report}/data", json={"data": before["data"], "version": before["version"]}
    )
    assert saved.status_code == 200


def test_oversized_bodies_get_413_even_when_chunked(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)

    def chunks(total: int) -> Any:
        for _ in range(total // 2**20 + 1):
            yield b" " * 2**20

    json_body = client.put(
        f"/api/applications/{report}/data",
        content=chunks(JSON_LIMIT),
        headers={"content-type": "application/json"},
    )
    assert json_body.status_code == 413 and "4 MB" in json_body.json()["detail"]
    assert "content-length" not in {k.lower() for k in json_body.request.headers}, "sent chunked"
    form = client.post(
        f"/applications/{report}/attachments",
        content=chunks(REQUEST_LIMIT),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert form.status_code == 413


# -- headers on every response ---------------------------------------------------------------


def _once(response: Any) -> None:
    names = [name.lower() for name, _ in response.headers.multi_items()]
    for header in HEADERS:
        assert names.count(header) == 1, (response.status_code, header, names)


def test_every_response_carries_the_security_headers_once_and_private_ones_no_store(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    assert _upload(client, report, "a.png", picture("L", (4, 4))).status_code == 200
    responses = {
        "page": client.get("/applications"),
        "json": client.get(f"/api/applications/{report}"),
        "404": client.get("/no-such-page"),
        "405": client.delete("/api/applications"),
        "413": client.put(
            f"/api/applications/{report}/data",
            content=b" " * (JSON_LIMIT + 1),
            headers={"content-type": "application/json"},
        ),
        "422": client.post("/api/applications", json={"packet_id": "no.such"}),
        "download": client.get(f"/applications/{report}/attachments/1"),
        "static": client.get("/static/portal.css"),
    }
    monkeypatch.setattr(applicant, "choices", lambda: 1 / 0)
    broken = TestClient(site.app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    broken.cookies = client.cookies
    responses["500"] = broken.get("/applications")
    assert {k: r.status_code for k, r in responses.items()} == {
        "page": 200, "json": 200, "404": 404, "405": 405, "413": 413, "422": 422,
        "download": 200, "static": 200, "500": 500,
    }  # fmt: skip
    for kind, response in responses.items():
        _once(response)
        expected = None if kind == "static" else "no-store"
        assert response.headers.get("cache-control") == expected, kind
    assert "服务器内部错误" in responses["500"].text and "ZeroDivision" not in responses["500"].text
    assert "找不到此页" in responses["404"].text


# -- uploads in the database -----------------------------------------------------------------


def test_a_second_process_on_the_same_database_serves_the_same_upload(site: Site, tmp_path: Path) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    assert _upload(client, report, "licence.pdf", hostile_pdf()).status_code == 200
    engine = site.portal.sessions.kw["bind"]
    other = create_app(
        tmp_path / "elsewhere", engine.url.render_as_string(hide_password=False), secure_cookies=False
    )
    moved = TestClient(other, base_url="http://127.0.0.1", cookies=client.cookies)
    served = moved.get(f"/applications/{report}/attachments/1")
    assert served.status_code == 200, "the session and the file are the database's, not one process's"
    assert served.content == next(iter(stored_uploads(site).values()))
    assert not (tmp_path / "elsewhere" / "uploads").exists()
    other.state.portal.sessions.kw["bind"].dispose()


def test_an_upload_an_older_portal_kept_on_disk_is_still_served(site: Site) -> None:
    site.user("a", "applicant", "成都市")
    client = site.client("a")
    report = start(client, PROVIDER)
    assert _upload(client, report, "a.png", picture("L", (4, 4))).status_code == 200
    ((name, content),) = stored_uploads(site).items()
    with site.portal.db() as session:  # as an older portal left it: a file, no row of bytes
        session.execute(sqlalchemy.delete(UploadBlob))
        session.commit()
    (site.data_dir / "uploads").mkdir()
    (site.data_dir / "uploads" / name).write_bytes(content)
    assert client.get(f"/applications/{report}/attachments/1").content == content
