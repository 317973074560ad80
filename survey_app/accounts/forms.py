"""Forms for a staff member's own account."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class PasswordChangeForm(FlaskForm):
    """Change one's own password."""

    current = PasswordField("현재 비밀번호 (Current password)", validators=[DataRequired("현재 비밀번호를 입력해 주십시오.")])
    new = PasswordField("새 비밀번호 (New password, 10자 이상, 문자와 숫자)",
                        validators=[DataRequired("새 비밀번호를 입력해 주십시오."), Length(max=200)])
    confirm = PasswordField("새 비밀번호 확인 (Confirm)",
                            validators=[EqualTo("new", "새 비밀번호가 서로 다릅니다. (The passwords differ.)")])


class TotpForm(FlaskForm):
    """Confirm (or switch off) the second factor with a current code."""

    code = StringField("인증 코드 6자리 (6-digit code)",
                       validators=[DataRequired("인증 코드를 입력해 주십시오."), Length(min=6, max=8)])
