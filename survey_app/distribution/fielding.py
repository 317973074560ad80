"""Fielding a wave over time: open it and create its invitations, queue reminders, close it.

Every step is idempotent, so the scheduler may run it again after a crash: invitations are unique per
(wave, contact), outbox rows per ``dedupe_key``, and a step's writes are committed together.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import String, cast, exists, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..database import db
from ..models import (
    AudienceSkip,
    Contact,
    DistributionPlan,
    Invitation,
    MessageKind,
    OutboxMessage,
    OutboxStatus,
    PlanStatus,
    Response,
    ResponseStatus,
    WaveStateError,
    utcnow,
)
from ..models.base import UTCDateTime
from .audience import Audience, select_audience
from .bulk import insert_ignoring_duplicates
from .checks import next_allowed, parse_clock
from .tokens import token_hashes

BATCH = 5000


def send_time(plan: DistributionPlan, moment: datetime) -> datetime:
    """``moment``, or the end of the plan's quiet hours if it falls in them."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return next_allowed(moment, parse_clock(plan.quiet_start), parse_clock(plan.quiet_end), zone)


def _insert_ignoring_duplicates(model, rows: list[dict], unique: list[str]) -> None:
    """Bulk insert; rows whose unique key already exists are left alone (a second run adds nothing)."""
    if not rows:
        return
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    for start in range(0, len(rows), BATCH):
        db.session.execute(dialect.insert(model).on_conflict_do_nothing(index_elements=unique), rows[start:start + BATCH])


def invitation_hidden(plan: DistributionPlan, channel: str, segment: dict, extra: dict | None = None) -> dict:
    """What an invitation carries into its response: segment attributes, channel and expiry."""
    hidden = {**segment, "channel": channel, **(extra or {})}
    if plan.wave.closes_at is not None:
        hidden["_expires_at"] = plan.wave.closes_at.isoformat()
    return hidden


def create_invitations(plan: DistributionPlan, audience: Audience, now: datetime) -> int:
    """Invitations and their first outbox messages for the audience; skips recorded. Flushes only.

    Bulk from start to end: tokens derived in one loop, invitations and skips written with COPY (PostgreSQL)
    or executemany, and the outbox rows made by the database from the invitations (``INSERT … SELECT``)."""
    wave_id, due = plan.wave_id, send_time(plan, min(max(now, plan.wave.opens_at or now), utcnow()))
    hashes = token_hashes(wave_id, [c.contact_id for c in audience.invite])
    hidden: dict[tuple, dict] = {}  # one dict per channel and segment, shared by the rows that have it
    rows = []
    for c, token_hash in zip(audience.invite, hashes, strict=True):
        key = (c.channel, *c.segment.items())
        if key not in hidden:
            hidden[key] = invitation_hidden(plan, c.channel, c.segment)
        rows.append({"wave_id": wave_id, "contact_id": c.contact_id, "token_hash": token_hash, "channel": c.channel,
                     "status": "queued", "hidden": hidden[key], "reminders_sent": 0, "created_at": now})
    insert_ignoring_duplicates(Invitation.__table__, rows, ["wave_id", "contact_id"],
                               scope=Invitation.wave_id == wave_id)
    _queue_first_messages(wave_id, due, now)
    skips = [{"wave_id": wave_id, "contact_id": c.contact_id, "reason": reason, "channel": c.channel,
              "segment": c.segment, "created_at": now} for c, reason in audience.skipped]
    insert_ignoring_duplicates(AudienceSkip.__table__, skips, ["wave_id", "contact_id"],
                               scope=AudienceSkip.wave_id == wave_id)
    return db.session.scalar(select(func.count(Invitation.id)).where(Invitation.wave_id == wave_id))


def _queue_first_messages(wave_id: int, due: datetime, now: datetime) -> None:
    """One pending invitation message (``inv:<id>:0``) per invitation of the wave not queued yet."""
    dedupe = literal("inv:") + cast(Invitation.id, String) + literal(":0")
    rows = select(dedupe, Invitation.wave_id, Invitation.id, Invitation.channel, literal(MessageKind.INVITATION),
                  literal(OutboxStatus.PENDING), literal(0), literal(due, UTCDateTime()), literal(now, UTCDateTime())
                  ).where(Invitation.wave_id == wave_id).order_by(Invitation.id)
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    columns = ["dedupe_key", "wave_id", "invitation_id", "channel", "kind", "status", "attempts", "next_attempt_at",
               "created_at"]
    db.session.execute(dialect.insert(OutboxMessage).from_select(columns, rows)
                       .on_conflict_do_nothing(index_elements=["dedupe_key"]))


