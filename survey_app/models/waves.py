"""Waves (one version sent to an audience over a period) and their invitations."""
from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, Index, String, UniqueConstraint, and_, not_, or_
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedAtMixin, utcnow
from .contacts import Contact
from .surveys import Survey, SurveyVersion


class WaveState(enum.StrEnum):
    """Where a wave is in its schedule."""

    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class WaveStateError(Exception):
    """A lifecycle change that the wave's state does not allow (a closed wave is never reopened)."""


class Wave(CreatedAtMixin, Base):
    """A fielding of one published version: 2026년 4분기 만족도 조사, 상시 상담 후 조사, ..."""

    __tablename__ = "waves"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="RESTRICT"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id", ondelete="RESTRICT"))
    state: Mapped[str] = mapped_column(String(20), default=WaveState.SCHEDULED)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    open_link_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    settings: Mapped[dict] = mapped_column(default=dict)

    survey: Mapped[Survey] = relationship()
    version: Mapped[SurveyVersion] = relationship()

    # -- lifecycle: the one definition of "closed" and "open"; in Python and in queries --------
    @hybrid_method
    def is_closed_at(self, now: datetime) -> bool:
        """Whether the wave takes no more answers at ``now``: closed by the scheduler, or past its close time."""
        return self.state == WaveState.CLOSED or (self.closes_at is not None and now >= self.closes_at)

    @is_closed_at.expression
    def is_closed_at(cls, now: datetime) -> ColumnElement[bool]:
        return or_(cls.state == WaveState.CLOSED, and_(cls.closes_at.is_not(None), cls.closes_at <= now))

    @hybrid_method
    def is_open_at(self, now: datetime) -> bool:
        """Whether the wave takes answers at ``now``: not closed, its start time reached (or, unscheduled, opened)."""
        started = self.opens_at <= now if self.opens_at is not None else self.state != WaveState.SCHEDULED
        return started and not self.is_closed_at(now)

    @is_open_at.expression
    def is_open_at(cls, now: datetime) -> ColumnElement[bool]:
        started = or_(and_(cls.opens_at.is_not(None), cls.opens_at <= now),
                      and_(cls.opens_at.is_(None), cls.state != WaveState.SCHEDULED))
        return and_(started, not_(cls.is_closed_at(now)))

    @hybrid_property
    def is_closed(self) -> bool:
        """:meth:`is_closed_at` now (in a query: the time the query is built)."""
        return self.is_closed_at(utcnow())

    @hybrid_property
    def is_open(self) -> bool:
        """:meth:`is_open_at` now (in a query: the time the query is built)."""
        return self.is_open_at(utcnow())

    def open(self) -> None:
        """Start fielding (the scheduler at the start time); opening an open wave again changes nothing."""
        if self.state == WaveState.CLOSED:
            raise WaveStateError(f"마감된 차수는 다시 열 수 없습니다 (wave {self.code} is closed).")
        self.state = WaveState.OPEN

    def close(self) -> None:
        """Stop fielding for good; closing a closed wave again changes nothing (scheduler steps are re-run)."""
        self.state = WaveState.CLOSED


def hash_token(token: str) -> str:
    """SHA-256 hex digest of a link token: the only form of it the database keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh personal-link token and its hash."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


class Invitation(CreatedAtMixin, Base):
    """One respondent's personal link to a wave; the token itself is never stored."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("wave_id", "contact_id"),
                      Index("ix_invitations_contact_sent", "contact_id", "sent_at"))  # no-resurvey look-ups

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(20), default="email")
    status: Mapped[str] = mapped_column(String(20), default="created")
    hidden: Mapped[dict] = mapped_column(default=dict)
    sent_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    reminders_sent: Mapped[int] = mapped_column(default=0)

    wave: Mapped[Wave] = relationship()
    contact: Mapped[Contact | None] = relationship()
