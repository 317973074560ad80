"""The demo's VOC cases: rules on the postal survey, cases opened from its detractors and from counselling
calls, handled over the last six weeks into every state — some answered and closed with root causes and
follow-up answers (a few recovered), some still open, some past their deadline.

Seeded, so every demo is the same. Cases go through the real rule engine and state machine; only their
dates are moved back, as if the work had happened over the weeks before the demo.
"""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select, update

from .cases import operations as ops
from .cases.calendar import add_business_days
from .cases.categories import deadline_days
from .cases.replies import queue_interim_notice, reachable_channels, send_reply, template_text
from .cases.reply_templates import add_template, pick_template, retire_template
from .cases.rules import add_rule
from .cases.triggers import process_triggers
from .database import db
from .demo_customers import TOPICS
from .demo_surveys import MAIN_SURVEY
from .distribution.checks import sms_type
from .models import (
    Answer,
    Case,
    CaseEvent,
    CaseStatus,
    CaseTrigger,
    Interaction,
    MessageKind,
    OutboxMessage,
    OutboxStatus,
    Response,
    Survey,
    User,
    Wave,
    utcnow,
)

CATEGORIES_FOR_CALLS = ("complaint", "request", "grievance", "simple_inquiry", "suggestion")
CALL_CATEGORIES = {"delivery_status": "complaint", "return_exchange": "request", "address_change": "request",
                   "fee": "simple_inquiry", "loss_damage": "grievance", "complaint_staff": "complaint",
                   "shop_order": "simple_inquiry", "other": "simple_inquiry"}
CALL_LABELS = {code: label for code, _share, label, _notes in TOPICS}
ANSWERS = ["고객께 전화로 사과드리고 재배송 일정을 안내했습니다.", "파손 보상 절차와 필요한 서류를 안내했습니다.",
           "담당 집배원 면담 후 배달 시간 조정 결과를 알려 드렸습니다.", "요금 기준과 감면 대상을 문자로 안내했습니다."]
CAUSES = ["delivery_delay", "damage", "staff_attitude", "process", "policy", "customer"]


def seed_cases() -> bool:
    """Rules on the postal survey and cases in several states, unless cases exist; returns whether made."""
    survey = db.session.scalar(select(Survey).where(Survey.code == MAIN_SURVEY))
    if survey is None or db.session.scalar(select(Case.id).limit(1)) is not None:
        return False
    add_rule(survey, kind="nps_detractor", question_code="Q9", category="complaint")
    add_rule(survey, kind="score_at_most", question_code="Q5", threshold=1, category="complaint", priority="high")
    add_rule(survey, kind="keyword", question_code="Q10", keyword="불친절", category="complaint", priority="high")
    rng = random.Random(20261207)
    _trigger_low_scores(survey, rng)
    process_triggers(limit=1000)
    _cases_from_calls(rng)
    handler = db.session.scalar(select(User).where(User.username == "admin"))
    for case in db.session.scalars(select(Case).order_by(Case.id)):
        _handle(case, handler, rng)
    _one_interim_notice()
    _center_templates()
    db.session.flush()
    return True


#: Templates the center wrote for its commonest cases, beside the built-in ones (migration 0020).
CENTER_TEMPLATES = [
    ("배달 지연 사과 및 재배송 안내", "sms", "complaint", "",
     "[우체국] {이름}님, 우편물 배달이 늦어 불편을 드려 죄송합니다({사건번호}). {담당부서}에서 확인하여 "
     "(재배송 날짜)에 다시 배달해 드리겠습니다. 문의 {센터전화}"),
    ("파손·분실 보상 절차 안내", "email", "grievance", "[우체국] 우편물 손해배상 절차를 알려 드립니다 ({사건번호})",
     "{이름}님, 안녕하십니까. 우체국 고객센터입니다.\n\n{접수일}에 접수하신 고객의 소리({사건번호})와 관련하여 "
     "손해배상 절차를 알려 드립니다.\n\n1. 가까운 우체국에 손해배상 청구서를 내 주십시오.\n2. 파손된 물품 사진과 "
     "구입 영수증이 있으면 함께 내 주십시오.\n\n{처리기한}까지 {담당부서}에서 결과를 알려 드리겠습니다. "
     "궁금하신 점은 {센터전화}번으로 문의해 주십시오."),
]


def _center_templates() -> None:
    """The center's own reply templates, and an old one it no longer uses (so the page shows every state)."""
    for name, channel, category, subject, body in CENTER_TEMPLATES:
        add_template(name=name, channel=channel, purpose=MessageKind.CASE_REPLY, category=category,
                     subject=subject, body=body)
    old = add_template(name="처리 결과 안내 (2025년 문구)", channel="sms", purpose=MessageKind.CASE_REPLY,
                       body="[우체국] {이름}님, 접수하신 민원({사건번호})을 처리하였습니다. 문의 {센터전화}")
    retire_template(old)


def _reply(case: Case, answer: str) -> OutboxMessage | None:
    """The 처리 결과 안내 to the customer with the answer given, through the outbox (None when unreachable)."""
    channels = reachable_channels(case)
    if not channels:
        return None
    template = pick_template(case, MessageKind.CASE_REPLY, channels[0])
    if template is None:
        return None
    subject, body = template_text(template, case, ops.seoul_today())
    try:
        return send_reply(case, channel=channels[0], template=template.id, subject=subject,
                          body=body.replace("(여기에 처리 결과를 적어 주십시오)", answer))
    except ops.CaseError:  # opted out since: the handler would have called instead
        return None


