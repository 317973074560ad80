"""Staff forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..web.choices import select_choices


class LoginForm(FlaskForm):
    """Sign in with a username and password."""

    username = StringField(_l("아이디"), validators=[DataRequired(_l("아이디를 입력해 주십시오.")), Length(max=64)])
    password = PasswordField(_l("비밀번호"), validators=[DataRequired(_l("비밀번호를 입력해 주십시오."))])


class CodeForm(FlaskForm):
    """A six-digit one-time code from an authenticator app."""

    code = StringField(_l("인증 코드 6자리"),
                       validators=[DataRequired(_l("인증 코드를 입력해 주십시오.")), Length(min=6, max=8)])


class ImportForm(FlaskForm):
    """A CSV or Excel file of units or of staff."""

    kind = RadioField(_l("가져올 내용"), choices=select_choices([("units", _l("조직")), ("staff", _l("직원"))]), default="units")
    file = FileField(_l("CSV 또는 Excel 파일"))


class MoveForm(FlaskForm):
    """Where a unit or staff member goes."""

    target = SelectField(_l("옮길 곳"), choices=[], validate_choice=True)


class ToggleForm(FlaskForm):
    """Deactivate or reactivate (the CSRF token only)."""
