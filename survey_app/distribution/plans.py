"""Writing a wave's distribution plan: check it (schedule, templates, SMS length), save it, schedule it.
Flushes, never commits."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, update

from ..audit import record
from ..database import db
from ..models import DistributionPlan, MessageKind, OutboxMessage, OutboxStatus, PlanStatus, Wave, utcnow
from .checks import parse_clock
from .compose import DEFAULT_EMAIL, DEFAULT_SMS, DEFAULT_SUBJECT
from .fielding import send_time
from .messages import LONGEST_NAME, MessageValues, TemplateError, check_sms, check_template, unsubscribe_text

CHANNELS = ("sms", "email")
#: What may change while a wave is being sent: it only affects messages not sent yet.
SAFE_WHILE_RUNNING = ("reminder_max", "reminder_days", "quiet_start", "quiet_end", "email_subject", "email_body",
                      "sms_text")
SAMPLE_LINK = "https://survey.epost.go.kr/s/" + "x" * 43


class PlanError(ValueError):
    """A plan that cannot be saved or scheduled; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class PlanInput:
    """What staff enter for a wave's distribution."""

    opens_at: datetime | None
    closes_at: datetime | None
    channels: list[str]
    audience: dict = field(default_factory=dict)
    reminder_days: int = 3
    reminder_max: int = 0
    quiet_start: str = "21:00"
    quiet_end: str = "08:00"
    no_resurvey_days: int = 0
    email_subject: str = DEFAULT_SUBJECT
    email_body: str = DEFAULT_EMAIL
    sms_text: str = DEFAULT_SMS
    continuous: bool = False


def sample_values(closes_at: datetime | None) -> MessageValues:
    """Worst-case values for length checks: a long name and a full-length link."""
    return MessageValues(name=LONGEST_NAME, link=SAMPLE_LINK, close_date="2026년 12월 31일",
                         unsubscribe=unsubscribe_text(SAMPLE_LINK.replace("/s/", "/u/"), "1588-1300"))


def _schedule_problems(data: PlanInput, now: datetime, scheduling: bool) -> list[str]:
    problems = []
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        problems.append(_("마감 시각이 시작 시각보다 늦어야 합니다."))
    if scheduling and data.opens_at is not None and data.opens_at < now and not data.continuous:
        problems.append(_("시작 시각이 이미 지났습니다."))
    if scheduling and data.closes_at is not None and data.closes_at <= now:
        problems.append(_("마감 시각이 이미 지났습니다."))
    if data.reminder_max < 0 or data.reminder_max > 5:
        problems.append(_("재안내 횟수는 0~5회입니다."))
    if data.reminder_max > 0 and data.reminder_days < 1:
        problems.append(_("재안내 간격은 1일 이상이어야 합니다."))
    for clock in (data.quiet_start, data.quiet_end):
        try:
            parse_clock(clock)
        except ValueError as exc:
            problems.append(str(exc))
    return problems


def _message_problems(data: PlanInput) -> list[str]:
    problems = []
    if not data.channels or any(c not in CHANNELS for c in data.channels):
        problems.append(_("발송 경로(문자, 전자우편)를 하나 이상 골라 주십시오."))
    checks = ([(data.email_subject, _("전자우편 제목")), (data.email_body, _("전자우편 본문"))]
              if "email" in data.channels else [])
    for template, label in checks:
        try:
            check_template(template, label=label)
        except TemplateError as exc:
            problems.append(str(exc))
    if "sms" in data.channels:
        try:
            check_sms(data.sms_text, sample_values(data.closes_at))
        except TemplateError as exc:
            problems.append(str(exc))
    return problems


def check_plan(data: PlanInput, *, scheduling: bool, now: datetime | None = None) -> None:
    """Raise :class:`PlanError` listing every problem with ``data``."""
    problems = _schedule_problems(data, now or utcnow(), scheduling) + _message_problems(data)
    if problems:
        raise PlanError(problems)


def save_plan(wave: Wave, data: PlanInput) -> DistributionPlan:
    """Store the plan (as a draft unless it is already scheduled); the wave takes the start and close times."""
    plan = db.session.get(DistributionPlan, wave.id) or DistributionPlan(wave_id=wave.id, status=PlanStatus.DRAFT)
    check_plan(data, scheduling=plan.status == PlanStatus.SCHEDULED)  # a scheduled plan stays one the clock allows
    if plan.status == PlanStatus.RUNNING:
        raise PlanError([_("발송 중에는 재안내, 야간 발송 제한, 안내문만 바꿀 수 있습니다.")])
    if plan.status == PlanStatus.DONE:
        raise PlanError([_("발송이 끝난 차수의 계획은 바꿀 수 없습니다.")])
    for name in ("channels", "audience", "reminder_days", "reminder_max", "quiet_start", "quiet_end",
                 "no_resurvey_days", "email_subject", "email_body", "sms_text", "continuous"):
        setattr(plan, name, getattr(data, name))
    wave.opens_at, wave.closes_at = data.opens_at, data.closes_at
    plan.wave = wave
    plan.seed = plan.seed or wave.id * 7919 + 17
    db.session.add(plan)
    db.session.flush()
    record("wave.plan.save", "wave", wave.id, details={"channels": data.channels})
    return plan