def _mark_sent(message: OutboxMessage, at) -> None:
    """As if the sender had delivered the reply back then (the demo has no sender running yet)."""
    message.status, message.sent_at, message.attempts = OutboxStatus.SENT, at, 1
    message.created_at = message.next_attempt_at = at
    message.message_type = sms_type(message.body) if message.channel == "sms" else "EMAIL"
    db.session.add(CaseEvent(case_id=message.case_id, kind="message_sent", note=message.message_type, at=at,
                             data={"message": message.id, "channel": message.channel, "message_kind": message.kind}))


def _one_interim_notice() -> None:
    """The oldest open case whose progress notice is due gets its 중간 안내 in the outbox (the deadline job
    sends the others when the scheduler runs)."""
    today = ops.seoul_today()
    due = db.session.scalars(select(Case).where(Case.status != CaseStatus.CLOSED, Case.interim_due_on <= today,
                                                Case.interim_sent_at.is_(None)).order_by(Case.received_on, Case.id))
    for case in due:
        if queue_interim_notice(case, today) is not None:
            case.interim_sent_at = utcnow()
            return


def _trigger_low_scores(survey: Survey, rng: random.Random) -> None:
    """Triggers for a sample of the survey's unhappiest completed responses (NPS 0–3 or overall 1)."""
    low = (select(Response.id).join(Wave, Wave.id == Response.wave_id)
           .join(Answer, Answer.response_id == Response.id)
           .where(Wave.survey_id == survey.id, Response.status == "complete",
                  ((Answer.question_code == "Q9") & (Answer.value_num <= 3))
                  | ((Answer.question_code == "Q5") & (Answer.value_num <= 1)))
           .distinct().order_by(Response.id))
    candidates = list(db.session.scalars(low))
    chosen = sorted(rng.sample(candidates, k=min(120, len(candidates))))
    db.session.add_all(CaseTrigger(response_id=rid, created_at=utcnow()) for rid in chosen)
    db.session.flush()


def _cases_from_calls(rng: random.Random) -> None:
    """Cases for unresolved counselling calls (상담 이력) of the last weeks."""
    calls = list(db.session.scalars(select(Interaction).where(Interaction.channel == "call",
                                                              Interaction.outcome.in_(["unresolved", "callback"]))
                                    .order_by(Interaction.occurred_at.desc()).limit(400)))
    for call in rng.sample(calls, k=min(40, len(calls))):
        category = CALL_CATEGORIES.get(call.topic_code or "", rng.choice(list(CATEGORIES_FOR_CALLS)))
        ops.open_case(source="call", category=category, summary=f"{CALL_LABELS.get(call.topic_code, '기타 문의')} 후속 처리 요청",
                      detail=call.note, customer_id=call.customer_id, org_unit_id=call.org_unit_id,
                      interaction_id=call.id, priority=rng.choice(["normal", "normal", "high"]))


def _backdate(case: Case, days_ago: int) -> None:
    received = (utcnow() - timedelta(days=days_ago)).date()
    case.received_on, case.created_at = received, utcnow() - timedelta(days=days_ago, hours=2)
    case.due_on = add_business_days(received, deadline_days(case.category))
    case.interim_due_on = min(case.due_on + timedelta(days=1), received + timedelta(days=30))


def _handle(case: Case, handler: User, rng: random.Random) -> None:
    """Move the case along as the center would have, then set its dates back."""
    stage = rng.choices(["received", "assigned", "in_progress", "answered", "closed"], weights=[2, 2, 2, 1, 5])[0]
    days_ago = rng.randint(0, 42) if stage == "closed" else rng.choice([0, 1, 2, 3, 4, 6, 8, 9, 12, 16])
    if stage != "received":
        ops.assign(case, handler)
    if stage in ("in_progress", "answered", "closed"):
        ops.start(case)
    reply = None
    if stage in ("answered", "closed"):
        answer = rng.choice(ANSWERS)
        ops.answer(case, answer)
        reply = _reply(case, answer) if rng.random() < 0.7 else None
    if stage == "closed":
        ops.close(case, root_cause=rng.choice(CAUSES), resolution=rng.choices(["yes", "partly", "no"], [6, 2, 1])[0])
    _backdate(case, days_ago)
    if case.first_contact_at is not None:
        case.first_contact_at = case.created_at + timedelta(hours=rng.uniform(2, 70))
    if stage == "closed":
        late = rng.random() < 0.12
        span = (deadline_days(case.category) + rng.randint(2, 6)) if late else rng.randint(1, deadline_days(case.category))
        case.closed_at = min(case.created_at + timedelta(days=span * 7 / 5), utcnow())
        if case.was_detractor and rng.random() < 0.6:
            case.followup_satisfaction = float(rng.choices([5, 4, 3, 2, 1], [3, 4, 2, 1, 1])[0])
            case.recovered = case.followup_satisfaction >= 4
    db.session.execute(update(CaseEvent).where(CaseEvent.case_id == case.id)
                       .values(at=case.created_at + timedelta(hours=1)).execution_options(synchronize_session=False))
    if reply is not None:
        _mark_sent(reply, case.first_contact_at or case.created_at + timedelta(hours=2))
