"""The portal's 盖章 step: the applicant uploads the stamped scan after submitting, it is checked
off the request, and the bureau sees the outcome beside the application.

The checker is held (`Checker.hold`) while the pages are looked at, so 核对中 is seen for
certain, then let go; its `finished` event says when the outcome is written.
"""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import BrowserContext, expect

from formgen.workflows.portal.accounts import add_user
from tests.paper import scanning
from tests.pdf_reading import Page, pages
from tests.workflows.portal.conftest import PASSWORD, PROVIDER, Site, example, start
from tests.workflows.portal.test_browser import sign_in

pytestmark = pytest.mark.pdf
CHECK_S = 900
"""The longest a check may take on a loaded machine (OCR of a packet's pages)."""
SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "paper"
TURNED = scanning.Scanner(angle=1.0, jpeg=70)
"""A clean scan turned 1°, JPEG q70."""


def _stamped_scan(
    packet: bytes,
    folder: Path,
    *,
    keep: int | None = None,
    swap: bool = False,
    forged: bytes | None = None,
    scanner: scanning.Scanner = TURNED,
) -> bytes:
    """The packet printed, stamped, scanned at 150 dpi by `scanner` (its first `keep` pages; with
    `swap`, its first two in the wrong order; with `forged`, another packet of the same pages,
    its one page whose text differs put in place of the packet's, carrying the packet's code)."""
    pdf = folder / "submitted.pdf"
    pdf.write_bytes(packet)
    printed = scanning.render(pdf, 150)
    if forged is not None:
        other = folder / "forged.pdf"
        other.write_bytes(forged)
        changed = _differing_page(pdf, other)
        printed[changed] = scanning.paste_code(scanning.render(other, 150)[changed], printed[changed], 150)
    images = [
        scanner.scan(scanning.stamp(image, scanning.seal_places(page), 150), seed=n)
        for n, (image, page) in enumerate(zip(printed, pages(pdf), strict=True), start=1)
    ][:keep]
    if swap:
        images[0], images[1] = images[1], images[0]
    out = io.BytesIO()
    first, *rest = images
    first.save(out, "PDF", resolution=150, save_all=True, append_images=rest)
    return out.getvalue()


def _differing_page(pdf: Path, other: Path) -> int:
    """The one page (0-based) whose words above the foot band (where each packet prints its
    own page code) differ between the packets `pdf` and `other`."""

    def body(page: Page) -> list[str]:
        return [word.text for word in page.words if word.y1 < page.height - 20 * scanning.MM]

    (changed,) = [
        n for n, (a, b) in enumerate(zip(pages(pdf), pages(other), strict=True)) if body(a) != body(b)
    ]
    return changed


def _signed_in(client: TestClient, name: str) -> str:
    csrf: str = client.post("/api/login", json={"name": name, "password": PASSWORD}).json()["csrf"]
    client.headers["X-CSRF-Token"] = csrf
    return csrf


