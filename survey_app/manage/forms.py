"""Staff forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    """Sign in with a username and password."""

    username = StringField("아이디 (Username)", validators=[DataRequired("아이디를 입력해 주십시오."), Length(max=64)])
    password = PasswordField("비밀번호 (Password)", validators=[DataRequired("비밀번호를 입력해 주십시오.")])


class CodeForm(FlaskForm):
    """A six-digit one-time code from an authenticator app."""

    code = StringField("인증 코드 6자리 (6-digit code)",
                       validators=[DataRequired("인증 코드를 입력해 주십시오."), Length(min=6, max=8)])
