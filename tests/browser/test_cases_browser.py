"""The whole VOC loop in a real Chromium against ``survey-app serve``: a respondent gives NPS 3 and asks to be
contacted → the case job opens a case in the office's queue → a handler assigns and answers it, replies by
SMS from a template (the reply is in the outbox and on the timeline) and closes it with a root cause → the
follow-up invitation is in the outbox → the customer answers it satisfied → the dashboard
shows the recovery. axe-core (WCAG 2.1 A/AA) on every case page, the reply form, the routing rules and reply templates pages."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from questionnaires import load_template
from survey_app.database import db
from survey_app.models import Case, Invitation, OutboxMessage, Survey, Wave, new_token
from tests.browser.test_staff_browser import PASSWORD, sign_in
from tests.cases_support import DEFINITION

pytestmark = pytest.mark.browser
_serial = itertools.count(1)


def _seed(app) -> dict:
    """The office, a handler, the survey with rules, a customer's personal invitation, the follow-up wave."""
    from survey_app.accounts.operations import create_user, grant_role
    from survey_app.cases.rules import add_rule
    from survey_app.models import Customer, OrgLevel, OrgUnit
    from survey_app.privacy.contacts import add_contact

    n = next(_serial)
    with app.app_context():
        center = OrgUnit(code=f"C-LOOP{n}", name="우편고객센터", level=OrgLevel.CENTER)
        office = OrgUnit(code=f"P-LOOP{n}", name="원주우체국", level=OrgLevel.OFFICE)
        db.session.add_all([center, office])
        db.session.flush()
        handler = create_user(f"loop{n}", PASSWORD, display_name="김상담")
        grant_role(handler, "designer", office.id)
        survey = Survey(code=f"LOOP-{n}", title="상담 만족도", kind="customer_satisfaction", draft_definition=DEFINITION)
        version = survey.publish(DEFINITION)
        wave = Wave(code=f"LOOP-{n}-1", name="12월", survey=survey, version=version, state="open")
        followup = load_template("voc_followup").to_dict()
        fu_survey = Survey(code=f"LOOP-FU-{n}", title="VOC 처리 만족도", kind="voc", draft_definition=followup)
        fu_wave = Wave(code=f"LOOP-FU-{n}-1", name="상시", survey=fu_survey, version=fu_survey.publish(followup),
                       state="open")
        db.session.add_all([survey, wave, fu_survey, fu_wave])
        db.session.flush()
        add_rule(survey, kind="nps_detractor", question_code="NPS")
        add_rule(survey, kind="choice_is", question_code="CONTACT", choice="1", category="request")
        customer = Customer(external_id=f"C-LOOP-{n}", region="강원")
        db.session.add(customer)
        db.session.flush()
        contact, _ = add_contact(name="이순자", phone=f"010-77{n:02d}-1234", org_unit_id=office.id)
        contact.customer_id = customer.id
        token, digest = new_token()
        db.session.add(Invitation(wave_id=wave.id, contact_id=contact.id, token_hash=digest, channel="sms"))
        db.session.commit()
        return {"office": office.id, "handler": handler.username, "token": token, "fu_wave": fu_wave.id,
                "contact": contact.id, "base": app.config["LIVE_URL"]}


def _run_case_job(app) -> dict:
    from survey_app.cases.triggers import process_triggers
    with app.app_context():
        return process_triggers()


def _answer_page(page, choices: dict[str, str], texts: dict[str, str] | None = None) -> None:
    for name, value in choices.items():
        page.check(f"input[name='a_{name}'][value='{value}']")
    for name, value in (texts or {}).items():
        page.fill(f"[name='a_{name}']", value)
    with page.expect_navigation():
        page.click("button[name=move][value=next]")


