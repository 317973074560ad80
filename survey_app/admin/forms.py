"""Administrator forms: users, role grants, API keys, log searches."""
from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..models import Permission, Role
from ..web.choices import select_choices
from ..web.labels import ROLE_NAMES

#: "관리자 (admin)" …, named in the reader's language when the form is shown.
ROLE_CHOICES = select_choices((r.value, LazyString(lambda code=r.value: f"{ROLE_NAMES[code]} ({code})")) for r in Role)


class UserCreateForm(FlaskForm):
    """A new staff account; the password is generated and shown once."""

    username = StringField(_l("아이디"), validators=[
        DataRequired(_l("아이디를 입력해 주십시오.")), Length(max=64),
        Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("아이디는 영문, 숫자, _ . - 만 쓸 수 있습니다."))])
    display_name = StringField(_l("이름"), validators=[DataRequired(_l("이름을 입력해 주십시오.")), Length(max=100)])
    email = StringField(_l("전자우편"), validators=[Optional(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("전자우편 형식이 아닙니다.")), Length(max=254)])
    org_unit = SelectField(_l("소속"), choices=[], validate_choice=True)


class GrantForm(FlaskForm):
    """Give a role for a unit and its subtree."""

    role = SelectField(_l("역할"), choices=ROLE_CHOICES)
    org_unit = SelectField(_l("범위"), choices=[], validate_choice=True)


class ApiKeyForm(FlaskForm):
    """A new API key for an integration; the key is shown once."""

    name = StringField(_l("이름"), validators=[DataRequired(_l("이름을 입력해 주십시오.")), Length(max=100)])
    permissions = SelectMultipleField(_l("권한"), choices=select_choices((p.value, p.value) for p in Permission),
                                      validators=[DataRequired(_l("권한을 하나 이상 골라 주십시오."))])
    org_unit = SelectField(_l("범위"), choices=[], validate_choice=True)
    expires_days = IntegerField(_l("유효 기간(일)"), validators=[Optional(), NumberRange(1, 3650)])


class LogSearchForm(FlaskForm):
    """Filters for the audit log and the personal-data access log."""

    class Meta:
        csrf = False

    actor = StringField(_l("처리자 아이디"), validators=[Optional(), Length(max=64)])
    action = StringField(_l("작업"), validators=[Optional(), Length(max=64)])
    subject = IntegerField(_l("정보주체 번호"), validators=[Optional()])
    since = DateField(_l("시작일"), validators=[Optional()])
    until = DateField(_l("종료일 (포함)"), validators=[Optional()])
