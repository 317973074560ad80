"""Respondents in a real headless Chromium: keyboard only, logic with and without scripts, resume,
double submission, and axe-core (WCAG 2.1 A/AA) on every respondent page type."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey_app.database import db
from survey_app.models import Answer, Invitation, Response, ResponseStatus, hash_token
from tests.browser.support import SECRET, count_responses, field_survey
from tests.served import served_instance

pytestmark = pytest.mark.browser


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector`` (keyboard only, no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def choose(page, first_radio_id: str, steps: int) -> None:
    """Select the option ``steps`` after the first in a radio group with the arrow keys."""
    tab_to(page, f"#{first_radio_id}")
    if steps == 0:
        page.keyboard.press("Space")
    for _ in range(steps):
        page.keyboard.press("ArrowDown")


def submit_with_keyboard(page) -> None:
    tab_to(page, "button[value=next]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def answers_of(app, token: str) -> dict:
    with app.app_context():
        invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
        rows = db.session.execute(select(Answer.question_code, Answer.position, Answer.value_num, Answer.choice,
                                         Answer.value_text).join(Response)
                                  .where(Response.invitation_id == invitation.id)).all()
    return {(c, p): n if n is not None else (ch if ch is not None else t) for c, p, n, ch, t in rows}


def test_a_survey_can_be_finished_with_the_keyboard_alone(live_app, new_page, shoot):
    wave = field_survey(live_app)
    page = new_page(width=360)
    page.goto(f"{wave['base']}/s/{wave['tokens'][0]}")
    tab_to(page, "a.button.primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    choose(page, "f-Q1", 1)
    choose(page, "f-Q2", 5)
    choose(page, "f-Q3", 1)
    submit_with_keyboard(page)
    assert "2 / 3쪽" in page.content()
    choose(page, "f-Q4_1", 6)
    choose(page, "f-Q4_2", 4)
    choose(page, "f-Q6", 9)
    submit_with_keyboard(page)
    for select_id, presses in (("f-Q7", 2), ("f-Q7-2", 1), ("f-Q7-3", 3)):
        tab_to(page, f"#{select_id}")
        for _ in range(presses):
            page.keyboard.press("ArrowDown")
    tab_to(page, "#f-Q8")
    page.keyboard.type("4")
    choose(page, "f-Q10", 4)
    submit_with_keyboard(page)
    assert "응답해 주셔서 감사합니다" in page.content(), page.inner_text("main")[:1500]
    shoot(page, "thank-you")
    answers = answers_of(live_app, wave["tokens"][0])
    assert answers[("Q1", 0)] == 2 and answers[("Q2", 0)] == 6 and answers[("Q3", 0)] == 2
    assert answers[("Q4_1", 0)] == 7 and answers[("Q6", 0)] == 9 and answers[("Q8", 0)] == 4
    assert [answers[("Q7", i)] for i in range(3)] == ["b", "a", "c"] and answers[("Q10", 0)] == 5
    assert count_responses(live_app, wave["wave_id"], ResponseStatus.COMPLETE) == 1


def test_skip_logic_updates_the_page_instantly_with_scripts_on(live_app, new_page):
    wave = field_survey(live_app)
    page = new_page()
    page.goto(f"{wave['base']}/s/{wave['tokens'][0]}")
    page.goto(f"{wave['base']}/r/{wave['wave_code']}?p=1")
    follow_up = page.locator("[data-question=Q3A]")
    assert follow_up.is_hidden()
    page.check("#f-Q3")  # 예: waited a long time
    assert follow_up.is_visible()
    page.check("#f-Q3-2")
    assert follow_up.is_hidden()


def test_skip_logic_works_with_scripts_off(live_app, new_page):
    wave = field_survey(live_app)
    page = new_page(javascript=False)
    page.goto(f"{wave['base']}/s/{wave['tokens'][0]}")
    page.goto(f"{wave['base']}/r/{wave['wave_code']}?p=1")
    assert page.locator("[data-question=Q3A]").is_visible()  # shown: the server decides on submit
    page.check("#f-Q1-2"), page.check("#f-Q2-6"), page.check("#f-Q3")
    page.click("button[value=next]")
    summary = page.inner_text("#error-summary")  # 예 → the follow-up is required, named by its number
    assert "4. 얼마나 기다리셨는지" in summary and "Q3A" not in summary
    page.check("#f-Q3-2")
    page.fill("#f-Q3A", "30분")
    page.click("button[value=next]")
    page.wait_for_url(re.compile(r"[?&]p=2$"))
    assert "2 / 3쪽" in page.content()
    assert ("Q3A", 0) not in answers_of(live_app, wave["tokens"][0])  # hidden by logic: not stored


def test_answers_survive_closing_the_browser(live_app, new_page):
    wave = field_survey(live_app)
    first = new_page()
    first.goto(f"{wave['base']}/s/{wave['tokens'][0]}")
    first.goto(f"{wave['base']}/r/{wave['wave_code']}?p=1")
    first.check("#f-Q1-2"), first.check("#f-Q2-6"), first.check("#f-Q3-2")
    first.click("button[value=next]")
    first.wait_for_url(re.compile(r"[?&]p=2$"))  # saved, before the browser closes
    first.context.close()
    later = new_page(width=360)
    later.goto(f"{wave['base']}/s/{wave['tokens'][0]}")
    assert "2 / 3쪽" in later.content()
    later.goto(f"{wave['base']}/r/{wave['wave_code']}?p=1")
    assert later.is_checked("#f-Q2-6")


def _reach_last_page(page, wave) -> None:
    page.goto(f"{wave['base']}/s/{wave['tokens'][0]}")
    page.goto(f"{wave['base']}/r/{wave['wave_code']}?p=1")
    page.check("#f-Q1-2"), page.check("#f-Q2-6"), page.check("#f-Q3-2")
    page.click("button[value=next]")
    page.check("#f-Q4_1-7"), page.check("#f-Q4_2-5"), page.check("#f-Q6-10")
    page.click("button[value=next]")
    for select_id, label in (("#f-Q7", "2위"), ("#f-Q7-2", "1위"), ("#f-Q7-3", "3위")):
        page.select_option(select_id, label=label)
    page.fill("#f-Q8", "3")
    page.check("#f-Q10-5")


def test_a_double_submission_race_leaves_exactly_one_response(live_app, new_page):
    wave = field_survey(live_app)
    page = new_page()
    _reach_last_page(page, wave)
    statuses = page.evaluate("""async () => {
        const form = document.getElementById('survey-form');
        const data = new FormData(form); data.set('move', 'next');
        const sends = Array.from({length: 6}, () => fetch(form.getAttribute('action'), {method: 'POST', body: data}));
        const answers = await Promise.all(sends);
        return Promise.all(answers.map(async a => [a.status, await a.text()]));
    }""")
    assert all(status == 200 for status, _ in statuses), [s for s, _ in statuses]
    assert all("감사합니다" in body or "이미 응답" in body for _, body in statuses)
    assert count_responses(live_app, wave["wave_id"]) == 1
    assert count_responses(live_app, wave["wave_id"], ResponseStatus.COMPLETE) == 1


def test_a_double_click_on_submit_counts_once(live_app, new_page):
    wave = field_survey(live_app)
    page = new_page()
    _reach_last_page(page, wave)
    page.dblclick("button[value=next]")
    page.wait_for_url("**/done*")
    assert count_responses(live_app, wave["wave_id"], ResponseStatus.COMPLETE) == 1


def _expired_token(app) -> tuple[dict, str]:
    wave = field_survey(app)
    with app.app_context():
        invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(wave["tokens"][0])))
        invitation.hidden = {**invitation.hidden, "_expires_at": "2020-01-01T00:00:00+00:00"}
        db.session.commit()
    return wave, wave["tokens"][0]


def test_every_respondent_page_type_passes_axe(live_app, new_page, axe_check, shoot):
    wave = field_survey(live_app)
    page = new_page()
    checked = {}

    def visit(name: str) -> None:
        checked[name] = axe_check(page)
        shoot(page, name)

    page.goto(f"{wave['base']}/s/{wave['tokens'][0]}")
    visit("welcome")
    page.goto(f"{wave['base']}/r/{wave['wave_code']}?p=1")
    visit("page-choices")
    page.click("button[value=next]")
    visit("error-state")
    page.check("#f-Q1-2"), page.check("#f-Q2-6"), page.check("#f-Q3-2")
    page.click("button[value=next]")
    visit("page-matrix-nps")
    page.check("#f-Q4_1-7"), page.check("#f-Q4_2-5"), page.check("#f-Q6-10")
    page.click("button[value=next]")
    visit("page-ranking-number-date")
    page.goto(f"{wave['base']}/s/unknown-token")
    visit("link-unknown")
    closed = field_survey(live_app, state="closed")
    page.goto(f"{closed['base']}/s/{closed['tokens'][0]}")
    visit("link-closed")
    expired, token = _expired_token(live_app)
    page.goto(f"{expired['base']}/s/{token}")
    visit("link-expired")
    page.goto(f"{wave['base']}/o/{wave['open_key']}?kiosk=1")
    visit("kiosk-welcome")
    page.goto(f"{wave['base']}/r/{wave['wave_code']}?p=1")
    visit("kiosk-page")
    _reach_last_page(page, wave)
    page.click("button[value=next]")
    visit("thank-you-page")
    assert {name: [v["id"] for v in found] for name, found in checked.items() if found} == {}


@pytest.mark.parametrize("width", [360, 640])  # 640 CSS px is a 1280 px screen at 200 % zoom
def test_pages_fit_narrow_screens_and_200_percent_zoom_without_sideways_scrolling(live_app, new_page, width):
    wave = field_survey(live_app)
    page = new_page(width=width)
    page.goto(f"{wave['base']}/s/{wave['tokens'][0]}")
    for number in (1,):
        page.goto(f"{wave['base']}/r/{wave['wave_code']}?p={number}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.check("#f-Q1-2"), page.check("#f-Q2-6"), page.check("#f-Q3-2")
    page.click("button[value=next]")
    page.wait_for_url(re.compile(r"[?&]p=2$"))  # the POST's redirect has loaded, not still navigating
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    focus_ring = page.evaluate("""() => { const b = document.querySelector('button[value=next]'); b.focus();
        return getComputedStyle(b).outlineStyle; }""")
    assert focus_ring != "none"


def test_kiosk_warns_after_a_pause_then_returns_to_the_start(live_app, new_page):
    wave = field_survey(live_app)
    with served_instance(live_app.instance_path, SECRET, workers=1, KIOSK_IDLE_SECONDS=1,
                         KIOSK_WARNING_SECONDS=2) as kiosk_server:
        base = kiosk_server.url
        page = new_page(width=1080)
        page.goto(f"{base}/o/{wave['open_key']}?kiosk=1")
        page.goto(f"{base}/r/{wave['wave_code']}?p=1")
        page.locator("#kiosk-warning").wait_for(state="visible", timeout=5000)
        assert page.evaluate("document.activeElement.id") == "kiosk-stay"  # focus moves to the choice
        page.keyboard.press("Enter")  # 계속하기: the respondent stays
        assert page.locator("#kiosk-warning").is_hidden() and "p=1" in page.url
        page.locator("#kiosk-warning").wait_for(state="visible", timeout=5000)
        page.wait_for_url(f"**/r/{wave['wave_code']}", timeout=8000)  # back to the welcome screen
        assert "설문 시작하기" in page.content()
