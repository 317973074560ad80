"""Forms of the customer screens: search, unmask, consent, rectification, person requests, export."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..models import ConsentPurpose, CustomerKind
from ..web.choices import select_choices

KIND_LABELS = {CustomerKind.PERSON: _l("개인"), CustomerKind.BUSINESS: _l("법인")}
PURPOSE_NAMES = {ConsentPurpose.SURVEY: _l("설문 조사"), ConsentPurpose.MARKETING: _l("마케팅·재구매 안내"),
                 ConsentPurpose.ANALYSIS: _l("분석 활용")}


class CustomerSearchForm(FlaskForm):
    """Find customers by external id, phone or e-mail (keyed hash), and filter by office, kind and type."""

    class Meta:
        csrf = False

    q = StringField(_l("고객번호, 전화번호 또는 전자우편"), validators=[Optional(), Length(max=254)])
    office = SelectField(_l("관할 조직"), choices=[], validate_choice=False)
    kind = SelectField(_l("구분"), choices=select_choices([("", _l("전체")), *KIND_LABELS.items()]), validate_choice=False)
    customer_type = StringField(_l("고객 유형"), validators=[Optional(), Length(max=64)])


class PurposeForm(FlaskForm):
    """Why the staff member needs the unmasked identifiers (kept in the access log)."""

    purpose = StringField(_l("열람 목적"), validators=[
        DataRequired(_l("열람 목적을 입력해 주십시오.")), Length(min=2, max=500)])


class ConsentForm(FlaskForm):
    """Record a grant or a withdrawal of one purpose's consent, as the customer stated it."""

    purpose = SelectField(_l("동의 항목"), choices=select_choices(PURPOSE_NAMES.items()))
    granted = SelectField(_l("동의 여부"), choices=select_choices([("yes", _l("동의")), ("no", _l("철회"))]))
    note = StringField(_l("메모 (어떻게 받았는지)"), validators=[Optional(), Length(max=200)])


def _phone(form, field) -> None:
    digits = "".join(c for c in (field.data or "") if c.isdigit())
    if field.data and not 8 <= len(digits) <= 12:
        raise ValidationError(_l("전화번호를 숫자 8~12자리로 입력해 주십시오 (예: 010-1234-5678)."))


def _email(form, field) -> None:
    local, at, domain = (field.data or "").strip().rpartition("@")
    if field.data and not (local and at and "." in domain):
        raise ValidationError(_l("전자우편 주소 형식이 아닙니다 (예: hong@example.com)."))


class RectifyForm(FlaskForm):
    """정정 요청: the identifiers and the record's place, with the reason for the change."""

    name = StringField(_l("이름"), validators=[Optional(), Length(max=100)])
    phone = StringField(_l("전화번호"), validators=[Optional(), Length(max=30), _phone])
    email = StringField(_l("전자우편"), validators=[Optional(), Length(max=254), _email])
    address = StringField(_l("주소"), validators=[Optional(), Length(max=300)])
    region = StringField(_l("지역"), validators=[Optional(), Length(max=64)])
    office = SelectField(_l("관할 조직"), choices=[], validate_choice=False)
    kind = SelectField(_l("구분"), choices=select_choices(KIND_LABELS.items()))
    customer_type = StringField(_l("고객 유형"), validators=[Optional(), Length(max=64)])
    reason = StringField(_l("정정 사유"), validators=[DataRequired(_l("정정 사유를 입력해 주십시오.")),
                                                   Length(min=2, max=500)])


class DisclosureForm(FlaskForm):
    """열람 요청: the whole record of one person, shown after a stated purpose."""

    purpose = StringField(_l("열람 목적 (요청 접수 번호 등)"), validators=[
        DataRequired(_l("열람 목적을 입력해 주십시오.")), Length(min=2, max=500)])


class ErasureForm(FlaskForm):
    """삭제 요청: a reason and the external id typed again, so no one erases the wrong person."""

    reason = TextAreaField(_l("삭제 사유"), validators=[DataRequired(_l("삭제 사유를 입력해 주십시오.")),
                                                     Length(min=2, max=1000)])
    confirm = StringField(_l("확인을 위해 고객번호를 다시 입력해 주십시오"), validators=[
        DataRequired(_l("고객번호를 다시 입력해 주십시오."))])


class PseudonymisedExportForm(FlaskForm):
    """가명정보 analysis export: a purpose, and optionally a period of orders and interactions."""

    purpose = TextAreaField(_l("활용 목적"), validators=[DataRequired(_l("활용 목적을 입력해 주십시오.")),
                                                     Length(min=2, max=1000)])
    months = IntegerField(_l("최근 몇 개월의 주문·상담 (비우면 전체)"),
                          validators=[Optional(), NumberRange(1, 120, _l("1에서 120 사이로 입력해 주십시오."))])
    include_business = BooleanField(_l("법인 고객 포함"), default=True)