def test_the_whole_voc_loop_in_the_browser(live_app, new_page, axe_check, shoot):
    ids = _seed(live_app)
    base = ids["base"]
    respondent = new_page(width=360)
    respondent.goto(f"{base}/s/{ids['token']}")
    with respondent.expect_navigation():
        respondent.click("a.button.primary")
    _answer_page(respondent, {"NPS": "3", "SAT": "2", "RESOLVED": "2", "CONTACT": "1"},
                 {"COMMENT": "창구 직원이 불친절했습니다."})
    assert "감사합니다" in respondent.content(), respondent.inner_text("main")[:800]
    assert _run_case_job(live_app)["cases"] == 1

    staff = new_page()
    sign_in(staff, base, ids["handler"])
    staff.goto(f"{base}/manage/cases/queue?unit={ids['office']}")
    assert "추천 의향 3점" in staff.inner_text("main") and "CONTACT 보기 1" in staff.inner_text("main")
    assert axe_check(staff) == [], "queue"
    with staff.expect_navigation():
        staff.click("table a[href*='/manage/cases/']")
    assert axe_check(staff) == [], "case detail"
    shoot(staff, "case-detail")
    staff.select_option("#assign-assignee", label="김상담")
    with staff.expect_navigation():
        staff.click("form[action$='/assign'] button[type=submit]")
    assert staff.inner_text("#case-assignee") == "김상담"
    with staff.expect_navigation():
        staff.click("form[action$='/start'] button[type=submit]")
    staff.fill("#answer-note", "전화로 사과드리고 담당 직원 교육을 약속드렸습니다.")
    with staff.expect_navigation():
        staff.click("form[action$='/answer'] button[type=submit]")
    _reply_by_sms(staff, axe_check)
    with live_app.app_context():
        reply = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "case_reply",
                                                              OutboxMessage.contact_id == ids["contact"]))
        assert (reply.channel, reply.status, reply.wave_id) == ("sms", "pending", None)
        assert "담당 직원 교육을 마쳤습니다" in reply.body
    with staff.expect_navigation():  # closing without a root cause is refused with a reason
        staff.click("form[action$='/close'] button[type=submit]")
    assert "원인 분류를 골라 주십시오" in staff.inner_text("main")
    assert axe_check(staff) == [], "case detail with an error"
    staff.select_option("#close-root_cause", value="staff_attitude")
    staff.check("input[name='close-resolution'][value='yes']")
    with staff.expect_navigation():
        staff.click("form[action$='/close'] button[type=submit]")
    assert staff.inner_text("#case-status") == "종결"

    with live_app.app_context():
        case = db.session.scalar(select(Case).where(Case.org_unit_id == ids["office"]))
        invitation = db.session.scalar(select(Invitation).where(Invitation.wave_id == ids["fu_wave"]))
        assert case.root_cause == "staff_attitude" and invitation.contact_id == ids["contact"]
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.invitation_id == invitation.id))
        assert (message.channel, message.status) == ("sms", "pending")
        from survey_app.distribution.tokens import invitation_token
        followup_token = invitation_token(ids["fu_wave"], ids["contact"])

    customer = new_page(width=360)
    customer.goto(f"{base}/s/{followup_token}")
    with customer.expect_navigation():
        customer.click("a.button.primary")
    _answer_page(customer, {"Q1": "1"})
    _answer_page(customer, {f"Q2_{i}": "5" for i in range(1, 5)})
    _answer_page(customer, {f"Q3_{i}": "4" for i in range(1, 4)})
    _answer_page(customer, {"Q4": "5", "Q6": "5"})
    assert "감사" in customer.content(), customer.inner_text("main")[:800]
    assert _run_case_job(live_app)["followups"] == 1

    staff.goto(f"{base}/manage/cases/dashboard?unit={ids['office']}")
    assert staff.inner_text("#fig-recovery").startswith("100.0%")
    assert staff.inner_text("#fig-within").startswith("100.0%")
    assert axe_check(staff) == [], "dashboard"
    shoot(staff, "case-dashboard")
    for path in ("/manage/cases/", "/manage/cases/new", f"/manage/cases/{case.id}"):
        staff.goto(base + path)
        assert staff.query_selector("h1") is not None
        assert axe_check(staff) == [], path


