"""The outbox state machine: claim due messages, record each attempt, retry with backoff, recover leases.

Claiming is one ``WITH due AS MATERIALIZED (SELECT … LIMIT n FOR UPDATE SKIP LOCKED) UPDATE … WHERE
id IN (SELECT id FROM due) AND status = 'pending' RETURNING id``: on PostgreSQL concurrent senders skip
each other's rows; on SQLite writers are serialised, so the status condition alone keeps a row from
being claimed twice.

A claimed row is ``sending`` with a lease. Just before the network call, ``attempt_started_at`` is
committed; after it, the outcome. A sender killed in between leaves a row whose lease runs out:
without ``attempt_started_at`` nothing left this machine and it simply goes back to ``pending``; with
it the message is *in doubt* and is sent again under the same message id (gateway idempotency key,
e-mail Message-ID), so the receiving side can recognise the repeat.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, select, update

from ..database import db
from ..models import Invitation, MessageKind, OutboxMessage, OutboxStatus, utcnow

RETRY_CAP = timedelta(hours=6)


def claim(worker: str, channels: list[str], limit: int, now: datetime | None = None) -> list[int]:
    """Claim up to ``limit`` due pending messages for ``worker``; commits; returns their ids."""
    now = now or utcnow()
    lease = timedelta(seconds=current_app.config["SEND_LEASE_SECONDS"])
    # A materialised CTE: as a plain IN (subquery) PostgreSQL may plan a nested-loop semi-join that runs
    # the LIMIT … SKIP LOCKED subquery again for every row, and one sender then claimed the whole outbox.
    due = (select(OutboxMessage.id)
           .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.channel.in_(channels),
                  OutboxMessage.next_attempt_at <= now)
           .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
           .with_for_update(skip_locked=True)).cte("due").prefix_with("MATERIALIZED", dialect="postgresql")
    statement = (update(OutboxMessage)
                 .where(OutboxMessage.id.in_(select(due.c.id)), OutboxMessage.status == OutboxStatus.PENDING)
                 .values(status=OutboxStatus.SENDING, locked_by=worker, lease_until=now + lease,
                         attempt_started_at=None)
                 .returning(OutboxMessage.id).execution_options(synchronize_session=False))
    ids = sorted(db.session.scalars(statement).all())
    db.session.commit()
    return ids


def _owned(message_id: int, worker: str):
    return and_(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.SENDING,
                OutboxMessage.locked_by == worker)


def start_attempt(message_id: int, worker: str) -> bool:
    """Record that the network call is about to happen and renew the lease for it; False if the claim ran
    out meanwhile (another sender may have it now). Commits.

    The lease must outlast one network call: keep ``SEND_LEASE_SECONDS`` well above the channel timeouts."""
    now = utcnow()
    lease = timedelta(seconds=current_app.config["SEND_LEASE_SECONDS"])
    done = db.session.execute(update(OutboxMessage).where(_owned(message_id, worker), OutboxMessage.lease_until > now)
                              .values(attempt_started_at=now, attempts=OutboxMessage.attempts + 1,
                                      lease_until=now + lease)
                              .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return done == 1


def begin_attempts(message_ids: list[int], worker: str) -> dict[int, int]:
    """Record that the network calls for ``message_ids`` are about to happen and renew their lease; returns
    {id: attempts so far} for the messages this worker still holds (the others' leases ran out and another
    sender may have them). Flushes only: the caller commits."""
    if not message_ids:
        return {}
    now = utcnow()
    lease = timedelta(seconds=current_app.config["SEND_LEASE_SECONDS"])
    rows = db.session.execute(update(OutboxMessage).where(
        OutboxMessage.id.in_(message_ids), OutboxMessage.status == OutboxStatus.SENDING,
        OutboxMessage.locked_by == worker, OutboxMessage.lease_until > now)
        .values(attempt_started_at=now, attempts=OutboxMessage.attempts + 1, lease_until=now + lease)
        .returning(OutboxMessage.id, OutboxMessage.attempts).execution_options(synchronize_session=False)).all()
    return dict(rows)


def start_attempts(message_ids: list[int], worker: str) -> dict[int, int]:
    """:func:`begin_attempts`, committed."""
    started = begin_attempts(message_ids, worker)
    db.session.commit()
    return started


def renew_leases(message_ids: list[int], worker: str) -> None:
    """Extend this worker's claim on messages it is still working through. Flushes only."""
    if message_ids:
        until = utcnow() + timedelta(seconds=current_app.config["SEND_LEASE_SECONDS"])
        db.session.execute(update(OutboxMessage).where(
            OutboxMessage.id.in_(message_ids), OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.locked_by == worker).values(lease_until=until).execution_options(synchronize_session=False))


