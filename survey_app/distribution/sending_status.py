"""What the sending-status page says about a wave's queue: what waits for a sender, whether any sender is alive,
and why messages not yet due wait (the end of quiet hours, a retry after a failure) and until when."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, or_, select

from ..database import db
from ..models import DistributionPlan, OutboxMessage, OutboxStatus, utcnow
from .fielding import send_time
from .heartbeat import SendersSeen, senders_seen

QUIET, RETRY = "quiet", "retry"


@dataclass(frozen=True)
class Waiting:
    """``count`` messages held until ``until`` for ``reason`` (``quiet`` hours or a ``retry``)."""

    reason: str
    count: int
    until: datetime


@dataclass(frozen=True)
class SendingStatus:
    """A wave's queue as a sender sees it, and whether a sender is there to work through it."""

    due_now: int
    sending: int
    senders: SendersSeen
    later: list[Waiting] = field(default_factory=list)

    @property
    def stalled(self) -> bool:
        """Messages wait for a sender and none has been seen lately."""
        return self.due_now + self.sending > 0 and self.senders.alive == 0


def _waiting_later(wave_id: int, plan: DistributionPlan | None, now: datetime) -> list[Waiting]:
    """Pending messages not due yet: held by quiet hours (queued or deferred for them) or waiting for a retry."""
    retried = OutboxMessage.last_error.is_not(None) & ~OutboxMessage.last_error.startswith("야간 발송 제한")
    rows = db.session.execute(
        select(OutboxMessage.next_attempt_at, retried.label("retried"), func.count(OutboxMessage.id))
        .where(OutboxMessage.wave_id == wave_id, OutboxMessage.status == OutboxStatus.PENDING,
               OutboxMessage.next_attempt_at > now)
        .group_by(OutboxMessage.next_attempt_at, "retried")).all()
    groups: dict[str, list] = {}
    for at, is_retry, count in rows:
        quiet = not is_retry and plan is not None and send_time(plan, at - timedelta(minutes=1)) != at - timedelta(minutes=1)
        entry = groups.setdefault(QUIET if quiet else RETRY, [0, at])
        entry[0] += count
        entry[1] = min(entry[1], at)
    return [Waiting(reason, count, until) for reason, (count, until) in sorted(groups.items())]


def sending_status(wave_id: int, now: datetime | None = None) -> SendingStatus:
    """The wave's queue: due now, being sent, held until later (and why), and the senders seen."""
    now = now or utcnow()
    due_now, sending = db.session.execute(select(
        func.count(OutboxMessage.id).filter(OutboxMessage.status == OutboxStatus.PENDING,
                                            OutboxMessage.next_attempt_at <= now),
        func.count(OutboxMessage.id).filter(OutboxMessage.status == OutboxStatus.SENDING))
        .where(OutboxMessage.wave_id == wave_id,
               or_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.status == OutboxStatus.SENDING))).one()
    plan = db.session.get(DistributionPlan, wave_id)
    return SendingStatus(due_now or 0, sending or 0, senders_seen(now), _waiting_later(wave_id, plan, now))


def local_text(moment: datetime | None) -> str:
    """'12월 7일 08:00' in the app's time zone (KST), for the status page."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return f"{local.month}월 {local.day}일 {local:%H:%M}"