def open_wave(plan: DistributionPlan, now: datetime) -> int:
    """Open a scheduled wave: its state, its invitations (unless continuous), its plan running."""
    plan.wave.open()  # a closed wave refuses, before anything changes
    created = 0
    if not plan.continuous and plan.invitations_created_at is None:
        created = create_invitations(plan, select_audience(plan, now), now)
        plan.invitations_created_at = now
    plan.status = PlanStatus.RUNNING
    db.session.flush()
    return created


def _non_respondents_due(plan: DistributionPlan, round_no: int, now: datetime) -> list[tuple[int, str]]:
    completed = exists().where(Response.invitation_id == Invitation.id, Response.status == ResponseStatus.COMPLETE)
    reminders = (select(func.count(OutboxMessage.id)).where(OutboxMessage.invitation_id == Invitation.id,
                                                           OutboxMessage.kind == MessageKind.REMINDER)
                 .scalar_subquery())
    opted_out = exists().where(Contact.id == Invitation.contact_id, Contact.opted_out_at.is_not(None))
    query = (select(Invitation.id, Invitation.channel)
             .where(Invitation.wave_id == plan.wave_id, Invitation.contact_id.is_not(None),
                    Invitation.sent_at <= now - timedelta(days=plan.reminder_days * round_no),
                    ~completed, ~opted_out, reminders < round_no))
    return db.session.execute(query).all()


def queue_reminders(plan: DistributionPlan, now: datetime) -> int:
    """Queue every reminder now due to non-respondents (round r goes r × N days after the first message)."""
    if plan.reminder_max <= 0 or plan.reminder_days <= 0:
        return 0
    due, queued = send_time(plan, min(now, utcnow())), 0  # a tick run as of a later time queues them for now
    for round_no in range(1, plan.reminder_max + 1):
        rows = [{"dedupe_key": f"inv:{iid}:r{round_no}", "wave_id": plan.wave_id, "invitation_id": iid,
                 "channel": channel, "kind": MessageKind.REMINDER, "status": OutboxStatus.PENDING, "attempts": 0,
                 "next_attempt_at": due, "created_at": now} for iid, channel in _non_respondents_due(plan, round_no, now)]
        _insert_ignoring_duplicates(OutboxMessage, rows, ["dedupe_key"])
        queued += len(rows)
    db.session.flush()
    return queued


def close_wave(plan: DistributionPlan, now: datetime) -> int:
    """Close the wave at its close time; messages not yet sent are cancelled. Returns how many."""
    plan.wave.close()
    plan.status = PlanStatus.DONE
    cancelled = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.wave_id == plan.wave_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED, last_error="차수 마감 (wave closed)", locked_by=None)
        .execution_options(synchronize_session=False)).rowcount or 0
    db.session.flush()
    return cancelled


def advance(plan: DistributionPlan, now: datetime) -> str | None:
    """Do whatever the plan needs now (open, remind, close); returns what was done, or None."""
    wave = plan.wave
    if plan.status == PlanStatus.SCHEDULED and (wave.opens_at is None or wave.opens_at <= now):
        try:
            return f"opened: {open_wave(plan, now)} invitations"
        except WaveStateError:  # scheduled before scheduling checked the wave: never reopen it
            plan.status = PlanStatus.CANCELLED
            return "cancelled: wave closed"
    if plan.status == PlanStatus.RUNNING and wave.closes_at is not None and wave.closes_at <= now:
        return f"closed: {close_wave(plan, now)} cancelled"
    if plan.status == PlanStatus.RUNNING:
        queued = queue_reminders(plan, now)
        return f"reminders: {queued}" if queued else None
    return None


def run_tick(now: datetime | None = None) -> list[str]:
    """One scheduling pass over every scheduled or running plan, committing after each plan. ``now`` other than
    the clock (``wave tick --now``, trials only) decides what is due; messages it queues may go at once."""
    now, done = now or utcnow(), []
    ids = db.session.scalars(select(DistributionPlan.wave_id).where(
        DistributionPlan.status.in_([PlanStatus.SCHEDULED, PlanStatus.RUNNING])).order_by(DistributionPlan.wave_id)).all()
    for wave_id in ids:
        plan = db.session.scalar(select(DistributionPlan).where(DistributionPlan.wave_id == wave_id).with_for_update())
        outcome = advance(plan, now) if plan is not None else None
        db.session.commit()
        if outcome:
            done.append(f"{plan.wave.code}: {outcome}")
    return done
