"""Staff users who sign in (designers, analysts, executives, evaluators, admins)."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedAtMixin
from .org import OrgUnit


class User(UserMixin, CreatedAtMixin, Base):
    """A staff login. Passwords are stored as argon2id hashes only."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    locale: Mapped[str] = mapped_column(String(8), default="ko")
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    session_version: Mapped[int] = mapped_column(default=0)

    org_unit: Mapped[OrgUnit | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    def get_id(self) -> str:
        """Session identity: the id plus a version bumped on logout-everywhere and password change."""
        return f"{self.id}:{self.session_version}"
