"""The outbox: one row per message to send, drained by sender processes; leases and the scheduler's job table."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, Float, ForeignKey, Index, LargeBinary, String, Table, Text, Unicode
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin


class OutboxStatus(enum.StrEnum):
    """pending → sending → sent / failed / bounced; cancelled when the person opted out before sending."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"
    CANCELLED = "cancelled"


class MessageKind(enum.StrEnum):
    """Why a message is sent."""

    INVITATION = "invitation"
    REMINDER = "reminder"
    CASE_REPLY = "case_reply"  # 처리 결과 안내
    INTERIM_NOTICE = "interim_notice"  # 중간 안내 (처리 기간 연장)
    CONTACT_ATTEMPT = "contact_attempt"  # 연락 시도 안내
    RETENTION = "retention"  # 고객 유지 안내


#: Messages to a customer that carry their own text (no invitation, no survey link).
CUSTOMER_MESSAGE_KINDS = (MessageKind.CASE_REPLY, MessageKind.INTERIM_NOTICE, MessageKind.CONTACT_ATTEMPT,
                          MessageKind.RETENTION)


class OutboxMessage(CreatedAtMixin, Base):
    """One message to one person on one channel. The text is rendered when it is sent, so no link or
    address is stored here (a customer message keeps the text staff wrote, with the name still a
    placeholder); ``dedupe_key`` (e.g. ``inv:42:r1``) makes enqueueing the same message twice
    impossible, whoever tries."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_due", "status", "channel", "next_attempt_at"),
        Index("ix_outbox_messages_wave_kind", "wave_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(100), unique=True)
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"), index=True)
    # A customer message (``CUSTOMER_MESSAGE_KINDS``): no wave or invitation; its recipient, case and own text.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20), default=MessageKind.INVITATION)
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    locked_by: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None]
    attempt_started_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(200))
    message_type: Mapped[str | None] = mapped_column(String(10))  # SMS / LMS / EMAIL, as sent


class Lease(Base):
    """A named lease held by one process until ``expires_at`` (the scheduler's leader election on SQLite)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[datetime | None]
    acquired_at: Mapped[datetime | None]


#: APScheduler's SQLAlchemy job store table, created by our migrations (the job store only checks it exists).
#: Same columns as ``apscheduler.jobstores.sqlalchemy.SQLAlchemyJobStore`` makes.
scheduler_jobs = Table(
    "scheduler_jobs", Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
