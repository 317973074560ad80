"""Staff users who sign in (designers, analysts, executives, evaluators, admins) and their sessions."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedAtMixin, utcnow
from .org import OrgUnit
from .roles import Role, RoleGrant


class User(UserMixin, CreatedAtMixin, Base):
    """A staff login. Passwords are stored as argon2id hashes only; roles come from grants."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    locale: Mapped[str] = mapped_column(String(8), default="ko")
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    session_version: Mapped[int] = mapped_column(default=0)
    password_changed_at: Mapped[datetime | None]
    totp_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted with the data key ring
    totp_last_step: Mapped[int | None]  # the last time step accepted, so a code works only once

    org_unit: Mapped[OrgUnit | None] = relationship()
    grants: Mapped[list[RoleGrant]] = relationship(
        foreign_keys=[RoleGrant.user_id], cascade="all, delete-orphan", lazy="selectin", order_by=RoleGrant.id
    )

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    @property
    def is_admin(self) -> bool:
        """Whether the user administers the whole organisation (an admin grant with no unit)."""
        return any(g.role == Role.ADMIN and g.org_unit_id is None for g in self.grants)

    @property
    def totp_enabled(self) -> bool:
        """Whether sign-in asks for a one-time code after the password."""
        return self.totp_secret_enc is not None

    def get_id(self) -> str:
        """Session identity: the id plus a version bumped on logout-everywhere and password change."""
        return f"{self.id}:{self.session_version}"


class StaffSession(Base):
    """A signed-in session kept on the server, so logout and timeouts end it for good."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()
