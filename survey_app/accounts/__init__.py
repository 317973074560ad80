"""Staff accounts: password hashing, the login manager, server-side sessions and account operations."""
from __future__ import annotations

from ..database import db
from ..extensions import login_manager
from ..models import User
from .sessions import validate_session

__all__ = ["login_manager"]


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session, unless the account, its session version or its server-side session is gone."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdecimal():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user if validate_session(user) else None
