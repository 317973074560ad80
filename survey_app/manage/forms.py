"""Staff forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    """Sign in with a username and password."""

    username = StringField(_l("아이디"), validators=[DataRequired(_l("아이디를 입력해 주십시오.")), Length(max=64)])
    password = PasswordField(_l("비밀번호"), validators=[DataRequired(_l("비밀번호를 입력해 주십시오."))])


class CodeForm(FlaskForm):
    """A six-digit one-time code from an authenticator app."""

    code = StringField(_l("인증 코드 6자리"),
                       validators=[DataRequired(_l("인증 코드를 입력해 주십시오.")), Length(min=6, max=8)])
