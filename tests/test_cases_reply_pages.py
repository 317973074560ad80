"""The reply form of a case page: the template text is there to edit, the preview shows the customer's
masked name and the SMS size, sending puts the reply in the outbox and on the timeline, a refusal (opted
out, text too long) shows the Korean reason and queues nothing, and a case outside the scope is refused."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from survey_app.cases import operations as ops
from survey_app.customers.identity import set_identity
from survey_app.models import CaseReplyTemplate, Contact, Customer, OrgLevel, OutboxMessage
from survey_app.privacy.contacts import add_contact
from tests.designer_support import staff


@pytest.fixture
def page(app, make_org, make_user, app_ctx, client, monkeypatch):
    """A Gangwon handler signed in; a case of a customer with a phone number; a Busan case."""
    monkeypatch.setitem(app.config, "CUSTOMER_MESSAGE_QUIET_HOURS", "00:00-00:00")
    make_org(code="HQ-R", name="본부", level=OrgLevel.HEADQUARTERS)
    region = make_org(code="R-GW-R", name="강원지방우정청", level=OrgLevel.REGIONAL, parent_code="HQ-R")
    office = make_org(code="P-SC-R", name="속초우체국", parent_code="R-GW-R")
    busan = make_org(code="P-BS-R", name="부산우체국", parent_code="HQ-R")
    staff(make_user, app_ctx, client, unit_id=region, username="reply_handler")
    with app_ctx() as session:
        customer = set_identity(Customer(external_id="C-RPG-1"), name="이영희", phone="010-5555-1234", email=None)
        session.add(customer)
        session.flush()
        contact, _ = add_contact(name="이영희", phone="010-5555-1234")
        contact.customer_id = customer.id
        case = ops.open_case(source="call", category="complaint", summary="등기 분실", org_unit_id=office,
                             customer_id=customer.id)
        far = ops.open_case(source="call", category="complaint", summary="부산 건", org_unit_id=busan,
                            customer_id=customer.id)
        templates = {(t.purpose, t.channel): str(t.id) for t in session.scalars(select(CaseReplyTemplate))}
        return {"case": case.id, "far": far.id, "contact": contact.id, "version": case.version,
                "result": templates[("case_reply", "sms")], "interim": templates[("interim_notice", "sms")]}


def _text(answer) -> str:
    return html.unescape(answer.get_data(as_text=True))


def _reply(client, case_id, step, **fields):
    data = {"step": step, **{f"reply-{k}": v for k, v in fields.items()}}
    return client.post(f"/manage/cases/{case_id}/reply", data=data)


def _outbox(app_ctx) -> int:
    with app_ctx() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage))


def test_the_form_offers_the_template_and_the_preview_masks_the_name(client, page):
    shown = _text(client.get(f"/manage/cases/{page['case']}"))
    assert "고객에게 답변 보내기" in shown and "접수하신 고객의 소리(VOC-" in shown and "{이름}님" in shown
    preview = _text(_reply(client, page["case"], "preview", version=page["version"], channel="sms", template=page["result"],
                           body="[우체국] {이름}님, 분실 등기를 찾아 오늘 배달합니다."))
    assert "이*희님, 분실 등기를 찾아" in preview and "바이트" in preview
    loaded = _text(_reply(client, page["case"], "load", version=page["version"], channel="sms", template=page["interim"],
                          body=""))
    assert "처리 기간이 연장되었습니다" in loaded


def test_sending_puts_the_reply_in_the_outbox_and_on_the_timeline(client, app_ctx, page):
    answer = _reply(client, page["case"], "send", version=page["version"], channel="sms", template=page["result"],
                    body="[우체국] {이름}님, 분실 등기를 찾아 오늘 배달합니다.")
    assert answer.status_code == 303
    with app_ctx() as session:
        message = session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == page["case"]))
        assert (message.channel, message.status, message.contact_id) == ("sms", "pending", page["contact"])
    shown = _text(client.get(f"/manage/cases/{page['case']}"))
    assert "발송 대기열에 넣었습니다" in shown and "보내기 전" in shown and "분실 등기를 찾아 오늘 배달합니다" in shown


def test_an_opted_out_customer_is_refused_with_the_reason_and_the_text_is_kept(client, app_ctx, page):
    with app_ctx() as session:
        from survey_app.distribution.optout import opt_out
        opt_out(session.get(Contact, page["contact"]), via="test")
    before = _outbox(app_ctx)
    answer = _reply(client, page["case"], "send", version=page["version"], channel="sms", template=page["result"],
                    body="[우체국] {이름}님, 꼭 전해 드릴 말씀")
    assert answer.status_code == 422
    shown = _text(answer)
    assert "수신거부한 고객입니다" in shown and "꼭 전해 드릴 말씀" in shown
    assert _outbox(app_ctx) == before


def test_a_text_too_long_for_an_lms_is_refused(client, app_ctx, page):
    answer = _reply(client, page["case"], "send", version=page["version"], channel="sms", template=page["result"],
                    body="가" * 1100)
    assert answer.status_code == 422 and "문자가 너무 깁니다" in _text(answer)
    assert _outbox(app_ctx) == 0


def test_a_case_outside_my_scope_cannot_be_replied_to(client, app_ctx, page):
    answer = _reply(client, page["far"], "send", version=1, channel="sms", template=page["result"], body="안내")
    assert answer.status_code == 403 and _outbox(app_ctx) == 0


def test_the_form_offers_templates_in_use_for_the_case_and_a_retired_one_no_longer(client, app_ctx, page):
    from survey_app.cases.reply_templates import add_template, retire_template

    with app_ctx():
        own = add_template(name="등기 분실 사과", channel="sms", purpose="case_reply", category="complaint",
                           body="[우체국] {이름}님, {사건번호} 등기를 찾고 있습니다.")
        other = add_template(name="칭찬 감사 인사", channel="sms", purpose="case_reply", category="praise",
                             body="[우체국] {이름}님, 칭찬해 주셔서 고맙습니다.")
        mailed = add_template(name="전자우편 답변", channel="email", purpose="case_reply", subject="답변 ({사건번호})",
                              body="{이름}님, 답변 드립니다.")
        old = add_template(name="옛 문구", channel="sms", purpose="case_reply", body="[우체국] 옛 문구입니다.")
        retire_template(old)
        ids = {"own": own.id, "other": other.id, "mailed": mailed.id, "old": old.id}
    shown = _text(client.get(f"/manage/cases/{page['case']}"))
    form = shown[shown.index('id="reply-form"'):shown.index("</form>", shown.index('id="reply-form"'))]
    assert "등기 분실 사과 (문자(SMS))" in form and "처리 결과 안내 (문자(SMS))" in form
    assert "칭찬 감사 인사" not in form and "옛 문구" not in form and "전자우편 답변" not in form  # no e-mail address
    loaded = _text(_reply(client, page["case"], "load", version=page["version"], channel="sms", template=str(ids["own"]),
                          body=""))
    assert "등기를 찾고 있습니다" in loaded and "VOC-" in loaded
    refused = _reply(client, page["case"], "send", version=page["version"], channel="sms", template=str(ids["old"]),
                     body="[우체국] 옛 문구입니다.")
    assert refused.status_code == 422 and "더 이상 쓰지 않습니다" in _text(refused) and _outbox(app_ctx) == 0


def test_the_case_page_shows_each_failed_attempt_and_the_final_failure(client, app_ctx, make_app, page):
    from survey_app.distribution.sender import Sender
    from tests.distribution_support import SmsGateway

    assert _reply(client, page["case"], "send", version=page["version"], channel="sms", template=page["result"],
                  body="[우체국] {이름}님, 분실 등기를 찾았습니다.").status_code == 303
    with SmsGateway(fail_first=99, status=503) as gateway:
        app = make_app(SMS_GATEWAY="http", SMS_GATEWAY_URL=gateway.url, SEND_RATE_SMS=0, SEND_RETRY_SECONDS=0,
                       SEND_MAX_ATTEMPTS=2, CUSTOMER_MESSAGE_QUIET_HOURS="00:00-00:00")
        with app.app_context():
            Sender(app, ["sms"], worker="t").run(until_empty=True)
    shown = _text(client.get(f"/manage/cases/{page['case']}"))
    timeline = shown[shown.index('class="timeline"'):]
    assert timeline.count("답변 발송 실패 (재시도 예정)") == 1
    assert timeline.count("답변 발송 최종 실패 — 고객이 답변을 받지 못했습니다") == 1 and "503" in timeline
    assert timeline.index("재시도 예정") < timeline.index("최종 실패")
    assert "처리 결과 안내" in timeline  # the queued line names the template it started from
