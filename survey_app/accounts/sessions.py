"""Staff sessions kept on the server: a new one on every sign-in, ended by logout, idle or absolute timeout.

The signed cookie carries only a random session token; the ``staff_sessions`` row decides whether it
still works, so a copied cookie is useless after logout or a timeout.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, flash, request, session
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select, update

from ..database import db
from ..models import StaffSession, User, utcnow
from ..web.i18n import remember_locale

SESSION_KEY = "sid"
_TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most once a minute per session


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def start_session(user: User) -> StaffSession:
    """Sign ``user`` in with a brand-new session; whatever the old cookie held is discarded."""
    session.clear()
    token = secrets.token_urlsafe(32)
    row = StaffSession(token_hash=_hash(token), user_id=user.id, address=request.remote_addr,
                       user_agent=(request.user_agent.string or "")[:200])
    db.session.add(row)
    db.session.flush()
    login_user(user)
    session[SESSION_KEY] = token
    return row


def _current_row() -> StaffSession | None:
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    return db.session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))


def _expiry_reason(row: StaffSession) -> str | None:
    now, config = utcnow(), current_app.config
    if now - row.created_at > timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]):
        return "absolute"
    if now - row.last_seen_at > timedelta(minutes=config["SESSION_IDLE_MINUTES"]):
        return "idle"
    return None


def validate_session(user: User) -> bool:
    """Whether this request's session is live for ``user``; ends it (and says why) when it timed out."""
    row = _current_row()
    if row is None or row.user_id != user.id or row.ended_at is not None:
        return False
    reason = _expiry_reason(row)
    if reason is not None:
        row.ended_at, row.end_reason = utcnow(), reason
        session.clear()
        remember_locale(user.locale)
        with force_locale(user.locale):  # the user is not loaded yet, so the page's locale is not known
            flash(_("오랫동안 사용하지 않아 로그아웃되었습니다. 다시 로그인해 주십시오."))
        return False
    if utcnow() - row.last_seen_at > _TOUCH_EVERY:
        row.last_seen_at = utcnow()
    return True


def end_session(reason: str = "logout") -> None:
    """End this request's session on the server and clear the cookie (keeping only the user's language)."""
    row = _current_row()
    if row is not None and row.ended_at is None:
        row.ended_at, row.end_reason = utcnow(), reason
    locale = getattr(current_user, "locale", None)
    logout_user()
    session.clear()
    remember_locale(locale)


def end_all_sessions(user_id: int, reason: str) -> int:
    """End every live session of a user (password change, deactivation, admin action); returns how many."""
    result = db.session.execute(
        update(StaffSession).where(StaffSession.user_id == user_id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
