"""Sender heartbeats: each running sender renews a row in ``leases`` (``sender:<host:pid>``), so the sending-status
page can say when no sender has been seen lately while messages wait for one."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..database import db
from ..models import Lease, utcnow

PREFIX = "sender:"
#: A sender renews its heartbeat this often (seconds) …
BEAT_SECONDS = 5.0
#: … and counts as alive for this long after its last beat.
ALIVE_FOR = timedelta(seconds=60)
#: Heartbeats of senders gone for longer than this are forgotten.
FORGET_AFTER = timedelta(days=7)


def _name(worker: str) -> str:
    return (PREFIX + worker)[:64]


def beat(worker: str, now: datetime | None = None) -> None:
    """Record that ``worker`` is alive now (and forget senders long gone). Commits."""
    now = now or utcnow()
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(Lease).values(name=_name(worker), holder=worker[:200], acquired_at=now,
                                          expires_at=now + ALIVE_FOR)
    db.session.execute(insert.on_conflict_do_update(index_elements=["name"], set_={"expires_at": now + ALIVE_FOR}))
    db.session.execute(delete(Lease).where(Lease.name.startswith(PREFIX), Lease.expires_at < now - FORGET_AFTER))
    db.session.commit()


def stopped(worker: str, now: datetime | None = None) -> None:
    """A sender that stops cleanly is no longer counted as alive. Commits."""
    db.session.execute(update(Lease).where(Lease.name == _name(worker)).values(expires_at=now or utcnow()))
    db.session.commit()


@dataclass(frozen=True)
class SendersSeen:
    """How many senders are alive now, and when the last one was seen (None: never)."""

    alive: int
    last_seen: datetime | None


def senders_seen(now: datetime | None = None) -> SendersSeen:
    """The senders whose heartbeat is recent, and the last heartbeat of any sender."""
    now = now or utcnow()
    alive, latest = db.session.execute(select(
        func.count(Lease.name).filter(Lease.expires_at > now), func.max(Lease.expires_at))
        .where(Lease.name.startswith(PREFIX))).one()
    last_seen = min(latest - ALIVE_FOR, now) if latest is not None else None
    return SendersSeen(alive or 0, last_seen)
