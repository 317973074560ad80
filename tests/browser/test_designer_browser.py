"""The question editor without code, in a real headless Chromium: a skip condition built with the keyboard
from 문항 → 조건 → 값 rows joined by 또는, options edited as rows (add, flag, move, delete), both saved and
read back from the stored draft; an expression the builder cannot show stays text with a note; axe-core
(WCAG 2.1 A/AA) finds nothing on the editor with its rows open."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from survey_app.database import db
from survey_app.models import Survey
from tests.browser.test_staff_browser import make_staff, press_enter_on, sign_in, tab_to

pytestmark = pytest.mark.browser
_serial = itertools.count(1)


def _seed_survey(app) -> int:
    """A draft with a single choice, a multiple choice, a 5-point scale and a text question."""
    n = next(_serial)
    choices = [{"value": 1, "label": {"ko": "예"}}, {"value": 2, "label": {"ko": "아니요"}}]
    definition = {
        "code": f"BUILDER_{n}", "version": 1, "kind": "customer_satisfaction", "title": {"ko": "조건 만들기 시험"},
        "sections": [{"code": "S1", "title": {"ko": "1부"}, "questions": [
            {"code": "Q1", "type": "single_choice", "text": {"ko": "방문하셨습니까?"}, "choices": choices},
            {"code": "Q2", "type": "multiple_choice", "text": {"ko": "이용한 서비스"},
             "choices": [{"value": v, "label": {"ko": f"서비스 {v}"}} for v in (1, 2, 3)]},
            {"code": "Q3", "type": "likert", "text": {"ko": "만족하십니까?"}, "scale": {"points": 5}},
            {"code": "Q4", "type": "short_text", "text": {"ko": "불편하셨던 점"}},
        ]}],
    }
    with app.app_context():
        survey = Survey(code=f"BUILDER-{n}", title="조건 만들기 시험", kind="customer_satisfaction",
                        draft_definition=definition)
        db.session.add(survey)
        db.session.commit()
        return survey.id


def _stored_question(app, survey_id: int, code: str) -> dict:
    with app.app_context():
        draft = db.session.scalar(select(Survey.draft_definition).where(Survey.id == survey_id))
    return next(q for q in draft["sections"][0]["questions"] if q["code"] == code)


def _pick(page, selector: str, presses: int) -> None:
    """Focus a select with Tab and move its choice down with the arrow key."""
    tab_to(page, selector)
    for _ in range(presses):
        page.keyboard.press("ArrowDown")


def test_condition_built_with_the_keyboard_is_saved_as_the_expression(live_app, new_page, axe_check, shoot):
    base = live_app.config["LIVE_URL"]
    sid = _seed_survey(live_app)
    page = new_page()
    sign_in(page, base, make_staff(live_app, "designer"))
    page.goto(f"{base}/manage/surveys/{sid}/questions/Q4")
    assert "아직 조건이 없습니다." in page.inner_text(".condition-builder")
    assert axe_check(page) == [], "question editor, empty builder"

    add_first = "fieldset.condition-builder:first-of-type > button"
    tab_to(page, add_first)
    page.keyboard.press("Enter")  # row 1: Q1 같음 1 (the first question, its first option)
    _pick(page, "select[data-row='0'][data-key='value']", 1)  # → 2 아니요
    tab_to(page, add_first)
    page.keyboard.press("Enter")  # row 2
    _pick(page, "select[data-row='1'][data-key='join']", 1)  # 그리고 → 또는
    _pick(page, "select[data-row='1'][data-key='code']", 2)  # Q1 → Q3
    _pick(page, "select[data-row='1'][data-key='op']", 2)  # 같음 → 다름 → 이상
    _pick(page, "select[data-row='1'][data-key='value']", 3)  # 1 → 4
    assert page.input_value("#show_if") == "Q1 == 2 or Q3 >= 4"
    assert axe_check(page) == [], "question editor, two condition rows"
    shoot(page, "designer-condition-builder")
    press_enter_on(page, "form.question-form button[type=submit]")
    assert _stored_question(live_app, sid, "Q4")["show_if"] == "Q1 == 2 or Q3 >= 4"

    page.goto(f"{base}/manage/surveys/{sid}/questions/Q4")  # read back into rows
    assert page.input_value("select[data-row='1'][data-key='op']") == "ge"
    assert page.input_value("select[data-row='1'][data-key='value']") == "4"
    page.fill("#show_if", "(Q1 == 1 or Q1 == 2) and answered(Q3)")
    assert "나타낼 수 없어" in page.inner_text(".condition-builder")
    assert page.locator("fieldset.condition-builder:first-of-type select").count() == 0


def test_options_edited_as_rows_are_saved_as_choices(live_app, new_page, axe_check):
    base = live_app.config["LIVE_URL"]
    sid = _seed_survey(live_app)
    page = new_page()
    sign_in(page, base, make_staff(live_app, "designer"))
    page.goto(f"{base}/manage/surveys/{sid}/questions/Q1")
    assert page.locator("table.option-rows tbody tr").count() == 2
    assert page.is_hidden("#choices")  # the pipe text is one click away, for experts and pasting
    tab_to(page, ".option-editor > button")
    page.keyboard.press("Enter")  # a third row, value 3, focused
    assert page.evaluate("document.activeElement.value") == "3"
    page.keyboard.press("Tab")
    page.keyboard.type("모름")
    tab_to(page, "input[data-row='2'][data-key='na']")
    page.keyboard.press("Space")
    tab_to(page, "input[data-row='2'][data-key='exclusive']")
    page.keyboard.press("Space")
    tab_to(page, "button[data-row='2'][data-key='up']")
    page.keyboard.press("Enter")  # 모름 moves above 아니요
    assert page.evaluate("document.activeElement.getAttribute('data-row')") == "1"
    assert axe_check(page) == [], "question editor, option rows"
    press_enter_on(page, "form.question-form button[type=submit]")
    choices = _stored_question(live_app, sid, "Q1")["choices"]
    assert [(c["value"], c["label"]["ko"]) for c in choices] == [(1, "예"), (3, "모름"), (2, "아니요")]
    assert choices[1].get("na") is True and choices[1].get("exclusive") is True and not choices[1].get("other")

    page.goto(f"{base}/manage/surveys/{sid}/questions/Q1")
    tab_to(page, "button[data-row='1'][data-key='remove']")
    page.keyboard.press("Enter")
    press_enter_on(page, "form.question-form button[type=submit]")
    assert [c["value"] for c in _stored_question(live_app, sid, "Q1")["choices"]] == [1, 2]


def test_without_javascript_the_text_fields_are_the_editor(live_app, new_page):
    """No script: the pipe text and the expression are the fields, and saving them works as before."""
    base = live_app.config["LIVE_URL"]
    sid = _seed_survey(live_app)
    page = new_page(javascript=False)
    sign_in(page, base, make_staff(live_app, "designer"))
    page.goto(f"{base}/manage/surveys/{sid}/questions/Q1")
    assert page.is_visible("#choices") and page.locator("table.option-rows").count() == 0
    assert page.is_hidden("#min_selected")  # a single choice has no 최소/최대 선택 수, also without script
    page.fill("#choices", "1 | 예 | Yes\n2 | 아니요 | No\n9 | 모름 | | na")
    press_enter_on(page, "form.question-form button[type=submit]")
    assert _stored_question(live_app, sid, "Q1")["choices"][2] == {"value": 9, "label": {"ko": "모름"}, "na": True}
    page.goto(f"{base}/manage/surveys/{sid}/questions/Q4")
    assert page.locator(".condition-builder").count() == 0
    page.fill("#show_if", "selected(Q2, 3)")
    press_enter_on(page, "form.question-form button[type=submit]")
    assert _stored_question(live_app, sid, "Q4")["show_if"] == "selected(Q2, 3)"
