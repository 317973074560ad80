"""Leader election: exactly one scheduler is active; others wait as standbys and take over when it dies.

PostgreSQL: a session-level advisory lock held on a dedicated connection (released by the server the
moment the holder's connection dies). SQLite: a row in ``leases`` renewed every third of its length;
a standby takes over once the holder has not renewed it for ``SCHEDULER_LEASE_SECONDS``.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from ..database import is_transient_lock
from ..models import Lease, utcnow

ADVISORY_KEY = 0x5355_5256  # "SURV": the scheduler's advisory lock id
LEASE_NAME = "scheduler"


class AdvisoryLeader:
    """Leadership as a PostgreSQL advisory lock on a connection kept for it."""

    def __init__(self, engine: Engine, holder: str) -> None:
        self.engine, self.holder = engine, holder
        self.conn: Connection | None = None

    def try_acquire(self) -> bool:
        """Take the lock if it is free; True if this process is (now) the leader."""
        if self.conn is None:
            self.conn = self.engine.connect()
        got = self.conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
        self.conn.commit()
        if not got:
            self.release()
        return bool(got)

    def still_leader(self) -> bool:
        """Whether the connection holding the lock is alive."""
        try:
            self.conn.execute(text("SELECT 1"))
            self.conn.commit()
            return True
        except (DBAPIError, AttributeError):
            self.conn = None
            return False

    def release(self) -> None:
        """Close the connection, which frees the lock."""
        conn, self.conn = self.conn, None
        if conn is not None:
            try:
                conn.close()
            except DBAPIError:
                pass


class LeaseLeader:
    """Leadership as a renewed lease row (SQLite, or anywhere advisory locks are unavailable)."""

    def __init__(self, engine: Engine, holder: str, seconds: int) -> None:
        self.engine, self.holder, self.length = engine, holder, timedelta(seconds=seconds)
        self.held_until = None

    def try_acquire(self) -> bool:
        """Take or renew the lease when it is ours or has run out. A database locked by another process is
        no answer: the lease we hold stays ours until it runs out, and a free one is tried again later."""
        now = utcnow()
        try:
            taken = self._take(now)
        except OperationalError as error:
            if not is_transient_lock(error):
                raise
            return self.held_until is not None and self.held_until > utcnow()
        self.held_until = now + self.length if taken else None
        return taken

    def _take(self, now) -> bool:
        with self.engine.begin() as conn:
            conn.execute(sqlite.insert(Lease).values(name=LEASE_NAME).on_conflict_do_nothing()
                         if conn.dialect.name == "sqlite" else _pg_insert())
            taken = conn.execute(update(Lease).where(
                Lease.name == LEASE_NAME, or_(Lease.holder == self.holder, Lease.holder.is_(None),
                                              Lease.expires_at.is_(None), Lease.expires_at < now))
                .values(holder=self.holder, expires_at=now + self.length, acquired_at=now)).rowcount
        return taken == 1

    def still_leader(self) -> bool:
        """Renew the lease; False if someone else took it."""
        return self.try_acquire()

    def release(self) -> None:
        """Give the lease up so a standby takes over at once (or, if the database stays locked, when it runs out)."""
        self.held_until = None
        try:
            with self.engine.begin() as conn:
                conn.execute(update(Lease).where(Lease.name == LEASE_NAME, Lease.holder == self.holder)
                             .values(holder=None, expires_at=None))
        except OperationalError as error:
            if not is_transient_lock(error):
                raise


def _pg_insert():
    return postgresql.insert(Lease).values(name=LEASE_NAME).on_conflict_do_nothing()


def make_leader(engine: Engine, holder: str, lease_seconds: int):
    """The election suited to the database."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLeader(engine, holder)
    return LeaseLeader(engine, holder, lease_seconds)
