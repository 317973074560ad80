"""Outcomes of sent, failed and settled messages, written in the commit that starts the next attempt.

A sender makes one commit per message sent: it records the outcome of the message just handed to the
channel (and any cancellations and deferrals decided meanwhile) together with the start of the next attempt.
So a sender killed at any moment leaves at most one message *in doubt* (accepted by the server but not yet
recorded). Every write keeps the conditions of the one-message functions in ``outbox``: a row changes only
while this worker still holds its claim. A commit that meets SQLite's write lock waits and tries again: the
message it records has already gone out.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Integer, bindparam, func, insert, text, update
from sqlalchemy.engine import Connection, Engine

from ..database import db, retry_when_locked
from ..models import CaseEvent, Invitation, MessageKind, OutboxMessage, OutboxStatus, utcnow
from ..models.base import UTCDateTime
from .outbox import begin_attempts, renew_leases, retry_delay

#: A sender composes this many messages together (re-reading their contacts in one query) …
GROUP = 50
#: … or fewer when throttled, so a group lasts about this long; claims are renewed this often.
GROUP_SECONDS = 0.2

#: PostgreSQL: record the message just sent (and its invitation) and start the next attempt in one statement,
#: autocommitted on the sender's own connection: one round trip per message.
_PG_RECORD_AND_START = text("""
WITH done AS (
  UPDATE outbox_messages SET status = 'sent', sent_at = :at, provider_id = :provider, message_type = :type,
         locked_by = NULL, lease_until = NULL, last_error = NULL
  WHERE id = :done_id AND status = 'sending' AND locked_by = :worker
  RETURNING invitation_id, kind),
noted AS (
  UPDATE invitations SET status = CASE WHEN done.kind = 'reminder' THEN invitations.status ELSE 'sent' END,
         reminders_sent = invitations.reminders_sent + CASE WHEN done.kind = 'reminder' THEN 1 ELSE 0 END,
         sent_at = coalesce(invitations.sent_at, :at)
  FROM done WHERE invitations.id = done.invitation_id),
started AS (
  UPDATE outbox_messages SET attempt_started_at = :now, attempts = attempts + 1, lease_until = :lease
  WHERE id = :start_id AND status = 'sending' AND locked_by = :worker AND lease_until > :now
  RETURNING id, attempts)
