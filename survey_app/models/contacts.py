"""Contacts: the people a wave invites. Personal fields are stored encrypted, looked up by keyed hash."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin


class Contact(CreatedAtMixin, Base):
    """A customer who may be invited; segment attributes drive sampling and analysis."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    attributes: Mapped[dict] = mapped_column(default=dict)
    consent: Mapped[bool] = mapped_column(default=False)
    opted_out_at: Mapped[datetime | None]
    purge_after: Mapped[datetime | None]
    source: Mapped[str | None] = mapped_column(String(200))
