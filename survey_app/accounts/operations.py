"""Writes to staff accounts and their role grants. They flush and never commit; the caller's boundary commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit import record
from ..database import db
from ..models import OrgUnit, Role, RoleGrant, User, utcnow
from .passwords import check_policy, hash_password, needs_rehash, verify_password
from .sessions import end_all_sessions

_DUMMY_HASH = hash_password("timing-equaliser-0")  # unknown usernames cost as much as wrong passwords


class AccountError(ValueError):
    """A user request about an account that cannot be done."""


def create_user(username: str, password: str, *, display_name: str | None = None, is_admin: bool = False,
                org_unit_id: int | None = None, email: str | None = None) -> User:
    """A new staff user; refuses a taken username or a weak password. ``is_admin`` grants organisation-wide admin."""
    username = username.strip()
    if not username:
        raise AccountError(_("아이디를 입력해 주십시오."))
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(_("'%(username)s' 아이디는 이미 있습니다.", username=username))
    check_policy(password, username)
    user = User(username=username, display_name=display_name or username, password_hash=hash_password(password),
                org_unit_id=org_unit_id, email=email, password_changed_at=utcnow())
    db.session.add(user)
    db.session.flush()
    record("user.create", "user", user.id, details={"username": username, "org_unit_id": org_unit_id})
    if is_admin:
        grant_role(user, Role.ADMIN, None)
    return user


@dataclass(frozen=True)
class LoginOutcome:
    """The result of checking a sign-in: a user, or why not (``invalid`` or ``locked``)."""

    user: User | None
    reason: str = "ok"
    locked_until: datetime | None = None


def _setting(name: str, default: int) -> int:
    return current_app.config.get(name, default) if has_app_context() else default


def _register_failure(user: User) -> None:
    now = utcnow()
    if user.locked_until is not None and user.locked_until <= now:
        user.failed_logins, user.locked_until = 0, None  # a served lockout starts a fresh count
    user.failed_logins += 1
    record("user.login_failed", "user", user.id, details={"failures": user.failed_logins})
    if user.failed_logins >= _setting("LOGIN_MAX_FAILURES", 5):
        user.locked_until = now + timedelta(minutes=_setting("LOGIN_LOCKOUT_MINUTES", 15))
        record("user.locked", "user", user.id, details={"until": user.locked_until.isoformat()})


def check_login(username: str, password: str) -> LoginOutcome:
    """Check a password sign-in, counting failures and locking the account after too many."""
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        record("user.login_failed", details={"username": username.strip()[:64]})
        return LoginOutcome(None, "invalid")
    if user.locked_until is not None and user.locked_until > utcnow():
        verify_password(user.password_hash, password)  # as slow as any other refusal: timing tells nothing
        record("user.login_failed", "user", user.id, details={"locked": True})
        return LoginOutcome(None, "locked", user.locked_until)
    if not verify_password(user.password_hash, password):
        _register_failure(user)
        locked = user.locked_until if user.locked_until and user.locked_until > utcnow() else None
        return LoginOutcome(None, "locked" if locked else "invalid", locked)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginOutcome(user)


def note_login(user: User) -> None:
    """Record a completed sign-in (after the second factor, if any)."""
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, utcnow()
    record("user.login", "user", user.id)


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None (counts failures like the sign-in page)."""
    outcome = check_login(username, password)
    if outcome.user is not None:
        note_login(outcome.user)
    return outcome.user


def change_password(user: User, current: str, new: str) -> None:
    """Change a user's own password; every other session of theirs ends."""
    if not verify_password(user.password_hash, current):
        raise AccountError(_("현재 비밀번호가 맞지 않습니다."))
    if verify_password(user.password_hash, new):
        raise AccountError(_("새 비밀번호는 현재 비밀번호와 달라야 합니다."))
    set_password(user, new)


def set_password(user: User, new: str) -> None:
    """Set a password (policy-checked) and end the user's sessions."""
    check_policy(new, user.username)
    user.password_hash, user.password_changed_at = hash_password(new), utcnow()
    end_all_sessions(user.id, "password")
    record("user.password_change", "user", user.id)


def set_active(user: User, active: bool) -> None:
    """Activate or deactivate an account; deactivation ends its sessions at once."""
    if user.active == active:
        return
    if not active:
        _refuse_removing_last_admin(user)
        end_all_sessions(user.id, "deactivated")
    user.active = active
    record("user.activate" if active else "user.deactivate", "user", user.id)


def unlock(user: User) -> None:
    """Lift a lockout from failed sign-ins."""
    user.failed_logins, user.locked_until = 0, None
    record("user.unlock", "user", user.id)


def grant_role(user: User, role: Role | str, org_unit_id: int | None, *, by: User | None = None) -> RoleGrant:
    """Give ``user`` a role for a unit and its subtree (None: the whole organisation)."""
    role = Role(role)
    if org_unit_id is not None and db.session.get(OrgUnit, org_unit_id) is None:
        raise AccountError(_("조직을 찾을 수 없습니다."))
    for grant in user.grants:
        if grant.role == role and grant.org_unit_id == org_unit_id:
            return grant
    grant = RoleGrant(user_id=user.id, role=role.value, org_unit_id=org_unit_id, granted_by_id=by.id if by else None)
    user.grants.append(grant)
    db.session.flush()
    record("role.grant", "user", user.id, details={"role": role.value, "org_unit_id": org_unit_id})
    return grant


def revoke_role(user: User, grant: RoleGrant) -> None:
    """Take a role grant away; refuses to remove the last organisation-wide admin."""
    if grant.role == Role.ADMIN and grant.org_unit_id is None:
        _refuse_removing_last_admin(user)
    user.grants.remove(grant)
    db.session.flush()
    record("role.revoke", "user", user.id, details={"role": grant.role, "org_unit_id": grant.org_unit_id})


def _refuse_removing_last_admin(user: User) -> None:
    others = db.session.scalar(
        select(func.count(RoleGrant.id)).join(User, User.id == RoleGrant.user_id)
        .where(RoleGrant.role == Role.ADMIN, RoleGrant.org_unit_id.is_(None), User.active, User.id != user.id)
    )
    if user.is_admin and not others:
        raise AccountError(_("마지막 전체 관리자는 없앨 수 없습니다."))