SELECT id, attempts FROM started""").bindparams(
    bindparam("at", type_=UTCDateTime()), bindparam("now", type_=UTCDateTime()),
    bindparam("lease", type_=UTCDateTime()), bindparam("done_id", type_=Integer()),
    bindparam("start_id", type_=Integer()))
#: The sender's connections do not wait for the WAL flush at commit: a record is visible to every other
#: process (so safe against a sender crash) at once; only a crash of the database server itself could lose the
#: last ~0.6 s of records, whose messages would then count as in doubt.
_NO_FLUSH_WAIT = text("SET synchronous_commit TO OFF")
_OUTBOX, _INVITATIONS = OutboxMessage.__table__, Invitation.__table__
_HELD = (_OUTBOX.c.id == bindparam("b_id"), _OUTBOX.c.status == OutboxStatus.SENDING,
         _OUTBOX.c.locked_by == bindparam("b_worker"))
_SENT = update(_OUTBOX).where(*_HELD).values(
    status=OutboxStatus.SENT, sent_at=bindparam("b_at"), provider_id=bindparam("b_provider"),
    message_type=bindparam("b_type"), locked_by=None, lease_until=None, last_error=None)
_SETTLED = update(_OUTBOX).where(*_HELD).values(
    status=bindparam("b_status"), last_error=bindparam("b_error"), locked_by=None, lease_until=None,
    next_attempt_at=func.coalesce(bindparam("b_next", type_=_OUTBOX.c.next_attempt_at.type), _OUTBOX.c.next_attempt_at))
_INVITED = update(_INVITATIONS).where(_INVITATIONS.c.id == bindparam("b_id")).values(
    status="sent", sent_at=func.coalesce(_INVITATIONS.c.sent_at, bindparam("b_at", type_=_INVITATIONS.c.sent_at.type)))
_REMINDED = update(_INVITATIONS).where(_INVITATIONS.c.id == bindparam("b_id")).values(
    reminders_sent=_INVITATIONS.c.reminders_sent + 1,
    sent_at=func.coalesce(_INVITATIONS.c.sent_at, bindparam("b_at", type_=_INVITATIONS.c.sent_at.type)))


@dataclass
class Outcomes:
    """Outcomes not yet committed, for one worker."""

    worker: str

    def __post_init__(self) -> None:
        self.sent: list[dict] = []
        self.invited: list[dict] = []
        self.reminded: list[dict] = []
        self.settled: list[dict] = []
        self.case_events: list[dict] = []
        if not hasattr(self, "renewed_at"):
            self.renewed_at = time.monotonic()
            self.connection: Connection | None = None

    def __len__(self) -> int:
        return len(self.sent) + len(self.settled)

    def record_sent(self, message: OutboxMessage, provider_id: str | None, message_type: str, at: datetime) -> None:
        """The channel accepted ``message`` at ``at``."""
        self.sent.append({"b_id": message.id, "b_worker": self.worker, "b_at": at,
                          "b_provider": (provider_id or "")[:200] or None, "b_type": message_type})
        if message.invitation_id is not None:
            target = self.reminded if message.kind == MessageKind.REMINDER else self.invited
            target.append({"b_id": message.invitation_id, "b_at": at})

    def record_failed(self, message: OutboxMessage, attempts: int, error: str, *, permanent: bool,
                      bounced: bool, at: datetime) -> str:
        """A failed attempt: back to pending after the backoff, or failed/bounced for good. Returns the status."""
        final = permanent or bounced or attempts >= current_app.config["SEND_MAX_ATTEMPTS"]
        status = OutboxStatus.BOUNCED if bounced else OutboxStatus.FAILED if final else OutboxStatus.PENDING
        self.record_settled(message, status, error[:2000], at + retry_delay(attempts))
        return status

    def record_settled(self, message: OutboxMessage, status: str, reason: str,
                       next_attempt_at: datetime | None = None) -> None:
        """A claim ended without sending (cancelled, failed, deferred)."""
        self.settled.append({"b_id": message.id, "b_worker": self.worker, "b_status": status, "b_error": reason,
                             "b_next": next_attempt_at})

    def note_case(self, message: OutboxMessage, kind: str, note: str, **data) -> None:
        """A message's outcome for its case's timeline (message_sent / _retrying / _failed / _cancelled), when the
        message belongs to a case (a reply, an interim notice, a follow-up invitation)."""
        if message.case_id is not None:
            self.case_events.append({"case_id": message.case_id, "at": utcnow(), "kind": kind, "note": note[:2000],
                                     "data": {"message": message.id, "channel": message.channel,
                                              "message_kind": message.kind, **data}})

    def commit(self, still_working_on: list[int] = (), start: int | None = None) -> int | None:
        """Write every outcome, start ``start``'s attempt, renew the claim on messages still to be sent (every
        ``GROUP_SECONDS``), commit (waiting out a locked database), begin a new group. Returns the attempts
        of ``start`` so far, or None when this worker no longer holds it."""
        renew = list(still_working_on) if time.monotonic() - self.renewed_at >= GROUP_SECONDS else []
        attempts = retry_when_locked(lambda: self._write(renew, start))
        if renew:
            self.renewed_at = time.monotonic()
        self.__post_init__()
        return attempts

    def _write(self, renew: list[int], start: int | None) -> int | None:
        if (db.session.get_bind().dialect.name == "postgresql" and len(self.sent) <= 1 and not self.settled
                and not self.case_events):
            return self._pg_record_and_start(start, renew)
        for statement, rows in ((_SENT, self.sent), (_SETTLED, self.settled), (_INVITED, self.invited),
                                (_REMINDED, self.reminded)):
            if rows:
                db.session.execute(statement.execution_options(synchronize_session=False), rows)
        if self.case_events:
            db.session.execute(insert(CaseEvent), self.case_events)
        renew_leases(renew, self.worker)
        attempts = begin_attempts([start], self.worker).get(start) if start is not None else None
        db.session.commit()
        return attempts

    def _recorder(self) -> Connection:
        """PostgreSQL: a pooled connection of the sender's own in autocommit mode, so recording a message and
        starting the next is one round trip (the test suite's sessions, bound to one connection, use that)."""
        bind = db.session.get_bind()
        if not isinstance(bind, Engine):
            return db.session.connection()
        if self.connection is None:
            if db.session().in_transaction():
                db.session.commit()  # the group's reads: nothing to keep open while sending
            self.connection = bind.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self.connection

    def close(self) -> None:
        """Give the recording connection back to the pool (a sender does this after each batch)."""
        connection, self.connection = self.connection, None
        if connection is not None:
            connection.close()

    def _pg_record_and_start(self, start: int | None, renew: list[int]) -> int | None:
        """The message just sent (if any) recorded and ``start``'s attempt begun in one statement, committed."""
        connection = self._recorder()
        if not connection.info.get("no_flush_wait"):  # once per pooled connection (a sender's own process)
            connection.execute(_NO_FLUSH_WAIT)
            connection.info["no_flush_wait"] = True
        done = self.sent[0] if self.sent else {"b_id": None, "b_at": None, "b_provider": None, "b_type": None}
        now = utcnow()
        lease = now + timedelta(seconds=current_app.config["SEND_LEASE_SECONDS"])
        row = connection.execute(_PG_RECORD_AND_START, {
            "done_id": done["b_id"], "at": done["b_at"], "provider": done["b_provider"], "type": done["b_type"],
            "worker": self.worker, "start_id": start, "now": now, "lease": lease}).first()
        if renew:
            connection.execute(update(_OUTBOX).where(_OUTBOX.c.id.in_(renew), _OUTBOX.c.status == OutboxStatus.SENDING,
                                                     _OUTBOX.c.locked_by == self.worker).values(lease_until=lease))
        if connection is not self.connection:
            db.session.commit()
        return row.attempts if row is not None else None
