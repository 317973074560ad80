"""Closing a case invites its customer to the VOC follow-up survey through the outbox (when consent allows);
the follow-up answers attach to the case, and a former detractor who is now satisfied counts as recovered."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaires import load_template
from survey_app.cases import operations as ops
from survey_app.cases.pages import dashboard
from survey_app.cases.triggers import process_triggers
from survey_app.customers.consent import record_consent
from survey_app.models import Case, CaseEvent, Customer, Invitation, OrgLevel, OutboxMessage, Survey, User
from survey_app.privacy.contacts import add_contact
from tests.cases_support import DEFINITION, complete_response


@pytest.fixture
def loop(app_ctx, make_org, make_survey, make_user):
    """A survey with an NPS rule, the open follow-up wave, a customer with a contact, a handler."""
    from survey_app.accounts.operations import grant_role
    from survey_app.cases.rules import add_rule
    office = make_org(code="P-FU", name="춘천우체국", level=OrgLevel.OFFICE)
    ids = make_survey(DEFINITION)
    followup = load_template("voc_followup").to_dict()
    fu = make_survey(followup, kind="voc", code="VOC-FOLLOWUP")
    user_id, _ = make_user(username="fu_handler")
    with app_ctx() as session:
        grant_role(session.get(User, user_id), "designer", office)
        add_rule(session.get(Survey, ids["survey_id"]), kind="nps_detractor", question_code="NPS")
        customer = Customer(external_id="C-FU-1", region="강원")
        session.add(customer)
        session.flush()
        contact, _ = add_contact(name="박영희", phone="010-3456-7890", org_unit_id=office)
        contact.customer_id = customer.id
        complete_response(ids["wave_id"], {"NPS": 3, "SAT": 2, "CONTACT": "1"}, contact_id=contact.id)
        process_triggers()
        case = session.scalar(select(Case))
        ops.assign(case, session.get(User, user_id))
        ops.start(case)
        ops.answer(case, "전화로 사과드리고 재배송을 약속했습니다.")
        return {"case": case.id, "customer": customer.id, "fu_wave": fu["wave_id"], "contact": contact.id}


def test_closing_sends_the_follow_up_and_its_answers_show_the_recovery(app_ctx, loop):
    with app_ctx() as session:
        case = session.get(Case, loop["case"])
        assert case.was_detractor
        ops.close(case, root_cause="delivery_delay", resolution="yes")
        invitation = session.scalar(select(Invitation).where(Invitation.wave_id == loop["fu_wave"]))
        assert invitation.contact_id == loop["contact"] and invitation.hidden["voc_id"] == case.number
        message = session.scalar(select(OutboxMessage).where(OutboxMessage.invitation_id == invitation.id))
        assert (message.channel, message.status) == ("sms", "pending")
        complete_response(loop["fu_wave"], {"Q1": "1", "Q4": 5}, hidden={"voc_id": case.number})
        assert process_triggers()["followups"] == 1
        session.refresh(case)
        assert (case.followup_satisfaction, case.recovered) == (5.0, True)
        figures = dashboard(None, ops.seoul_today())
        assert (figures.recovered, figures.followed_up, figures.recovery_rate) == (1, 1, 1.0)
        assert figures.top_root_causes == [("배송 지연", 1)]


def test_a_customer_who_withdrew_survey_consent_gets_no_follow_up(app_ctx, loop):
    with app_ctx() as session:
        record_consent(session.get(Customer, loop["customer"]), "survey", False, method="staff")
        case = session.get(Case, loop["case"])
        ops.close(case, root_cause="delivery_delay", resolution="yes")
        assert session.scalar(select(Invitation).where(Invitation.wave_id == loop["fu_wave"])) is None
        skipped = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                         CaseEvent.kind == "followup_skipped"))
        assert "동의하지 않았습니다" in skipped.note


def test_a_still_unhappy_customer_is_not_recovered(app_ctx, loop):
    with app_ctx() as session:
        case = session.get(Case, loop["case"])
        ops.close(case, root_cause="delivery_delay", resolution="partly")
        complete_response(loop["fu_wave"], {"Q1": "1", "Q4": 2}, hidden={"voc_id": case.number})
        process_triggers()
        session.refresh(case)
        assert (case.followup_satisfaction, case.recovered) == (2.0, False)


def test_a_follow_up_the_gateway_keeps_refusing_shows_on_the_case_timeline(app_ctx, make_app, loop):
    from survey_app.distribution.sender import Sender
    from tests.distribution_support import SmsGateway

    with app_ctx() as session:
        ops.close(session.get(Case, loop["case"]), root_cause="delivery_delay", resolution="yes")
        message = session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == loop["case"]))
        assert message.kind == "invitation"
    with SmsGateway(fail_first=99, status=503) as gateway:
        app = make_app(SMS_GATEWAY="http", SMS_GATEWAY_URL=gateway.url, SEND_RATE_SMS=0, SEND_RETRY_SECONDS=0,
                       SEND_MAX_ATTEMPTS=2)
        with app.app_context():
            Sender(app, ["sms"], worker="t").run(until_empty=True)
    assert gateway.calls == 2 and gateway.received == []
    with app_ctx() as session:
        events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == loop["case"],
                                                         CaseEvent.kind.like("message_%")).order_by(CaseEvent.id)).all()
        assert [(e.kind, e.data["message_kind"]) for e in events] == [("message_retrying", "invitation"),
                                                                      ("message_failed", "invitation")]
