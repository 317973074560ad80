"""The sender process: drain the outbox, throttled per channel, several processes at once.

Run ``survey-app sender``. Each claimed message is composed at send time (so an opt-out made a
second ago is honoured), sent, and its outcome committed before the next one.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import select

from ..database import db
from ..models import (
    Contact, DistributionPlan, Invitation, OutboxMessage, OutboxStatus, Response, ResponseStatus, utcnow,
)
from .channels import Channel, SendError, make_channels
from .checks import in_quiet_hours, parse_clock
from .compose import compose
from .fielding import send_time
from .outbox import claim, mark_failed, mark_sent, recover_expired, release, settle, start_attempt

log = logging.getLogger(__name__)
#: Test hook: exit abruptly after the Nth accepted message, before recording it (the in-doubt window).
CRASH_AFTER_ENV = "SURVEY_TEST_SENDER_CRASH_AFTER"


class Throttle:
    """At most ``rate`` calls per second (0: no limit), spaced evenly."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = 0.0

    def wait(self) -> None:
        """Sleep until the next call is allowed."""
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        self.next_at = max(now, self.next_at) + self.interval


@dataclass
class SenderStats:
    """What one sender did."""

    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    deferred: int = 0
    in_doubt: int = 0
    by_status: dict = field(default_factory=dict)

    def line(self) -> str:
        """One summary line."""
        return (f"보냄 {self.sent}, 실패 {self.failed}, 취소 {self.cancelled}, 미룸 {self.deferred}, 재확인 {self.in_doubt} "
                f"(sent, failed, cancelled, deferred, in doubt)")


def worker_name() -> str:
    """host:pid, shown as the owner of claimed messages."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


class Sender:
    """One sender: claims batches for its channels and sends them one by one."""

    def __init__(self, app: Flask, channels: list[str], worker: str | None = None) -> None:
        self.app, self.names = app, channels
        self.worker = worker or worker_name()
        self.channels: dict[str, Channel] = make_channels(app, channels)
        rates = {"email": app.config["SEND_RATE_EMAIL"], "sms": app.config["SEND_RATE_SMS"]}
        self.throttles = {name: Throttle(rates.get(name, 0)) for name in channels}
        self.stats, self.plans = SenderStats(), {}
        self.crash_after = int(os.environ.get(CRASH_AFTER_ENV, "0") or 0)
        self.stopping = False

    def _plan(self, wave_id: int) -> DistributionPlan | None:
        if wave_id not in self.plans:
            self.plans[wave_id] = db.session.get(DistributionPlan, wave_id)
        return self.plans[wave_id]

    def _load(self, ids: list[int]):
        messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)).all()
        inv_ids = [m.invitation_id for m in messages if m.invitation_id]
        invitations = {i.id: i for i in db.session.scalars(select(Invitation).where(Invitation.id.in_(inv_ids)))}
        contact_ids = [i.contact_id for i in invitations.values() if i.contact_id]
        contacts = {c.id: c for c in db.session.scalars(select(Contact).where(Contact.id.in_(contact_ids)))}
        completed = set(db.session.scalars(select(Response.invitation_id).where(
            Response.invitation_id.in_(inv_ids), Response.status == ResponseStatus.COMPLETE)))
        return messages, invitations, contacts, completed

    def _quiet(self, plan: DistributionPlan | None) -> bool:
        if plan is None:
            return False
        zone = ZoneInfo(self.app.config["TIMEZONE"])
        return in_quiet_hours(utcnow(), parse_clock(plan.quiet_start), parse_clock(plan.quiet_end), zone)

    def process(self, message: OutboxMessage, invitation, contact, completed: bool) -> None:
        """Compose, check and send one claimed message, recording the outcome."""
        plan = self._plan(message.wave_id)
        if self._quiet(plan):
            settle(message, self.worker, OutboxStatus.PENDING, "야간 발송 제한 (quiet hours)", send_time(plan, utcnow()))
            self.stats.deferred += 1
            return
        decision = compose(message, invitation, contact, plan, completed)
        if decision.outgoing is None:
            settle(message, self.worker, decision.status, decision.reason)
            self.stats.cancelled += decision.status == OutboxStatus.CANCELLED
            self.stats.failed += decision.status == OutboxStatus.FAILED
            return
        self._send(message, decision.outgoing)

    def _send(self, message: OutboxMessage, outgoing) -> None:
        if not start_attempt(message.id, self.worker):
            return  # the lease ran out and another sender has it now
        self.throttles[message.channel].wait()
        try:
            provider_id = self.channels[message.channel].send(outgoing)
        except SendError as exc:
            status = mark_failed(message, self.worker, str(exc), permanent=exc.permanent, bounced=exc.bounced)
            self.stats.failed += status != OutboxStatus.PENDING
            log.warning("message %s: %s (%s)", message.id, exc, status)
            return
        self._maybe_crash()
        mark_sent(message, self.worker, provider_id, outgoing.message_type)
        self.stats.sent += 1

    def _maybe_crash(self) -> None:
        if self.crash_after and self.stats.sent + 1 >= self.crash_after:
            os._exit(17)

    def drain_once(self) -> int:
        """Recover expired claims, claim one batch and send it; returns how many were claimed."""
        released, in_doubt = recover_expired()
        self.stats.in_doubt += in_doubt
        ids = claim(self.worker, self.names, self.app.config["SEND_BATCH"])
        if ids:
            messages, invitations, contacts, completed = self._load(ids)
            for message in messages:
                if self.stopping:
                    release(self.worker, [m.id for m in messages if m.id >= message.id])
                    break
                invitation = invitations.get(message.invitation_id)
                contact = contacts.get(invitation.contact_id) if invitation and invitation.contact_id else None
                self.process(message, invitation, contact, message.invitation_id in completed)
        db.session.close()
        self.plans.clear()
        return len(ids)

    def run(self, *, max_seconds: float | None = None, until_empty: bool = False, poll: float = 1.0) -> SenderStats:
        """Send until stopped, ``max_seconds`` passed, or (``until_empty``) nothing is due."""
        started = time.monotonic()
        try:
            while not self.stopping:
                if max_seconds is not None and time.monotonic() - started >= max_seconds:
                    break
                if not self.drain_once():
                    if until_empty:
                        break
                    time.sleep(poll)
        finally:
            for channel in self.channels.values():
                channel.close()
        return self.stats
