"""Roles, the permissions each one carries, and role grants scoped to a unit and its subtree."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .org import OrgUnit


class Permission(enum.StrEnum):
    """Something a staff member or an API key may do; checked by ``survey_app.web.access``."""

    VIEW_SURVEYS = "surveys.view"
    EDIT_SURVEYS = "surveys.edit"
    PUBLISH_SURVEYS = "surveys.publish"
    MANAGE_WAVES = "waves.manage"
    CREATE_INVITATIONS = "invitations.create"
    VIEW_RESULTS = "results.view"
    EXPORT_RESULTS = "results.export"
    VIEW_RESPONSES = "responses.view"
    ENTER_EVALUATIONS = "evaluations.enter"
    VIEW_CONTACTS = "contacts.view"
    MANAGE_CONTACTS = "contacts.manage"
    EXPORT_PERSONAL_DATA = "personal_data.export"
    UNMASK_PERSONAL_DATA = "personal_data.unmask"
    MANAGE_USERS = "users.manage"
    VIEW_AUDIT_LOG = "audit.view"
    VIEW_ACCESS_LOG = "access_log.view"
    MANAGE_API_KEYS = "api_keys.manage"
    VIEW_CUSTOMERS = "customers.view"
    MANAGE_CUSTOMERS = "customers.manage"
    EXPORT_PSEUDONYMISED = "customers.export_pseudonymised"
    HANDLE_PERSON_REQUESTS = "personal_data.requests"
    VIEW_CASES = "cases.view"
    HANDLE_CASES = "cases.handle"
    MANAGE_CASE_RULES = "cases.rules"


class Role(enum.StrEnum):
    """A named set of permissions given to a staff member for one unit and its subtree (the names
    shown on screens are in ``survey_app/web/labels.py``)."""

    ADMIN = "admin"
    DESIGNER = "designer"  # 고객만족 담당 (CS staff who design and run surveys)
    ANALYST = "analyst"
    EXECUTIVE = "executive"
    EVALUATOR = "evaluator"  # 모니터 요원 (mystery shoppers)


_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.DESIGNER: frozenset({
        _P.VIEW_SURVEYS, _P.EDIT_SURVEYS, _P.PUBLISH_SURVEYS, _P.MANAGE_WAVES, _P.CREATE_INVITATIONS,
        _P.VIEW_RESULTS, _P.VIEW_RESPONSES, _P.VIEW_CONTACTS, _P.MANAGE_CONTACTS, _P.EXPORT_PERSONAL_DATA,
        _P.VIEW_CUSTOMERS, _P.MANAGE_CUSTOMERS, _P.VIEW_CASES, _P.HANDLE_CASES, _P.MANAGE_CASE_RULES,
    }),
    Role.ANALYST: frozenset({_P.VIEW_SURVEYS, _P.VIEW_RESULTS, _P.VIEW_RESPONSES, _P.EXPORT_RESULTS,
                             _P.VIEW_CUSTOMERS, _P.EXPORT_PSEUDONYMISED, _P.VIEW_CASES}),
    Role.EXECUTIVE: frozenset({_P.VIEW_SURVEYS, _P.VIEW_RESULTS, _P.EXPORT_RESULTS, _P.VIEW_CASES}),
    Role.EVALUATOR: frozenset({_P.ENTER_EVALUATIONS}),
}


class RoleGrant(Base):
    """A role given to a user for one org unit and everything below it (no unit: the whole organisation)."""

    __tablename__ = "role_grants"
    __table_args__ = (Index("ix_role_grants_user_role_unit", "user_id", "role", "org_unit_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    org_unit: Mapped[OrgUnit | None] = relationship()

    @property
    def permissions(self) -> frozenset[Permission]:
        """What this grant allows."""
        return ROLE_PERMISSIONS.get(Role(self.role), frozenset())