def mark_sent(message: OutboxMessage, worker: str, provider_id: str | None, message_type: str) -> None:
    """The channel accepted the message: sent, and the invitation notes it. Commits."""
    now = utcnow()
    db.session.execute(update(OutboxMessage).where(_owned(message.id, worker)).values(
        status=OutboxStatus.SENT, sent_at=now, provider_id=(provider_id or "")[:200] or None,
        message_type=message_type, locked_by=None, lease_until=None, last_error=None)
        .execution_options(synchronize_session=False))
    if message.invitation_id is not None:
        values = ({"reminders_sent": Invitation.reminders_sent + 1} if message.kind == MessageKind.REMINDER
                  else {"status": "sent"})
        db.session.execute(update(Invitation).where(Invitation.id == message.invitation_id)
                           .values(sent_at=func.coalesce(Invitation.sent_at, now), **values)
                           .execution_options(synchronize_session=False))
    db.session.commit()


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2×base, 4×base … capped at six hours."""
    base = current_app.config["SEND_RETRY_SECONDS"]
    return min(timedelta(seconds=base * 2 ** max(attempts - 1, 0)), RETRY_CAP)


def mark_failed(message: OutboxMessage, worker: str, error: str, *, permanent: bool = False,
                bounced: bool = False) -> str:
    """Record a failed attempt: retried later with backoff, or failed/bounced for good. Commits."""
    attempts = db.session.scalar(select(OutboxMessage.attempts).where(OutboxMessage.id == message.id)) or 1
    final = permanent or bounced or attempts >= current_app.config["SEND_MAX_ATTEMPTS"]
    status = OutboxStatus.BOUNCED if bounced else OutboxStatus.FAILED if final else OutboxStatus.PENDING
    db.session.execute(update(OutboxMessage).where(_owned(message.id, worker)).values(
        status=status, last_error=error[:2000], locked_by=None, lease_until=None,
        next_attempt_at=utcnow() + retry_delay(attempts)).execution_options(synchronize_session=False))
    db.session.commit()
    return status


def settle(message: OutboxMessage, worker: str, status: str, reason: str,
           next_attempt_at: datetime | None = None) -> None:
    """End a claim without sending: cancelled (opt-out, closed wave …) or back to pending later. Commits."""
    values = {"status": status, "last_error": reason, "locked_by": None, "lease_until": None}
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    db.session.execute(update(OutboxMessage).where(_owned(message.id, worker)).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def recover_expired(now: datetime | None = None) -> tuple[int, int]:
    """Give expired claims back: never attempted → pending; attempted with no outcome → pending, in doubt.
    Returns (released, in_doubt). Commits."""
    now = now or utcnow()
    expired = and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until < now)
    released = db.session.execute(update(OutboxMessage).where(expired, OutboxMessage.attempt_started_at.is_(None))
                                  .values(status=OutboxStatus.PENDING, locked_by=None, lease_until=None)
                                  .execution_options(synchronize_session=False)).rowcount or 0
    in_doubt = db.session.execute(update(OutboxMessage).where(expired, OutboxMessage.attempt_started_at.is_not(None))
                                  .values(status=OutboxStatus.PENDING, locked_by=None, lease_until=None,
                                          last_error="이전 시도의 결과를 알 수 없어 같은 메시지 번호로 다시 보냅니다 "
                                                     "(previous attempt in doubt; resent under the same message id)")
                                  .execution_options(synchronize_session=False)).rowcount or 0
    db.session.commit()
    return released, in_doubt


def release(worker: str, ids: list[int]) -> int:
    """Hand claimed but unattempted messages back to the queue (a sender stopping mid-batch). Commits."""
    if not ids:
        return 0
    count = db.session.execute(update(OutboxMessage).where(
        OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.locked_by == worker,
        OutboxMessage.attempt_started_at.is_(None)).values(status=OutboxStatus.PENDING, locked_by=None, lease_until=None)
        .execution_options(synchronize_session=False)).rowcount or 0
    db.session.commit()
    return count
