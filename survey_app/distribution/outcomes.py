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
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, func, update

from ..database import db, retry_when_locked
from ..models import Invitation, MessageKind, OutboxMessage, OutboxStatus
from .outbox import begin_attempts, renew_leases, retry_delay

#: A group's outcomes are committed after this many messages …
GROUP = 50
#: … or after this many seconds, whichever comes first.
GROUP_SECONDS = 0.2

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
        self.opened_at = time.monotonic()
        if not hasattr(self, "renewed_at"):
            self.renewed_at = time.monotonic()

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

    def due(self) -> bool:
        """Whether the group is full or old enough to be committed."""
        return len(self) >= GROUP or (len(self) > 0 and time.monotonic() - self.opened_at >= GROUP_SECONDS)

    def commit(self, still_working_on: list[int] = (), start: int | None = None) -> int | None:
        """Write every outcome, start ``start``'s attempt, renew the claim on messages still to be sent (every
        ``GROUP_SECONDS``), commit (waiting out a locked database), begin a new group. Returns the attempts
        of ``start`` so far, or None when this worker no longer holds it."""
        renew = list(still_working_on) if time.monotonic() - self.renewed_at >= GROUP_SECONDS else []

        def write() -> int | None:
            for statement, rows in ((_SENT, self.sent), (_SETTLED, self.settled), (_INVITED, self.invited),
                                    (_REMINDED, self.reminded)):
                if rows:
                    db.session.execute(statement.execution_options(synchronize_session=False), rows)
            renew_leases(renew, self.worker)
            attempts = begin_attempts([start], self.worker).get(start) if start is not None else None
            db.session.commit()
            return attempts

        attempts = retry_when_locked(write)
        if renew:
            self.renewed_at = time.monotonic()
        self.__post_init__()
        return attempts
