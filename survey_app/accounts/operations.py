"""Writes to staff accounts. They flush and never commit; the caller's boundary commits."""
from __future__ import annotations

from sqlalchemy import select

from ..audit import record
from ..database import db
from ..models import User, utcnow
from .passwords import check_policy, hash_password, needs_rehash, verify_password


class AccountError(ValueError):
    """A user request about an account that cannot be done."""


def create_user(username: str, password: str, *, display_name: str | None = None,
                is_admin: bool = False, org_unit_id: int | None = None) -> User:
    """A new staff user; refuses a taken username or a weak password."""
    username = username.strip()
    if not username:
        raise AccountError("아이디를 입력해 주십시오 (username is required).")
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"'{username}' 아이디는 이미 있습니다 (username already exists).")
    check_policy(password, username)
    user = User(username=username, display_name=display_name or username, password_hash=hash_password(password),
                is_admin=is_admin, org_unit_id=org_unit_id)
    db.session.add(user)
    db.session.flush()
    record("user.create", "user", user.id, details={"username": username, "is_admin": is_admin})
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active or not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user
