"""Post-call invitations: a finished call reported by the phone system becomes one SMS invitation,
at most once per call id, respecting opt-out and the no-resurvey window. Flushes, never commits."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from questionnaires.korean import quoted, with_particle

from ..database import db
from ..models import (
    DistributionPlan,
    Invitation,
    MessageKind,
    OutboxMessage,
    OutboxStatus,
    PlanStatus,
    PostCall,
    Wave,
    utcnow,
)
from ..privacy.contacts import add_contact
from .audience import recently_surveyed
from .checks import format_mobile, is_mobile
from .fielding import invitation_hidden, send_time
from .tokens import token_and_hash


class PostCallError(ValueError):
    """A report that cannot become an invitation (unknown wave, wave not running, bad number)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class CallReport:
    """What the phone system tells us about a finished call."""

    wave_code: str
    call_id: str
    customer_number: str
    agent_id: str | None = None
    queue: str | None = None
    consent: bool = True


def running_plan(wave_code: str) -> DistributionPlan:
    """The wave's plan, which must be running; raises PostCallError otherwise."""
    wave = db.session.scalar(select(Wave).where(Wave.code == wave_code))
    if wave is None:
        raise PostCallError(404, f"차수 {with_particle(quoted(wave_code), '이')} 없습니다 (no such wave).")
    plan = db.session.get(DistributionPlan, wave.id)
    if plan is None or plan.status != PlanStatus.RUNNING:
        raise PostCallError(409, "진행 중인 차수가 아닙니다 (the wave is not running).")
    return plan


def _outcome(plan: DistributionPlan, contact) -> str:
    if contact.opted_out_at is not None:
        return "opt_out"
    already = db.session.scalar(select(Invitation.id).where(Invitation.wave_id == plan.wave_id,
                                                           Invitation.contact_id == contact.id))
    if already is not None or contact.id in recently_surveyed(plan.wave_id, plan.no_resurvey_days, utcnow()):
        return "no_resurvey"
    return "queued"


def _invite(plan: DistributionPlan, contact_id: int, report: CallReport) -> Invitation:
    now = utcnow()
    extra = {k: v for k, v in (("agent_id", report.agent_id), ("queue", report.queue), ("call_id", report.call_id)) if v}
    invitation = Invitation(wave_id=plan.wave_id, contact_id=contact_id, channel="sms", status="queued",
                            token_hash=token_and_hash(plan.wave_id, contact_id)[1],
                            hidden=invitation_hidden(plan, "sms", {}, extra))
    db.session.add(invitation)
    db.session.flush()
    db.session.add(OutboxMessage(dedupe_key=f"inv:{invitation.id}:0", wave_id=plan.wave_id, invitation_id=invitation.id,
                                 channel="sms", kind=MessageKind.INVITATION, status=OutboxStatus.PENDING,
                                 next_attempt_at=send_time(plan, now)))
    return invitation


def existing_call(wave_id: int, call_id: str) -> PostCall | None:
    """The record of a call already reported."""
    return db.session.scalar(select(PostCall).where(PostCall.wave_id == wave_id, PostCall.call_id == call_id))


def record_call(report: CallReport) -> tuple[PostCall | None, bool]:
    """The call's record (created now, or the first one for this call id); returns (record, created).

    A customer who did not consent leaves no trace: no contact, no call record, no invitation, no SMS;
    (None, False) is returned (a call id reported before still returns its first record).
    """
    plan = running_plan(report.wave_code)
    found = existing_call(plan.wave_id, report.call_id)
    if found is not None:
        return found, False
    if not report.consent:
        return None, False
    if not is_mobile(report.customer_number):
        raise PostCallError(422, "휴대전화 번호 형식이 아닙니다 (customer_number is not a Korean mobile number).")
    try:
        with db.session.begin_nested():
            contact, _ = add_contact(phone=format_mobile(report.customer_number), consent=report.consent,
                                     source="post-call")
            outcome = _outcome(plan, contact)
            invitation = _invite(plan, contact.id, report) if outcome == "queued" else None
            call = PostCall(wave_id=plan.wave_id, call_id=report.call_id, agent_id=report.agent_id, queue=report.queue,
                            contact_id=contact.id, invitation_id=invitation.id if invitation else None, outcome=outcome)
            db.session.add(call)
            db.session.flush()
    except IntegrityError:  # the same call reported twice at once: the other request won
        return existing_call(plan.wave_id, report.call_id), False
    return call, True
