"""Forms for personal-data screens: every unmasking and download states its purpose."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class PurposeForm(FlaskForm):
    """Why the staff member needs to see the unmasked data (kept in the access log)."""

    purpose = StringField("열람 목적 (Purpose)", validators=[
        DataRequired("열람 목적을 입력해 주십시오. (Please state the purpose.)"), Length(min=2, max=500)])


class ExportForm(FlaskForm):
    """Download contacts: the purpose is required; plaintext only when asked and permitted."""

    purpose = TextAreaField("내려받는 목적 (Purpose of the download)", validators=[
        DataRequired("내려받는 목적을 입력해 주십시오. (Please state the purpose.)"), Length(min=2, max=1000)])
    unmasked = BooleanField("마스킹하지 않은 원문 포함 (Include unmasked data)")


class ContactSearchForm(FlaskForm):
    """Find a contact by phone number or e-mail (matched by keyed hash, never by decrypting all rows)."""

    class Meta:
        csrf = False

    q = StringField("전화번호 또는 전자우편 (Phone or e-mail)", validators=[Optional(), Length(max=254)])
