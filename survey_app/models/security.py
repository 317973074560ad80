"""API keys for integrations and the counters behind rate limits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedAtMixin, JSONType
from .org import OrgUnit


class ApiKey(CreatedAtMixin, Base):
    """A key an integration sends to /api/v1; only its SHA-256 is stored, with its permissions and scope."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))  # shown on screens so people can tell keys apart
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    permissions: Mapped[list] = mapped_column(JSONType, default=list)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    org_unit: Mapped[OrgUnit | None] = relationship()


class RateLimitBucket(Base):
    """Requests counted for one key (e.g. a client address) in one fixed time window."""

    __tablename__ = "rate_limit_buckets"
    __table_args__ = (UniqueConstraint("key_hash", "window_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    window_start: Mapped[int] = mapped_column(BigInteger)  # seconds since the epoch, a multiple of the window length
    hits: Mapped[int] = mapped_column(default=0)