def test_the_paper_copy_is_checked_off_the_request_and_shown_to_the_bureau(
    site: Site, tmp_path: Path
) -> None:
    site.user("applicant", "applicant", "成都市")
    site.user("other", "applicant", "成都市")
    site.user("bureau", "bureau", "成都市")
    checker = site.app.state.paper_checker
    with TestClient(site.app, base_url="http://127.0.0.1") as applicant:  # lifespan: workers, checker
        csrf = _signed_in(applicant, "applicant")
        report = start(applicant, PROVIDER, example(PROVIDER))
        early = applicant.post(
            f"/applications/{report}/paper", data={"csrf": csrf}, files={"file": ("盖章件.pdf", b"%PDF")}
        )
        assert early.status_code == 409 and "提交后才能上传盖章件" in early.text
        assert applicant.post(f"/api/applications/{report}/submit").json()["status"] == "submitted"
        packet = applicant.get(f"/applications/{report}/packet.pdf")
        assert packet.status_code == 200
        refused = applicant.post(
            f"/applications/{report}/paper", data={"csrf": csrf}, files={"file": ("盖章件.png", b"%PDF-1.4")}
        )
        assert refused.status_code == 422 and "PDF、JPG、PNG或TIFF" in refused.text

        checker.hold = threading.Event()
        scan = _stamped_scan(packet.content, tmp_path, keep=2, swap=True)
        uploaded = applicant.post(
            f"/applications/{report}/paper", data={"csrf": csrf}, files={"file": ("盖章件.pdf", scan)}
        )
        assert uploaded.status_code == 200
        assert 'data-state="pending"' in uploaded.text and "核对中" in uploaded.text

        bureau = TestClient(site.app, base_url="http://127.0.0.1")
        _signed_in(bureau, "bureau")
        assert "核对中" in bureau.get(f"/bureau/applications/{report}").text
        stranger = TestClient(site.app, base_url="http://127.0.0.1")
        _signed_in(stranger, "other")
        assert stranger.get(f"/applications/{report}/paper").status_code == 404

        checker.hold.set()
        assert checker.finished.wait(CHECK_S), "the check finished"
        shown = applicant.get(f"/applications/{report}/paper").text
        assert 'data-state="done"' in shown and "纸质材料与电子材料不一致" in shown
        total = len(pages(tmp_path / "submitted.pdf"))
        for number in range(3, total + 1):
            assert f"第{number}页（扫描件中缺失）：扫描件缺页" in shown
        assert "顺序错误" in shown
        reviewed = bureau.get(f"/bureau/applications/{report}").text
        assert "纸质材料与电子材料不一致" in reviewed and "第3页（扫描件中缺失）：扫描件缺页" in reviewed
        (marked,) = re.findall(r'src="(/applications/\d+/paper/marked/[0-9a-f]{32}\.png)"', reviewed)
        picture = bureau.get(marked)
        assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")
        assert bureau.get(marked.replace(marked[-36:-4], "0" * 32)).status_code == 404
        assert stranger.get(marked).status_code == 404


def test_an_applicant_uploads_the_stamped_scan_in_a_browser_and_the_bureau_sees_it_agree(
    served: tuple[str, Any],
    browser: BrowserContext,
    tmp_path: Path,
) -> None:
    base, app = served
    with app.state.portal.db() as session:
        add_user(session, "applicant", PASSWORD, "applicant", "成都市")
        add_user(session, "bureau", PASSWORD, "bureau", "成都市")
    checker = app.state.paper_checker
    checker.hold = threading.Event()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    sign_in(page, base, "applicant")
    expect(page.get_by_role("link", name="我的申请")).to_be_visible()
    csrf = page.request.post(base + "/api/login", data={"name": "applicant", "password": PASSWORD}).json()[
        "csrf"
    ]
    headers = {"X-CSRF-Token": csrf}
    created = page.request.post(
        base + "/api/applications", data={"packet_id": PROVIDER}, headers=headers
    ).json()
    saved = page.request.put(
        base + f"/api/applications/{created['id']}/data",
        data={"data": example(PROVIDER), "version": created["version"]},
        headers=headers,
    )
    assert saved.ok, saved.text()
    assert page.request.post(base + f"/api/applications/{created['id']}/submit", headers=headers).ok
    packet = page.request.get(base + f"/applications/{created['id']}/packet.pdf")
    assert packet.ok
    scan = tmp_path / "盖章扫描件.pdf"
    scan.write_bytes(_stamped_scan(packet.body(), tmp_path))

    page.goto(base + f"/applications/{created['id']}/summary")
    page.get_by_role("link", name="盖章件：上传盖章扫描件并核对").click()
    page.get_by_label("盖章扫描件").set_input_files(str(scan))
    page.get_by_role("button", name="上传并核对").click()
    expect(page.locator("#paper-check")).to_have_attribute("data-state", "pending")
    expect(page.locator("#paper-check")).to_contain_text("核对中")
    page.screenshot(path=str(SHOTS / "01-checking.png"), full_page=True)

    checker.hold.set()
    assert checker.finished.wait(CHECK_S), "the check finished"
    # The page refreshes itself while the check is pending (every 5 s): no reload of the test's
    # own, which would race that refresh.
    expect(page.locator("#paper-check")).to_have_attribute("data-state", "done", timeout=60_000)
    expect(page.locator("#paper-check")).to_contain_text("纸质材料与电子材料一致")
    page.screenshot(path=str(SHOTS / "02-agrees.png"), full_page=True)

    page.get_by_role("button", name="退出").click()
    sign_in(page, base, "bureau")
    page.goto(base + f"/bureau/applications/{created['id']}")
    expect(page.locator("#paper-check")).to_contain_text("纸质材料与电子材料一致")
    expect(page.get_by_role("button", name="受理", exact=True)).to_be_visible()
    page.screenshot(path=str(SHOTS / "03-bureau.png"), full_page=True)


