"""Staff accounts: password hashing, the login manager, server-side sessions and account operations."""
from __future__ import annotations

from flask_babel import gettext
from flask_login import LoginManager

from ..database import db
from ..models import User

login_manager = LoginManager()
login_manager.login_view = "manage.login"
login_manager.login_message = "로그인이 필요합니다."
login_manager.localize_callback = gettext  # Korean, or the language remembered for the sign-in page
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session, unless the account, its session version or its server-side session is gone."""
    from .sessions import validate_session

    user_id, _, version = session_id.partition(":")
    if not user_id.isdecimal():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user if validate_session(user) else None