def _reply_by_sms(staff, axe_check) -> None:
    """Load the 처리 결과 안내, edit it, preview it (name masked), send it: it is in the outbox and the timeline."""
    staff.check("input[name='reply-channel'][value='sms']")
    staff.select_option("#reply-template", label="연락 시도 안내 (문자(SMS))")
    with staff.expect_navigation():
        staff.click("button[name=step][value=load]")
    assert "전화를 드렸으나" in staff.input_value("#reply-body")
    staff.select_option("#reply-template", label="처리 결과 안내 (문자(SMS))")
    staff.fill("#reply-body", "[우체국] {이름}님, 불편을 드려 죄송합니다. 담당 직원 교육을 마쳤습니다.")
    with staff.expect_navigation():
        staff.click("button[name=step][value=preview]")
    assert "이*자님, 불편을 드려 죄송합니다" in staff.inner_text("#reply-preview")
    assert axe_check(staff) == [], "reply preview"
    with staff.expect_navigation():
        staff.click("button[name=step][value=send]")
    assert "보내기 전" in staff.inner_text("#case-messages")
    assert "발송 대기열에 넣었습니다" in staff.inner_text("ol.timeline")
    assert axe_check(staff) == [], "case detail with a reply"


def test_routing_rules_page_passes_axe_and_refuses_bad_input(live_app, new_page, axe_check):
    from survey_app.models import OrgLevel, OrgUnit
    from tests.browser.test_staff_browser import make_staff
    base = live_app.config["LIVE_URL"]
    with live_app.app_context():
        db.session.add(OrgUnit(code=f"R-ROUTE{next(_serial)}", name="강원지방우정청", level=OrgLevel.REGIONAL))
        db.session.commit()
    page = new_page()
    sign_in(page, base, make_staff(live_app, "designer"))
    page.goto(f"{base}/manage/cases/routing")
    assert axe_check(page) == [], "routing rules"
    page.fill("#priority", "0")
    with page.expect_navigation():
        page.click("form[action$='/routing'] button[type=submit]")
    assert "분류나 지역 가운데 하나는" in page.inner_text("#routing-error")
    assert axe_check(page) == [], "routing rules with an error"
    page.select_option("#category", value="complaint")
    page.fill("#region", "강원")
    page.select_option("#unit", index=1)
    page.fill("#priority", "10")
    with page.expect_navigation():
        page.click("form[action$='/routing'] button[type=submit]")
    assert "강원" in page.inner_text("#routing-rules")
    with page.expect_navigation():
        page.click("#routing-rules a")
    assert axe_check(page) == [], "routing rule edit"


def test_rule_editor_passes_axe(live_app, new_page, axe_check):
    from tests.browser.test_staff_browser import make_staff
    base = live_app.config["LIVE_URL"]
    with live_app.app_context():
        survey = Survey(code=f"RULES-AXE-{next(_serial)}", title="규칙 시험", kind="customer_satisfaction",
                        draft_definition=DEFINITION)
        survey.publish(DEFINITION)
        db.session.add(survey)
        db.session.commit()
        survey_id = survey.id
    page = new_page()
    sign_in(page, base, make_staff(live_app, "designer"))
    page.goto(f"{base}/manage/cases/rules/{survey_id}")
    assert axe_check(page) == [], "rule editor"
    page.select_option("#question_code", value="SAT")
    page.select_option("#kind", value="score_at_most")
    page.fill("#threshold", "9")
    with page.expect_navigation():
        page.click(f"form[action$='/rules/{survey_id}'] button[type=submit]")
    assert "척도(1~5점) 안의 정수" in page.inner_text("main")
    assert axe_check(page) == [], "rule editor with an error"


def test_reply_templates_page_passes_axe_and_refuses_an_unknown_placeholder(live_app, new_page, axe_check):
    from tests.browser.test_staff_browser import make_staff
    base = live_app.config["LIVE_URL"]
    page = new_page()
    sign_in(page, base, make_staff(live_app, "designer"))
    page.goto(f"{base}/manage/cases/reply-templates")
    assert "처리 결과 안내" in page.inner_text("#reply-templates")
    assert axe_check(page) == [], "reply templates"
    page.fill("#name", f"주소 안내 {next(_serial)}")
    page.fill("#body", "[우체국] {이름}님, {주소}로 보내 드리겠습니다.")
    with page.expect_navigation():
        page.click("form[action$='/reply-templates'] button[type=submit]")
    assert "알 수 없는 항목이 있습니다: {주소}" in page.inner_text("#template-error")
    assert axe_check(page) == [], "reply templates with an error"
