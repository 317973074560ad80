"""Form content kept when a staff session ended before the form was saved (restored after sign-in)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class UnsavedForm(Base):
    """What a staff member posted to ``path`` after their session had expired; short-lived."""

    __tablename__ = "unsaved_forms"
    __table_args__ = (Index("ix_unsaved_forms_user_path", "user_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(300))
    fields: Mapped[dict] = mapped_column(default=dict)  # {name: [values...]} as posted, without the CSRF token
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
