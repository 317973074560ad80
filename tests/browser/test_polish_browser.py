"""What people saw in a real Chromium (issue 21): a standing kiosk at 1080×1920, its thank-you page
that waits for the next customer, question numbers that close up when logic hides one, and the
staff pages on a 1280 px screen."""
from __future__ import annotations

import re

import pytest

from tests.browser.support import SECRET, field_survey
from tests.browser.test_staff_browser import make_staff, sign_in
from tests.served import served_instance

pytestmark = pytest.mark.browser


def _kiosk_to_last_page(page, base: str, wave: dict) -> None:
    """Answer the every-type survey on the kiosk link up to its last page."""
    page.goto(f"{base}/o/{wave['open_key']}?kiosk=1")
    page.goto(f"{base}/r/{wave['wave_code']}?p=1")
    page.check("#f-Q1-2"), page.check("#f-Q2-6"), page.check("#f-Q3-2")
    page.click("button[value=next]")
    page.check("#f-Q4_1-7"), page.check("#f-Q4_2-5"), page.check("#f-Q6-10")
    page.click("button[value=next]")
    for select_id, label in (("#f-Q7", "2위"), ("#f-Q7-2", "1위"), ("#f-Q7-3", "3위")):
        page.select_option(select_id, label=label)
    page.fill("#f-Q8", "3")
    page.check("#f-Q10-5")


def test_the_kiosk_promises_no_resuming_and_its_thank_you_page_resets_soon(live_app, new_page):
    """The welcome page of a shared device does not offer "같은 링크로 이어서"; the thank-you page goes
    back to the start after KIOSK_RESET_SECONDS (2 here), long before the idle warning (120 s)."""
    wave = field_survey(live_app)
    with served_instance(live_app.instance_path, SECRET, workers=1, KIOSK_RESET_SECONDS=2) as server:
        page = new_page(width=1080)
        page.goto(f"{server.url}/o/{wave['open_key']}?kiosk=1")
        welcome = page.inner_text("main")
        assert "같은 링크로" not in welcome and "처음 화면으로 돌아가" in welcome
        _kiosk_to_last_page(page, server.url, wave)
        page.click("button[value=next]")
        page.wait_for_url(re.compile(r"/done"))
        assert "2초 뒤 처음 화면으로 돌아갑니다" in page.inner_text("main")
        page.wait_for_url(f"**/r/{wave['wave_code']}", timeout=6000)  # the next customer's welcome
        assert "설문 시작하기" in page.content()


def test_a_standing_kiosk_scales_its_text_and_controls(live_app, browser, axe_check):
    """At 1080×1920 portrait the text is at least 32 px and each choice at least 80 px tall (a phone
    layout would give 17 px and 64 px); axe-core finds nothing."""
    wave = field_survey(live_app)
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, locale="ko-KR")
    try:
        page = context.new_page()
        page.goto(f"{wave['base']}/o/{wave['open_key']}?kiosk=1")
        page.goto(f"{wave['base']}/r/{wave['wave_code']}?p=1")
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.question legend')).fontSize)")
        option = page.evaluate("document.querySelector('.option').getBoundingClientRect().height")
        button = page.evaluate("document.querySelector('button[value=next]').getBoundingClientRect().height")
        assert size >= 32 and option >= 80 and button >= 80, (size, option, button)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert axe_check(page) == []
    finally:
        context.close()


def test_numbers_close_up_when_a_question_is_hidden_on_the_page(live_app, new_page):
    """The postal template's SQ2 shows only for SQ1 = 1: choosing 아니요 hides it, and no number is
    missing (the browser's numbers are the shown questions' 1, 2, …)."""
    from questionnaires import load_template
    from survey_app.database import db
    from survey_app.models import Survey, Wave

    postal = load_template("postal_satisfaction").to_dict()
    with live_app.app_context():
        survey = Survey(code="BROWSER-NUMBERS", title="번호", kind="customer_satisfaction", draft_definition=postal)
        wave = Wave(code="BN-1", name="번호 차수", survey=survey, version=survey.publish(postal), state="open",
                    open_link_key="bnumbers")
        db.session.add_all([survey, wave])
        db.session.commit()
    base = live_app.config["LIVE_URL"]
    page = new_page(width=360)
    page.goto(f"{base}/o/bnumbers")
    page.goto(f"{base}/r/BN-1?p=1")
    shown = "() => [...document.querySelectorAll('[data-question]:not([hidden]) .qno')].map(e => e.textContent)"
    page.check("#f-SQ1-2")
    assert page.evaluate(shown) == ["1."]
    page.check("#f-SQ1")
    assert page.evaluate(shown) == ["1.", "2."]
    assert "SQ1" not in page.inner_text("main")


def test_staff_pages_use_a_1280_screen(live_app, browser, axe_check):
    """At 1280×800 the staff header is one row (no taller than 90 px; it wrapped to three), the
    content column uses the screen (≥ 1150 px; it was 960 px), and table cells do not break Korean
    words (word-break: keep-all)."""
    name = make_staff(live_app)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR")
    try:
        page = context.new_page()
        sign_in(page, live_app.config["LIVE_URL"], name)
        for path in ("/manage/", "/admin/audit"):
            page.goto(live_app.config["LIVE_URL"] + path)
            header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
            width = page.evaluate("document.querySelector('main').getBoundingClientRect().width")
            assert header <= 90 and width >= 1150, (path, header, width)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            cells = page.evaluate("[...document.querySelectorAll('.table td, .table th')]"
                                  ".map(c => getComputedStyle(c).wordBreak)")
            assert set(cells) <= {"keep-all"}
            assert page.evaluate("getComputedStyle(document.querySelector('main')).wordBreak") == "keep-all"
            assert axe_check(page) == []
    finally:
        context.close()
