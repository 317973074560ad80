"""Audit events: what staff did (publish, edit, export, user changes), append-only."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class AppendOnlyError(Exception):
    """Something tried to change or delete a log row."""


class AuditEvent(Base):
    """One staff action, kept for inspection; rows are only ever inserted."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_occurred_at", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str | None] = mapped_column(String(64))
    actor_address: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(default=dict)


def refuse_change(_mapper, _connection, target) -> None:
    """ORM guard for append-only tables (the database refuses too, where a trigger is installed)."""
    raise AppendOnlyError(f"{type(target).__name__} 기록은 고치거나 지울 수 없습니다 (append-only).")


event.listen(AuditEvent, "before_update", refuse_change)
event.listen(AuditEvent, "before_delete", refuse_change)