def test_a_scan_with_a_changed_amount_is_shown_to_the_applicant_and_the_bureau_before_intake(
    served: tuple[str, Any],
    browser: BrowserContext,
    tmp_path: Path,
) -> None:
    base, app = served
    with app.state.portal.db() as session:
        add_user(session, "applicant", PASSWORD, "applicant", "成都市")
        add_user(session, "bureau", PASSWORD, "bureau", "成都市")
    checker = app.state.paper_checker
    page = browser.new_page()
    sign_in(page, base, "applicant")
    expect(page.get_by_role("link", name="我的申请")).to_be_visible()
    csrf = page.request.post(base + "/api/login", data={"name": "applicant", "password": PASSWORD}).json()[
        "csrf"
    ]
    headers = {"X-CSRF-Token": csrf}
    changed = example(PROVIDER)
    changed["report"]["profile"]["revenue"]["y2022"] = (
        15842.8  # submitted 15,342.80: one digit on paper differs
    )
    packets = []
    for data in (example(PROVIDER), changed):
        created = page.request.post(
            base + "/api/applications", data={"packet_id": PROVIDER, "another": True}, headers=headers
        ).json()
        saved = page.request.put(
            base + f"/api/applications/{created['id']}/data",
            data={"data": data, "version": created["version"]},
            headers=headers,
        )
        assert saved.ok, saved.text()
        assert page.request.post(base + f"/api/applications/{created['id']}/submit", headers=headers).ok
        packet = page.request.get(base + f"/applications/{created['id']}/packet.pdf")
        assert packet.ok
        packets.append((created["id"], packet.body()))
    (application, submitted), (_, other) = packets
    scan = tmp_path / "盖章扫描件.pdf"
    # scanned as tests/paper/test_verify.py's tampering rounds are: speckled, blurred, JPEG q60
    speckled = scanning.Scanner(angle=1.5, noise=6, blur=0.5, jpeg=60, shadow=True)
    scan.write_bytes(_stamped_scan(submitted, tmp_path, forged=other, scanner=speckled))
    changed_page = _differing_page(tmp_path / "submitted.pdf", tmp_path / "forged.pdf") + 1

    page.goto(base + f"/applications/{application}/paper")
    page.get_by_label("盖章扫描件").set_input_files(str(scan))
    page.get_by_role("button", name="上传并核对").click()
    assert checker.finished.wait(CHECK_S), "the check finished"
    # While 核对中 the page refreshes itself every 5 s: wait for its result, not a reload.
    check = page.locator("#paper-check")
    expect(check).to_have_attribute("data-state", "done", timeout=60_000)
    expect(check).to_contain_text("纸质材料与电子材料不一致")
    finding = check.locator("li", has_text=f"第{changed_page}页")
    expect(finding).to_contain_text("内容不一致")
    expect(finding).to_contain_text("电子材料“3”，纸质材料“8”")
    expect(check.locator("li")).to_have_count(1)
    expect(check).to_contain_text("请按提交的电子材料重新打印下列页面，盖章、扫描后重新上传")
    page.screenshot(path=str(SHOTS / "11-applicant-differs.png"), full_page=True)

    page.get_by_role("button", name="退出").click()
    sign_in(page, base, "bureau")
    page.goto(base + f"/bureau/applications/{application}")
    check = page.locator("#paper-check")
    expect(check).to_contain_text("纸质材料与电子材料不一致")
    finding = check.locator("li", has_text=f"第{changed_page}页")
    expect(finding).to_contain_text("内容不一致")
    expect(finding).to_contain_text("电子材料“3”，纸质材料“8”")
    picture = finding.get_by_role("img", name=f"第{changed_page}页标注图")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0"), "the marked page is shown"
    intake = page.get_by_role("button", name="受理", exact=True)
    expect(intake).to_be_visible()
    above = check.bounding_box()
    below = intake.bounding_box()
    assert above is not None and below is not None and above["y"] < below["y"], "the check comes before 受理"
    expect(check).not_to_contain_text("重新上传")
    page.screenshot(path=str(SHOTS / "12-bureau-differs.png"), full_page=True)
