"""Distribution plans (audience, channels, schedule, messages of a wave), audience skips, post-call records
and API idempotency records."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedAtMixin, JSONType, utcnow
from .waves import Wave


class PlanStatus(enum.StrEnum):
    """Where a wave's distribution is: drafted, waiting for its start, sending, finished or stopped."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"


class SkipReason(enum.StrEnum):
    """Why a contact in the audience gets no invitation."""

    OPT_OUT = "opt_out"
    NO_RESURVEY = "no_resurvey"
    INVALID = "invalid"  # no usable address for any of the wave's channels, or no consent


class DistributionPlan(Base):
    """How a wave reaches people: audience filter and sample, channels, schedule, reminders, messages.

    The start and close times are the wave's own ``opens_at`` / ``closes_at``.
    """

    __tablename__ = "distribution_plans"

    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=PlanStatus.DRAFT)
    continuous: Mapped[bool] = mapped_column(default=False)  # post-call: invitations come from the API
    channels: Mapped[list] = mapped_column(JSONType, default=list)  # preference order, e.g. ["sms", "email"]
    audience: Mapped[dict] = mapped_column(default=dict)  # {"filters": {...}, "strata": [...], "per_stratum": n, ...}
    reminder_days: Mapped[int] = mapped_column(default=3)
    reminder_max: Mapped[int] = mapped_column(default=0)
    quiet_start: Mapped[str] = mapped_column(String(5), default="21:00")
    quiet_end: Mapped[str] = mapped_column(String(5), default="08:00")
    no_resurvey_days: Mapped[int] = mapped_column(default=0)
    email_subject: Mapped[str] = mapped_column(Text, default="")
    email_body: Mapped[str] = mapped_column(Text, default="")
    sms_text: Mapped[str] = mapped_column(Text, default="")
    seed: Mapped[int] = mapped_column(default=0)
    invitations_created_at: Mapped[datetime | None]
    reminders_done: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    wave: Mapped[Wave] = relationship()


class AudienceSkip(Base):
    """A contact of a wave's audience who was not invited, and why (counted in the funnel)."""

    __tablename__ = "audience_skips"
    __table_args__ = (UniqueConstraint("wave_id", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str | None] = mapped_column(String(20))
    segment: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostCall(CreatedAtMixin, Base):
    """A finished call reported by the contact center's phone system; one per call id and wave."""

    __tablename__ = "post_calls"
    __table_args__ = (UniqueConstraint("wave_id", "call_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))
    call_id: Mapped[str] = mapped_column(String(100))
    agent_id: Mapped[str | None] = mapped_column(String(64))
    queue: Mapped[str | None] = mapped_column(String(64))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(20))  # queued / opt_out / no_resurvey / invalid


class IdempotencyRecord(CreatedAtMixin, Base):
    """The first answer to an API request with an ``Idempotency-Key``, replayed for the same key."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("api_key_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict] = mapped_column(default=dict)
