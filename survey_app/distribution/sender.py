"""The sender process: drain the outbox, throttled per channel, several processes at once.

Run ``survey-app sender``. A claimed batch is sent in groups (``outcomes.GROUP`` messages, fewer when
throttled): the group is composed (opt-outs re-read first), then each message's attempt is started in the
same commit that records the previous message's outcome, and the message goes out over the channel's open
connection. A crash therefore leaves at most one message in doubt.

A locked database (SQLite, another process writing) never stops a sender: it waits and tries again, and
claimed messages it has not started are handed back at once. Every ``heartbeat.BEAT_SECONDS`` the sender
records that it is alive, for the sending-status page.
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
from sqlalchemy.exc import OperationalError

from ..database import db, is_transient_lock, retry_when_locked, write_lock_up_front
from ..models import (
    CUSTOMER_MESSAGE_KINDS,
    Contact,
    Customer,
    DistributionPlan,
    Invitation,
    OutboxMessage,
    OutboxStatus,
    Response,
    ResponseStatus,
    utcnow,
)
from .channels import Channel, SendError, make_channels
from .checks import in_quiet_hours, parse_clock
from .compose import compose
from .customer_messages import compose_customer_message, is_quiet
from .customer_messages import send_time as customer_send_time
from .fielding import send_time
from .heartbeat import BEAT_SECONDS, beat, stopped
from .outbox import claim, recover_expired, release
from .outcomes import GROUP, GROUP_SECONDS, Outcomes

log = logging.getLogger(__name__)
#: Test hook: exit abruptly after the Nth accepted message, before recording it (the in-doubt window).
CRASH_AFTER_ENV = "SURVEY_TEST_SENDER_CRASH_AFTER"


class Throttle:
    """At most ``rate`` calls per second (0: no limit), spaced evenly."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
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
        self.stats, self.plans, self.customers = SenderStats(), {}, {}
        self.crash_after = int(os.environ.get(CRASH_AFTER_ENV, "0") or 0)
        self.stopping = False
        self.beaten_at: float | None = None
        self.lock_waits = 0

    def _plan(self, wave_id: int) -> DistributionPlan | None:
        if wave_id not in self.plans:
            self.plans[wave_id] = db.session.get(DistributionPlan, wave_id)
        return self.plans[wave_id]

    def _load(self, ids: list[int]) -> list[tuple]:
        """(message, invitation, contact, completed) for each claimed message, in id order, in four queries
        (five when customer messages are among them: their customers are kept in ``self.customers``)."""
        messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)).all()
        inv_ids = [m.invitation_id for m in messages if m.invitation_id]
        invitations = {i.id: i for i in db.session.scalars(select(Invitation).where(Invitation.id.in_(inv_ids)))}
        contact_ids = [i.contact_id for i in invitations.values() if i.contact_id]
        contact_ids += [m.contact_id for m in messages if m.contact_id]
        contacts = {c.id: c for c in db.session.scalars(select(Contact).where(Contact.id.in_(contact_ids)))}
        customer_ids = [m.customer_id for m in messages if m.customer_id]
        if customer_ids:
            self.customers.update({c.id: c for c in db.session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))})
        completed = set(db.session.scalars(select(Response.invitation_id).where(
            Response.invitation_id.in_(inv_ids), Response.status == ResponseStatus.COMPLETE)))
        batch = []
        for message in messages:
            if message.kind in CUSTOMER_MESSAGE_KINDS:
                batch.append((message, None, contacts.get(message.contact_id), False))
                continue
            invitation = invitations.get(message.invitation_id)
            contact = contacts.get(invitation.contact_id) if invitation and invitation.contact_id else None
            batch.append((message, invitation, contact, message.invitation_id in completed))
        return batch

    def _quiet(self, plan: DistributionPlan | None) -> bool:
        if plan is None:
            return False
        zone = ZoneInfo(self.app.config["TIMEZONE"])
        return in_quiet_hours(utcnow(), parse_clock(plan.quiet_start), parse_clock(plan.quiet_end), zone)

    def _decide(self, message: OutboxMessage, invitation, contact, completed: bool, outcomes: Outcomes):
        """The message's :class:`Outgoing`, or None with the reason recorded (quiet hours, opt-out …)."""
        if message.kind in CUSTOMER_MESSAGE_KINDS:
            return self._decide_customer(message, contact, outcomes)
        plan = self._plan(message.wave_id)
        if self._quiet(plan):
            outcomes.record_settled(message, OutboxStatus.PENDING, "야간 발송 제한 (quiet hours)", send_time(plan, utcnow()))
            self.stats.deferred += 1
            return None
        decision = compose(message, invitation, contact, plan, completed)
        if decision.outgoing is None:
            outcomes.record_settled(message, decision.status, decision.reason)
            if decision.status in (OutboxStatus.CANCELLED, OutboxStatus.FAILED):
                outcomes.note_case(message, f"message_{decision.status}", decision.reason or "")
            self.stats.cancelled += decision.status == OutboxStatus.CANCELLED
            self.stats.failed += decision.status == OutboxStatus.FAILED
        return decision.outgoing

    def _decide_customer(self, message: OutboxMessage, contact, outcomes: Outcomes):
        """A customer message: deferred in its quiet hours, cancelled when suppressed since it was queued."""
        if is_quiet(utcnow()):
            outcomes.record_settled(message, OutboxStatus.PENDING, "야간 발송 제한 (quiet hours)",
                                    customer_send_time(utcnow()))
            self.stats.deferred += 1
            return None
        decision = compose_customer_message(db.session, message, self.customers.get(message.customer_id), contact)
        if decision.outgoing is None:
            outcomes.record_settled(message, decision.status, decision.reason)
            outcomes.note_case(message, "message_cancelled", decision.reason)
            self.stats.cancelled += 1
        return decision.outgoing

    def _send(self, message: OutboxMessage, outgoing, attempts: int, outcomes: Outcomes) -> None:
        self.throttles[message.channel].wait()
        try:
            provider_id = self.channels[message.channel].send(outgoing)
        except SendError as exc:
            status = outcomes.record_failed(message, attempts, str(exc), permanent=exc.permanent,
                                            bounced=exc.bounced, at=utcnow())
            self.stats.failed += status != OutboxStatus.PENDING
            if status == OutboxStatus.PENDING:  # the owner sees it did not reach the customer yet
                outcomes.note_case(message, "message_retrying", str(exc), attempts=attempts)
            else:
                outcomes.note_case(message, "message_failed", str(exc), attempts=attempts)
            log.warning("message %s: %s (%s)", message.id, exc, status)
            return
        self._maybe_crash()
        outcomes.record_sent(message, provider_id, outgoing.message_type, utcnow())
        outcomes.note_case(message, "message_sent", outgoing.message_type)
        self.stats.sent += 1

    def _maybe_crash(self) -> None:
        if self.crash_after and self.stats.sent + 1 >= self.crash_after:
            os._exit(17)

    def group_size(self) -> int:
        """Messages started together: ``GROUP``, or fewer so a throttled group still takes about GROUP_SECONDS."""
        rates = [t.rate for t in self.throttles.values() if t.rate > 0]
        return max(1, min([GROUP, *(int(r * GROUP_SECONDS) for r in rates)]))

    def _reread_contacts(self, contact_ids: list[int]) -> None:
        """Reload the group's contacts (and customers), so an opt-out or purge made since the batch was claimed
        counts."""
        if contact_ids:
            db.session.scalars(select(Contact).where(Contact.id.in_(contact_ids))
                               .execution_options(populate_existing=True)).all()
        if self.customers:
            db.session.scalars(select(Customer).where(Customer.id.in_(list(self.customers)))
                               .execution_options(populate_existing=True)).all()

    def _send_group(self, batch: list, outcomes: Outcomes) -> None:
        """Compose, then for each message: record the previous outcome and start this attempt (one commit), send."""
        self._reread_contacts([contact.id for _m, _i, contact, _d in batch if contact is not None])
        ready = [(m, out) for m, inv, contact, done in batch if (out := self._decide(m, inv, contact, done, outcomes))]
        for index, (message, outgoing) in enumerate(ready):
            attempts = outcomes.commit(still_working_on=[m.id for m, _ in ready[index + 1:]], start=message.id)
            if attempts is None:  # a lost lease: another sender has it now
                continue
            self._send(message, outgoing, attempts, outcomes)
        outcomes.commit()

    def drain_once(self) -> int:
        """Recover expired claims, claim one batch and send it group by group; returns how many were claimed."""
        released, in_doubt = recover_expired()
        self.stats.in_doubt += in_doubt
        ids = claim(self.worker, self.names, self.app.config["SEND_BATCH"])
        if ids:
            try:
                self._send_batch(self._load(ids))
            except OperationalError as error:
                if is_transient_lock(error):  # hand back what was not started, so nothing waits for the lease
                    db.session.rollback()
                    retry_when_locked(lambda: release(self.worker, ids))
                raise
        db.session.close()
        self.plans.clear()
        self.customers.clear()
        return len(ids)

    def _send_batch(self, batch: list) -> None:
        outcomes, size = Outcomes(self.worker), self.group_size()
        try:
            for start in range(0, len(batch), size):
                if self.stopping:
                    release(self.worker, [m.id for m, *_ in batch[start:]])
                    break
                self._send_group(batch[start:start + size], outcomes)
        finally:
            outcomes.close()

    def _heartbeat(self) -> None:
        if self.beaten_at is None or time.monotonic() - self.beaten_at >= BEAT_SECONDS:
            beat(self.worker)
            self.beaten_at = time.monotonic()

    def _wait_for_lock(self, error: OperationalError) -> None:
        """A locked database: roll back, say so, wait a little longer each time (at most 5 s)."""
        db.session.rollback()
        self.lock_waits += 1
        wait = min(0.2 * 2 ** min(self.lock_waits, 5), 5.0)
        print(f"sender {self.worker}: 데이터베이스가 잠겨 {wait:.1f}초 뒤 다시 시도합니다 "
              f"(database locked, retrying): {error.orig}", flush=True)
        time.sleep(wait)

    def run(self, *, max_seconds: float | None = None, until_empty: bool = False, poll: float = 1.0) -> SenderStats:
        """Send until stopped, ``max_seconds`` passed, or (``until_empty``) nothing is due."""
        with write_lock_up_front():
            return self._run(time.monotonic(), max_seconds, until_empty, poll)

    def _run(self, started: float, max_seconds: float | None, until_empty: bool, poll: float) -> SenderStats:
        try:
            while not self.stopping:
                if max_seconds is not None and time.monotonic() - started >= max_seconds:
                    break
                try:
                    self._heartbeat()
                    claimed = self.drain_once()
                except OperationalError as error:
                    if not is_transient_lock(error):
                        raise
                    self._wait_for_lock(error)
                    continue
                self.lock_waits = 0
                if not claimed:
                    if until_empty:
                        break
                    time.sleep(poll)
        finally:
            for channel in self.channels.values():
                channel.close()
            self._say_stopped()
        return self.stats

    def _say_stopped(self) -> None:
        try:
            db.session.rollback()
            stopped(self.worker)
        except OperationalError as error:  # the status page will notice from the heartbeat's age instead
            log.warning("sender %s: could not record its stop: %s", self.worker, error)
