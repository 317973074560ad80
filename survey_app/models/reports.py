"""Scheduled delivery of a survey's Excel report by e-mail: who gets it, how often, and each delivery."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedAtMixin, JSONType
from .surveys import Survey
from .users import User
from .waves import Wave


class Cadence(enum.StrEnum):
    """When a subscription's report is sent."""

    WEEKLY = "weekly"  # on ``weekday`` (0 = Monday) or the first run after it in the same ISO week
    MONTHLY = "monthly"  # on ``day_of_month`` (1–28) or the first run after it in the same month
    CLOSE = "close"  # once per wave, after the wave closes


class DeliveryStatus(enum.StrEnum):
    """Where one delivery is: claimed and being sent, sent, or failed (retried on the next run)."""

    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class ReportSubscription(CreatedAtMixin, Base):
    """A survey's workbook e-mailed to some addresses on a schedule, restricted to what its creator may see."""

    __tablename__ = "report_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))  # None: the latest wave
    recipients: Mapped[list] = mapped_column(JSONType, default=list)
    cadence: Mapped[str] = mapped_column(String(10))
    weekday: Mapped[int | None]
    day_of_month: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(default=True)
    last_status: Mapped[str | None] = mapped_column(String(10))
    last_attempt_at: Mapped[datetime | None]
    last_sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    survey: Mapped[Survey] = relationship()
    wave: Mapped[Wave | None] = relationship()
    created_by: Mapped[User | None] = relationship()


class ReportDelivery(Base):
    """One sending of a subscription for one period (``2026-W49``, ``2026-12``, ``wave-7``, ``test-…``).

    The unique (subscription, period) row is claimed before sending, so a restarted scheduler or a standby
    that takes over never sends the same period twice.
    """

    __tablename__ = "report_deliveries"
    __table_args__ = (UniqueConstraint("subscription_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("report_subscriptions.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(40))
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.SENDING)
    attempts: Mapped[int] = mapped_column(default=1)
    claimed_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
