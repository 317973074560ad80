"""The follow-up survey (처리 만족도): closing a case invites the customer to the open ``voc_followup`` wave,
when consent allows, through the outbox (quiet hours, opt-out and retries as for any invitation; the outbox
row carries the case, so failed attempts show on its timeline); the
answers come back through a trigger and attach to the case — satisfaction, and recovery (a customer who
was a detractor and is now satisfied: overall satisfaction 4 or 5 of 5).
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..customers.consent import may_contact
from ..database import db
from ..distribution.fielding import send_time
from ..distribution.tokens import token_and_hash
from ..models import (
    Answer,
    Case,
    CaseEvent,
    ConsentPurpose,
    Contact,
    Customer,
    DistributionPlan,
    Invitation,
    MessageKind,
    OutboxMessage,
    OutboxStatus,
    Response,
    Survey,
    Wave,
    utcnow,
)

FOLLOWUP_KIND = "voc"  # the bundled voc_followup questionnaire's kind
SATISFACTION_CODE = "Q4"  # 고객의 소리 처리에 대해 전반적으로 얼마나 만족하십니까? (1–5)
RECOVERED_AT = 4


def followup_wave() -> Wave | None:
    """The open follow-up wave: ``CASE_FOLLOWUP_WAVE`` by code, else the newest open wave of a VOC survey."""
    code = current_app.config.get("CASE_FOLLOWUP_WAVE")
    query = select(Wave).join(Survey, Survey.id == Wave.survey_id).where(Wave.state == "open")
    query = query.where(Wave.code == code) if code else query.where(Survey.kind == FOLLOWUP_KIND)
    return db.session.scalar(query.order_by(Wave.id.desc()).limit(1))


def _contact_of(case: Case) -> Contact | None:
    if case.response_id is not None:
        response = db.session.get(Response, case.response_id)
        if response is not None and response.invitation is not None and response.invitation.contact is not None:
            return response.invitation.contact
    if case.customer_id is not None:
        return db.session.scalar(select(Contact).where(Contact.customer_id == case.customer_id,
                                                       Contact.opted_out_at.is_(None)).order_by(Contact.id).limit(1))
    return None


def _skip_reason(case: Case, contact: Contact | None, wave: Wave | None) -> str | None:
    if wave is None:
        return "진행 중인 처리 만족도 조사 차수가 없습니다."
    if contact is None:
        return "연락할 수 있는 고객 연락처가 없습니다."
    customer = db.session.get(Customer, case.customer_id) if case.customer_id else None
    if contact.opted_out_at is not None or not may_contact(customer, ConsentPurpose.SURVEY):
        return "고객이 설문 수신에 동의하지 않았습니다."
    if db.session.scalar(select(Invitation.id).where(Invitation.wave_id == wave.id,
                                                     Invitation.contact_id == contact.id)) is not None:
        return "이 고객에게는 이미 처리 만족도 조사를 보냈습니다."
    return None


def send_followup(case: Case) -> Invitation | None:
    """Invite the case's customer to the follow-up survey (or note on the timeline why not). Flushes."""
    wave, contact = followup_wave(), _contact_of(case)
    reason = _skip_reason(case, contact, wave)
    if reason is not None:
        db.session.add(CaseEvent(case_id=case.id, kind="followup_skipped", note=reason, data={}))
        db.session.flush()
        return None
    channel = "sms" if contact.phone_hash else "email"
    invitation = Invitation(wave_id=wave.id, contact_id=contact.id, channel=channel, status="queued",
                            token_hash=token_and_hash(wave.id, contact.id)[1],
                            hidden={"voc_id": case.number, "channel": case.source,
                                    "office_code": case.org_unit.code if case.org_unit else ""})
    db.session.add(invitation)
    db.session.flush()
    plan = db.session.get(DistributionPlan, wave.id)
    now = utcnow()
    db.session.add(OutboxMessage(dedupe_key=f"inv:{invitation.id}:0", wave_id=wave.id, invitation_id=invitation.id,
                                 channel=channel, kind=MessageKind.INVITATION, status=OutboxStatus.PENDING, case_id=case.id,
                                 next_attempt_at=send_time(plan, now) if plan is not None else now))
    db.session.add(CaseEvent(case_id=case.id, kind="followup_sent", note=channel,
                             data={"invitation": invitation.id, "wave": wave.code}))
    db.session.flush()
    return invitation


def attach_followup(response: Response, answers: dict[str, list[Answer]]) -> bool:
    """Attach a follow-up response to its case (by the invitation's VOC number); False when none matches."""
    number = (response.hidden or {}).get("voc_id") or ((response.invitation.hidden or {}).get("voc_id")
                                                       if response.invitation is not None else None)
    case = db.session.scalar(select(Case).where(Case.number == str(number))) if number else None
    if case is None:
        return False
    rows = answers.get(SATISFACTION_CODE) or []
    satisfaction = rows[0].value_num if rows else None
    case.followup_response_id, case.followup_satisfaction = response.id, satisfaction
    case.recovered = (satisfaction is not None and satisfaction >= RECOVERED_AT) if case.was_detractor else None
    db.session.add(CaseEvent(case_id=case.id, kind="followup_answered",
                             note=None if satisfaction is None else f"처리 만족도 {satisfaction:g}점",
                             data={"response": response.id, "recovered": case.recovered}))
    db.session.flush()
    return True