def plan_input(plan: DistributionPlan) -> PlanInput:
    """The stored plan as input (for re-checking and for the form)."""
    return PlanInput(plan.wave.opens_at, plan.wave.closes_at, list(plan.channels), dict(plan.audience),
                     plan.reminder_days, plan.reminder_max, plan.quiet_start, plan.quiet_end, plan.no_resurvey_days,
                     plan.email_subject, plan.email_body, plan.sms_text, plan.continuous)


def schedule(plan: DistributionPlan, now: datetime | None = None) -> DistributionPlan:
    """Check the plan against the clock and hand it to the scheduler."""
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.CANCELLED):
        raise PlanError([_("이미 예약되었거나 발송 중입니다.")])
    if plan.wave.version_id is None:
        raise PlanError([_("게시된 설문 버전이 없습니다.")])
    now = now or utcnow()
    check_plan(plan_input(plan), scheduling=True, now=now)
    if plan.wave.is_closed_at(now):
        raise PlanError([_("마감된 차수입니다.")])
    plan.status = PlanStatus.SCHEDULED  # only after every check: the request boundary commits what is changed
    db.session.flush()
    record("wave.plan.schedule", "wave", plan.wave_id)
    return plan


def cancel(plan: DistributionPlan) -> None:
    """Stop a scheduled plan before it starts (a running wave is stopped by closing it)."""
    if plan.status != PlanStatus.SCHEDULED:
        raise PlanError([_("예약된 계획만 취소할 수 있습니다.")])
    plan.status = PlanStatus.CANCELLED
    record("wave.plan.cancel", "wave", plan.wave_id)
    db.session.flush()


def edit_running_plan(plan: DistributionPlan, data: PlanInput, now: datetime | None = None) -> dict[str, list]:
    """Change what is safe mid-wave (:data:`SAFE_WHILE_RUNNING`); returns {field: [before, after]} and logs it.

    Only messages not sent yet are affected: texts are rendered when a message is sent; fewer reminder rounds
    cancel the queued reminders of the dropped rounds; new quiet hours move the messages held for the old ones.
    Flushes only."""
    if plan.status != PlanStatus.RUNNING:
        raise PlanError([_("발송 중인 계획이 아닙니다.")])
    wanted = {name: getattr(data, name) for name in SAFE_WHILE_RUNNING}
    check_plan(replace(plan_input(plan), **wanted), scheduling=False)  # check, then change
    changes = {name: [getattr(plan, name), value] for name, value in wanted.items() if getattr(plan, name) != value}
    for name, (_before, after) in changes.items():
        setattr(plan, name, after)
    now = now or utcnow()
    if "reminder_max" in changes:
        _cancel_dropped_reminders(plan)
    if "quiet_start" in changes or "quiet_end" in changes:
        _move_held_messages(plan, now)
    db.session.flush()
    if changes:
        record("wave.plan.edit_running", "wave", plan.wave_id,
               details={name: [str(before)[:200], str(after)[:200]] for name, (before, after) in changes.items()})
    return changes


def _cancel_dropped_reminders(plan: DistributionPlan) -> None:
    """Reminders queued for rounds beyond the new count are cancelled (``inv:<id>:r<round>``)."""
    dropped = [OutboxMessage.dedupe_key.like(f"inv:%:r{round_no}") for round_no in range(plan.reminder_max + 1, 6)]
    if dropped:
        db.session.execute(update(OutboxMessage).where(
            OutboxMessage.wave_id == plan.wave_id, OutboxMessage.kind == MessageKind.REMINDER,
            OutboxMessage.status == OutboxStatus.PENDING, or_(*dropped))
            .values(status=OutboxStatus.CANCELLED, last_error="재안내 횟수를 줄였습니다 (reminder rounds reduced)")
            .execution_options(synchronize_session=False))


def _move_held_messages(plan: DistributionPlan, now: datetime) -> None:
    """Messages waiting for the end of the old quiet hours go at the end of the new ones (or now)."""
    held = or_(OutboxMessage.last_error.is_(None), OutboxMessage.last_error.startswith("야간 발송 제한"))
    db.session.execute(update(OutboxMessage).where(
        OutboxMessage.wave_id == plan.wave_id, OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.next_attempt_at > now, held).values(next_attempt_at=send_time(plan, now))
        .execution_options(synchronize_session=False))
