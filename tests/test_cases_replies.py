"""Replies to a case's customer through the outbox: the right recipient, opt-out and consent (refused with a
clear reason, nothing queued or sent), quiet hours (deferred), retries, e-mail over real loopback SMTP
(aiosmtpd), the outcome on the case's timeline, and the interim notice queued once per case."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from survey_app.cases import operations as ops
from survey_app.cases.deadlines import watch_deadlines
from survey_app.cases.replies import send_reply, template_text
from survey_app.cases.reply_templates import pick_template, retire_template
from survey_app.cases.triggers import process_triggers
from survey_app.customers.consent import record_consent
from survey_app.customers.identity import set_identity
from survey_app.distribution.customer_messages import MessageRefused, queue_customer_message
from survey_app.distribution.optout import opt_out
from survey_app.models import (
    Case,
    CaseEvent,
    CaseReplyTemplate,
    Contact,
    Customer,
    MessageKind,
    OrgLevel,
    OutboxMessage,
    Survey,
    utcnow,
)
from survey_app.privacy.contacts import add_contact
from tests.cases_support import DEFINITION, complete_response
from tests.distribution_support import MailSink, SmsGateway

NEVER_QUIET = "00:00-00:00"


@pytest.fixture
def reply_case(app, app_ctx, make_org, make_survey, monkeypatch):
    """A case opened by an NPS 3 answer of a customer (contact 010-2345-6789, e-mail), quiet hours off."""
    from survey_app.cases.rules import add_rule

    monkeypatch.setitem(app.config, "CUSTOMER_MESSAGE_QUIET_HOURS", NEVER_QUIET)
    office = make_org(code="P-RP", name="원주우체국", level=OrgLevel.OFFICE)
    ids = make_survey(DEFINITION)
    with app_ctx() as session:
        add_rule(session.get(Survey, ids["survey_id"]), kind="nps_detractor", question_code="NPS")
        customer = set_identity(Customer(external_id="C-RP-1", region="강원"), name="김민수", phone="010-2345-6789",
                                email="minsu@example.com")
        session.add(customer)
        session.flush()
        contact, _ = add_contact(name="김민수", phone="010-2345-6789", email="minsu@example.com", org_unit_id=office)
        contact.customer_id = customer.id
        complete_response(ids["wave_id"], {"NPS": 3, "SAT": 2}, contact_id=contact.id)
        process_triggers()
        case = session.scalar(select(Case).where(Case.customer_id == customer.id))
        return {"case": case.id, "customer": customer.id, "contact": contact.id}


def _drain(app, channels):
    from survey_app.distribution.sender import Sender

    with app.app_context():
        return Sender(app, channels, worker="t").run(until_empty=True)


def _reply(session, case_id, channel="sms", purpose=MessageKind.CASE_REPLY):
    case = session.get(Case, case_id)
    template = pick_template(case, purpose, channel)
    subject, body = template_text(template, case, ops.seoul_today())
    return send_reply(case, channel=channel, template=template.id, subject=subject,
                      body=body.replace("(여기에 처리 결과를 적어 주십시오)", "재배송을 마쳤습니다."))


def _events(session, case_id):
    return [e.kind for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)
                                            .order_by(CaseEvent.id))]


def test_an_sms_reply_reaches_the_customer_and_the_timeline(app_ctx, make_app, reply_case):
    with app_ctx() as session:
        message = _reply(session, reply_case["case"])
        assert (message.kind, message.channel, message.wave_id, message.contact_id) == (
            MessageKind.CASE_REPLY, "sms", None, reply_case["contact"])
        assert "{이름}" in message.body and "VOC-" in message.body  # the name is filled only when sent
        assert session.get(Case, reply_case["case"]).first_contact_at is not None
    with SmsGateway() as gateway:
        app = make_app(SMS_GATEWAY="http", SMS_GATEWAY_URL=gateway.url, SEND_RATE_SMS=0,
                       CUSTOMER_MESSAGE_QUIET_HOURS=NEVER_QUIET)
        stats = _drain(app, ["sms"])
    assert stats.sent == 1
    [received] = gateway.received
    assert received["to"].replace("-", "") == "01023456789"
    assert received["text"].startswith("[우체국] 김민수님") and "재배송을 마쳤습니다." in received["text"]
    with app_ctx() as session:
        assert session.get(OutboxMessage, message.id).status == "sent"
        assert _events(session, reply_case["case"])[-2:] == ["message_queued", "message_sent"]


def test_an_email_reply_goes_over_real_smtp(app_ctx, make_app, reply_case):
    with app_ctx() as session:
        message_id = _reply(session, reply_case["case"], channel="email").id
    with MailSink() as sink:
        app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_SECURITY="none",
                       CUSTOMER_MESSAGE_QUIET_HOURS=NEVER_QUIET)
        _drain(app, ["email"])
    [(_sender, recipients, raw)] = sink.messages
    mail = message_from_bytes(raw, policy=policy.default)
    assert recipients == ["minsu@example.com"] and "처리 결과" in mail["Subject"]
    assert "김민수님" in mail.get_content() and "재배송을 마쳤습니다." in mail.get_content()
    with app_ctx() as session:
        assert session.get(OutboxMessage, message_id).status == "sent"
        assert "message_sent" in _events(session, reply_case["case"])


def test_an_opted_out_customer_gets_a_clear_refusal_and_nothing_is_queued(app_ctx, reply_case):
    with app_ctx() as session:
        opt_out(session.get(Contact, reply_case["contact"]), via="test")
        before = session.scalar(select(func.count()).select_from(OutboxMessage))
        with pytest.raises(ops.CaseError, match="수신거부한 고객"):
            _reply(session, reply_case["case"])
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == before
        assert "message_queued" not in _events(session, reply_case["case"])


def test_an_opt_out_after_queueing_cancels_the_reply_and_nothing_is_sent(app_ctx, make_app, reply_case):
    with app_ctx() as session:
        message_id = _reply(session, reply_case["case"]).id
        session.get(Contact, reply_case["contact"]).opted_out_at = utcnow()  # e.g. by another process, no cascade
    with SmsGateway() as gateway:
        app = make_app(SMS_GATEWAY="http", SMS_GATEWAY_URL=gateway.url, SEND_RATE_SMS=0,
                       CUSTOMER_MESSAGE_QUIET_HOURS=NEVER_QUIET)
        _drain(app, ["sms"])
    assert gateway.received == []
    with app_ctx() as session:
        message = session.get(OutboxMessage, message_id)
        assert message.status == "cancelled" and "수신거부" in message.last_error
        cancelled = session.scalar(select(CaseEvent).where(CaseEvent.case_id == reply_case["case"],
                                                           CaseEvent.kind == "message_cancelled"))
        assert "수신거부" in cancelled.note


def test_quiet_hours_defer_the_reply(app, app_ctx, make_app, reply_case, monkeypatch):
    local = datetime.now(ZoneInfo("Asia/Seoul"))
    window = f"{(local - timedelta(hours=1)):%H:%M}-{(local + timedelta(hours=1)):%H:%M}"
    monkeypatch.setitem(app.config, "CUSTOMER_MESSAGE_QUIET_HOURS", window)
    with app_ctx() as session:
        message = _reply(session, reply_case["case"])
        assert message.next_attempt_at > utcnow() + timedelta(minutes=50)
        message_id = message.id
        message.next_attempt_at = utcnow()  # due now, but the sender is still in quiet hours
    with SmsGateway() as gateway:
        app2 = make_app(SMS_GATEWAY="http", SMS_GATEWAY_URL=gateway.url, SEND_RATE_SMS=0,
                        CUSTOMER_MESSAGE_QUIET_HOURS=window)
        stats = _drain(app2, ["sms"])
    assert gateway.received == [] and stats.deferred == 1
    with app_ctx() as session:
        message = session.get(OutboxMessage, message_id)
        assert message.status == "pending" and message.next_attempt_at > utcnow() + timedelta(minutes=50)


def test_a_failing_gateway_is_retried_and_the_reply_goes_once(app_ctx, make_app, reply_case):
    with app_ctx() as session:
        message_id = _reply(session, reply_case["case"]).id
    with SmsGateway(fail_first=2) as gateway:
        app = make_app(SMS_GATEWAY="http", SMS_GATEWAY_URL=gateway.url, SEND_RATE_SMS=0, SEND_RETRY_SECONDS=0,
                       CUSTOMER_MESSAGE_QUIET_HOURS=NEVER_QUIET)
        _drain(app, ["sms"])
    assert len(gateway.received) == 1
    with app_ctx() as session:
        message = session.get(OutboxMessage, message_id)
        assert (message.status, message.attempts) == ("sent", 3)
        assert _events(session, reply_case["case"]).count("message_sent") == 1


def test_a_gateway_refusal_is_on_the_timeline(app_ctx, make_app, reply_case):
    with app_ctx() as session:
        _reply(session, reply_case["case"])
    with SmsGateway(fail_first=99, status=400) as gateway:
        app = make_app(SMS_GATEWAY="http", SMS_GATEWAY_URL=gateway.url, SEND_RATE_SMS=0,
                       CUSTOMER_MESSAGE_QUIET_HOURS=NEVER_QUIET)
        _drain(app, ["sms"])
    with app_ctx() as session:
        failed = session.scalar(select(CaseEvent).where(CaseEvent.case_id == reply_case["case"],
                                                        CaseEvent.kind == "message_failed"))
        assert "400" in failed.note


def test_text_problems_and_missing_addresses_are_refused(app_ctx, reply_case):
    with app_ctx() as session:
        case = session.get(Case, reply_case["case"])
        result = pick_template(case, MessageKind.CASE_REPLY, "sms")
        for body, reason in (("", "내용을 적어"), ("{주소}로 보내 드립니다", "알 수 없는 항목"), ("가" * 1100, "너무 깁니다")):
            with pytest.raises(ops.CaseError, match=reason):
                send_reply(case, channel="sms", template=result.id, subject="", body=body)
        for template in ("nope", "", 99999999, "9" * 30):
            with pytest.raises(ops.CaseError, match="안내 문구를 골라"):
                send_reply(case, channel="sms", template=template, subject="", body="안녕하십니까")
        bare = Customer(external_id="C-RP-2")
        session.add(bare)
        session.flush()
        with pytest.raises(MessageRefused, match="휴대전화 번호가 없어"):
            queue_customer_message(session, customer=bare, channel="sms", subject="", body="안내",
                                   kind=MessageKind.CASE_REPLY)


def test_a_retention_message_needs_marketing_consent(app_ctx, reply_case):
    with app_ctx() as session:
        customer = session.get(Customer, reply_case["customer"])
        with pytest.raises(MessageRefused, match="동의하지 않아"):
            queue_customer_message(session, customer=customer, channel="sms", subject="", body="{이름}님, 혜택 안내",
                                   kind=MessageKind.RETENTION)
        record_consent(customer, "marketing", True, method="staff")
        message = queue_customer_message(session, customer=customer, channel="sms", subject="",
                                         body="{이름}님, 혜택 안내", kind=MessageKind.RETENTION, dedupe_key="ret:1")
        again = queue_customer_message(session, customer=customer, channel="sms", subject="",
                                       body="{이름}님, 혜택 안내", kind=MessageKind.RETENTION, dedupe_key="ret:1")
        assert again.id == message.id and message.case_id is None


def test_the_interim_notice_is_queued_once_per_case(app_ctx, reply_case):
    with app_ctx() as session:
        case = session.get(Case, reply_case["case"])
        case.received_on, case.due_on, case.interim_due_on = date(2026, 11, 2), date(2026, 11, 10), date(2026, 11, 11)
        session.flush()
        assert watch_deadlines(date(2026, 11, 12))["interim"] >= 1
        assert watch_deadlines(date(2026, 11, 13))["interim"] == 0
        notices = session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).all()
        assert [(m.kind, m.channel, m.contact_id) for m in notices] == [
            (MessageKind.INTERIM_NOTICE, "sms", reply_case["contact"])]
        assert case.number in notices[0].body and "연장" in notices[0].body
        assert _events(session, case.id).count("message_queued") == 1


def test_an_interim_notice_that_cannot_go_tells_the_handler(app_ctx):
    with app_ctx() as session:
        case = ops.open_case(source="call", category="complaint", summary="연락처 없는 사건",
                             received_on=date(2026, 11, 2))
        watch_deadlines(date(2026, 11, 12))
        event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                       CaseEvent.kind == "interim_not_sent"))
        assert "전화로" in event.note
        assert session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id)) is None


def test_every_template_fits_an_lms_and_names_the_case(app_ctx, reply_case):
    with app_ctx() as session:
        case = session.get(Case, reply_case["case"])
        built_in = session.scalars(select(CaseReplyTemplate).order_by(CaseReplyTemplate.id)).all()
        assert {(t.purpose, t.channel) for t in built_in} >= {(p, c) for c in ("sms", "email") for p in (
            MessageKind.CASE_REPLY, MessageKind.INTERIM_NOTICE, MessageKind.CONTACT_ATTEMPT)}
        for template in built_in:
            subject, body = template_text(template, case, ops.seoul_today())
            assert case.number in body + subject and "{사건번호}" not in body
            if template.channel == "sms":
                queue_customer_message(session, customer=None, contact=session.get(Contact, reply_case["contact"]),
                                       channel="sms", subject="", body=body, kind=template.purpose)  # fits an LMS


def test_a_stored_template_reply_lands_in_the_outbox_with_the_case_filled_in(app_ctx, reply_case):
    from survey_app.cases.reply_templates import add_template

    with app_ctx() as session:
        case = session.get(Case, reply_case["case"])
        template = add_template(name="재배송 안내", channel="sms", purpose=MessageKind.CASE_REPLY, category=case.category,
                                body="[우체국] {이름}님, {사건번호} 건은 {담당부서}에서 {처리기한}까지 재배송합니다.")
        subject, body = template_text(template, case, ops.seoul_today())
        message = send_reply(case, channel="sms", template=template.id, subject=subject, body=body)
        due = case.due_on
        assert message.body == (f"[우체국] {{이름}}님, {case.number} 건은 {case.org_unit.name}에서 "
                                f"{due.year}년 {due.month}월 {due.day}일까지 재배송합니다.")
        queued = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "message_queued"))
        assert queued.data["template"] == "재배송 안내"
        retire_template(template)
        with pytest.raises(ops.CaseError, match="더 이상 쓰지 않습니다"):
            send_reply(case, channel="sms", template=template.id, subject=subject, body=body)
        assert session.get(OutboxMessage, message.id).body == body  # what was sent stays as it was


def test_the_interim_notice_uses_the_stored_template_and_none_in_use_tells_the_handler(app_ctx, reply_case):
    from survey_app.cases.reply_templates import change_template

    with app_ctx() as session:
        case = session.get(Case, reply_case["case"])
        sms = pick_template(case, MessageKind.INTERIM_NOTICE, "sms")
        change_template(sms, name=sms.name, channel="sms", purpose=sms.purpose, body="[우체국] {사건번호} 처리가 늦어집니다.")
        case.received_on, case.due_on, case.interim_due_on = date(2026, 11, 2), date(2026, 11, 10), date(2026, 11, 11)
        session.flush()
        watch_deadlines(date(2026, 11, 12))
        notice = session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
        assert notice.body == f"[우체국] {case.number} 처리가 늦어집니다."
        other = ops.open_case(source="call", category="complaint", summary="두 번째", customer_id=reply_case["customer"],
                              received_on=date(2026, 11, 2))
        for template in session.scalars(select(CaseReplyTemplate).where(
                CaseReplyTemplate.purpose == MessageKind.INTERIM_NOTICE)):
            retire_template(template)
        watch_deadlines(date(2026, 11, 13))
        event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == other.id,
                                                       CaseEvent.kind == "interim_not_sent"))
        assert "중간 안내 문구가 없어" in event.note
        assert session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == other.id)) is None


def _smtp_app(make_app, sink, attempts):
    return make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_SECURITY="none", SEND_RETRY_SECONDS=0,
                    SEND_MAX_ATTEMPTS=attempts, CUSTOMER_MESSAGE_QUIET_HOURS=NEVER_QUIET)


def test_a_refusing_mail_server_puts_each_failed_attempt_and_the_final_failure_on_the_timeline(app_ctx, make_app,
                                                                                               reply_case):
    with app_ctx() as session:
        message_id = _reply(session, reply_case["case"], channel="email").id
    with MailSink(defer_first=99) as sink:
        _drain(_smtp_app(make_app, sink, attempts=3), ["email"])
    assert sink.messages == [] and sink.deferred == 3
    with app_ctx() as session:
        assert session.get(OutboxMessage, message_id).status == "failed"
        events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == reply_case["case"],
                                                         CaseEvent.kind.like("message_%")).order_by(CaseEvent.id)).all()
        assert [e.kind for e in events] == ["message_queued", "message_retrying", "message_retrying", "message_failed"]
        assert [e.data["attempts"] for e in events[1:]] == [1, 2, 3]
        assert all("451" in e.note and e.data["message_kind"] == MessageKind.CASE_REPLY for e in events[1:])


def test_a_reply_delivered_on_a_retry_shows_the_failed_attempt_then_sent(app_ctx, make_app, reply_case):
    with app_ctx() as session:
        _reply(session, reply_case["case"], channel="email")
    with MailSink(defer_first=1) as sink:
        _drain(_smtp_app(make_app, sink, attempts=5), ["email"])
    assert len(sink.messages) == 1
    with app_ctx() as session:
        assert _events(session, reply_case["case"])[-3:] == ["message_queued", "message_retrying", "message_sent"]
