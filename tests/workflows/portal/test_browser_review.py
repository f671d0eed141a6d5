"""The 核对并提交 page in Chromium: each answer takes exactly the lines it prints, with no
blank line after it. Screenshots go to test-artifacts/portal/review/ to be looked at."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import BrowserContext, expect

from formgen.workflows.portal.accounts import add_user
from tests.workflows.portal.browsing import Steps
from tests.workflows.portal.conftest import PASSWORD, PROVIDER
from tests.workflows.portal.test_browser import sign_in
from tests.workflows.portal.test_browser_walks import _draft

GAPS = """() => [...document.querySelectorAll("dl.answers dd")]
  .filter((dd) => !dd.querySelector("dl"))
  .map((dd) => {
    const below = dd.getBoundingClientRect().bottom;
    const last = Math.max(...[...dd.children].map((c) => c.getBoundingClientRect().bottom));
    const line = parseFloat(getComputedStyle(dd).lineHeight) || 24;
    return [dd.previousElementSibling.textContent.trim(), (below - last) / line];
  })"""
"""Each answer's label and how far its box reaches below its last printed line, in lines (a
printed line's box is a little shorter than the line it sits on: a blank line is a whole one)."""


def test_the_review_page_shows_no_blank_line_after_an_answer(
    served: tuple[str, Any], browser: BrowserContext
) -> None:
    base, app = served
    with app.state.portal.db() as session:
        add_user(session, "蜀安公司", PASSWORD, "applicant", "成都市")
    application = _draft(app, "蜀安公司", PROVIDER)
    page = browser.new_page()
    sign_in(page, base, "蜀安公司")
    page.goto(f"{base}/applications/{application}/summary")
    expect(page.get_by_role("heading", name="核对填写内容")).to_be_visible()
    Steps("review").shot(page, "answers")
    gaps: list[tuple[str, float]] = page.evaluate(GAPS)
    assert len(gaps) > 20, gaps
    assert [g for g in gaps if g[1] > 0.5] == []
    empty = page.evaluate(
        """() => [...document.querySelectorAll("main dd, main p")]
             .filter((e) => !e.textContent.trim() && !e.querySelector("input, button, select, img")).length"""
    )
    assert empty == 0
