"""Forms for personal-data screens: every unmasking and download states its purpose."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class PurposeForm(FlaskForm):
    """Why the staff member needs to see the unmasked data (kept in the access log)."""

    purpose = StringField(_l("열람 목적"), validators=[
        DataRequired(_l("열람 목적을 입력해 주십시오.")), Length(min=2, max=500)])


class ExportForm(FlaskForm):
    """Download contacts: the purpose is required; plaintext only when asked and permitted."""

    purpose = TextAreaField(_l("내려받는 목적"), validators=[
        DataRequired(_l("내려받는 목적을 입력해 주십시오.")), Length(min=2, max=1000)])
    unmasked = BooleanField(_l("가리지 않은 원문 포함"))


class ContactSearchForm(FlaskForm):
    """Find a contact by phone number or e-mail (matched by keyed hash, never by decrypting all rows)."""

    class Meta:
        csrf = False

    q = StringField(_l("전화번호 또는 전자우편"), validators=[Optional(), Length(max=254)])
