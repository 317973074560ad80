"""Forms for a staff member's own account."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class PasswordChangeForm(FlaskForm):
    """Change one's own password."""

    current = PasswordField(_l("현재 비밀번호"), validators=[DataRequired(_l("현재 비밀번호를 입력해 주십시오."))])
    new = PasswordField(_l("새 비밀번호 (10자 이상, 문자와 숫자)"),
                        validators=[DataRequired(_l("새 비밀번호를 입력해 주십시오.")), Length(max=200)])
    confirm = PasswordField(_l("새 비밀번호 확인"),
                            validators=[EqualTo("new", _l("새 비밀번호가 서로 다릅니다."))])


class TotpForm(FlaskForm):
    """Confirm (or switch off) the second factor with a current code."""

    code = StringField(_l("인증 코드 6자리"),
                       validators=[DataRequired(_l("인증 코드를 입력해 주십시오.")), Length(min=6, max=8)])
