"""The Flask extensions, created unbound here and bound to an app in ``create_app``.

This module imports nothing from the app, so any module may import an extension at its top. The
database binding is ``survey_app.database.db`` (it too imports nothing from the app).
"""
from __future__ import annotations

from flask_babel import Babel, gettext
from flask_compress import Compress
from flask_login import LoginManager
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()
compress = Compress()

login_manager = LoginManager()
login_manager.login_view = "manage.login"
login_manager.login_message = "로그인이 필요합니다."
login_manager.localize_callback = gettext  # Korean, or the language remembered for the sign-in page
login_manager.session_protection = "strong"
