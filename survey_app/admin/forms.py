"""Administrator forms: users, role grants, API keys, log searches."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..models import Permission, Role

try:  # wtforms ≥ 3.3 wants SelectChoice objects; older versions take (value, label) pairs
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover
    def SelectChoice(value: str, label: str):  # noqa: N802
        return (value, label)


def choices(pairs) -> list:
    """Select options from (value, label) pairs, in the form the installed WTForms prefers."""
    return [SelectChoice(value, label) for value, label in pairs]


ROLE_CHOICES = choices((r.value, f"{r.label} ({r.value})") for r in Role)


class UserCreateForm(FlaskForm):
    """A new staff account; the password is generated and shown once."""

    username = StringField("아이디 (Username)", validators=[
        DataRequired("아이디를 입력해 주십시오."), Length(max=64),
        Regexp(r"^[A-Za-z0-9_.-]+$", message="아이디는 영문, 숫자, _ . - 만 쓸 수 있습니다.")])
    display_name = StringField("이름 (Name)", validators=[DataRequired("이름을 입력해 주십시오."), Length(max=100)])
    email = StringField("전자우편 (E-mail)", validators=[Optional(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="전자우편 형식이 아닙니다."), Length(max=254)])
    org_unit = SelectField("소속 (Unit)", choices=[], validate_choice=True)


class GrantForm(FlaskForm):
    """Give a role for a unit and its subtree."""

    role = SelectField("역할 (Role)", choices=ROLE_CHOICES)
    org_unit = SelectField("범위 (Scope)", choices=[], validate_choice=True)


class ApiKeyForm(FlaskForm):
    """A new API key for an integration; the key is shown once."""

    name = StringField("이름 (Name)", validators=[DataRequired("이름을 입력해 주십시오."), Length(max=100)])
    permissions = SelectMultipleField("권한 (Permissions)", choices=choices((p.value, p.value) for p in Permission),
                                      validators=[DataRequired("권한을 하나 이상 골라 주십시오.")])
    org_unit = SelectField("범위 (Scope)", choices=[], validate_choice=True)
    expires_days = IntegerField("유효 기간(일) (Valid for days)", validators=[Optional(), NumberRange(1, 3650)])


class LogSearchForm(FlaskForm):
    """Filters for the audit log and the personal-data access log."""

    class Meta:
        csrf = False

    actor = StringField("처리자 아이디 (Actor)", validators=[Optional(), Length(max=64)])
    action = StringField("작업 (Action)", validators=[Optional(), Length(max=64)])
    subject = IntegerField("정보주체 번호 (Subject id)", validators=[Optional()])
    since = DateField("시작일 (From)", validators=[Optional()])
    until = DateField("종료일 (To, 포함)", validators=[Optional()])
