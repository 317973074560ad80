"""Staff forms for distribution: contact upload, the wave plan."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ..web.choices import select_choices
from .compose import DEFAULT_EMAIL, DEFAULT_SMS, DEFAULT_SUBJECT

CLOCK = Regexp(r"^\d{1,2}:\d{2}$", message=_l("21:00 형식으로 적어 주십시오."))


class UploadForm(FlaskForm):
    """A CSV or XLSX contact list."""

    file = FileField(_l("연락처 파일 (CSV, XLSX)"), validators=[FileRequired(_l("파일을 골라 주십시오."))])


class ConfirmForm(FlaskForm):
    """Confirm an import after reading the report."""

    skip_invalid = BooleanField(_l("잘못된 행은 빼고 등록합니다"))


class MultiCheckbox(SelectMultipleField):
    """Check boxes for a multiple choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AdjustableFields(FlaskForm):
    """What may still change while a wave is being sent: reminders, quiet hours, texts of unsent messages."""

    reminder_max = IntegerField(_l("재안내 횟수"), default=2, validators=[InputRequired(), NumberRange(0, 5)])
    reminder_days = IntegerField(_l("재안내 간격 (일)"), default=3, validators=[InputRequired(), NumberRange(1, 60)])
    quiet_start = StringField(_l("야간 발송 제한 시작"), default="21:00", validators=[CLOCK])
    quiet_end = StringField(_l("야간 발송 제한 끝"), default="08:00", validators=[CLOCK])
    email_subject = StringField(_l("전자우편 제목"), default=DEFAULT_SUBJECT)
    email_body = TextAreaField(_l("전자우편 본문"), default=DEFAULT_EMAIL)
    sms_text = TextAreaField(_l("문자 내용"), default=DEFAULT_SMS)


class RunningPlanForm(AdjustableFields):
    """The plan of a wave being sent: only the fields that affect messages not sent yet."""


class PlanForm(AdjustableFields):
    """A wave's distribution: schedule, audience, channels, reminders, messages (times in KST)."""

    opens_at = DateTimeLocalField(_l("시작 (한국 시각)"), format="%Y-%m-%dT%H:%M",
                                  validators=[InputRequired(_l("시작 시각을 입력해 주십시오."))])
    closes_at = DateTimeLocalField(_l("마감 (한국 시각)"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(_l("마감 시각을 입력해 주십시오."))])
    channels = MultiCheckbox(_l("발송 경로 (가능한 첫 경로로 보냅니다)"),
                             choices=select_choices([("sms", _l("문자 (SMS/LMS)")), ("email", _l("전자우편"))]),
                             validators=[DataRequired(_l("발송 경로를 골라 주십시오."))])
    continuous = BooleanField(_l("상시 조사: 초대는 상담 종료 API로 만듭니다"))
    filter_region = StringField(_l("지역 (쉼표로 구분)"), validators=[Optional()])
    filter_office = StringField(_l("우체국 코드"), validators=[Optional()])
    filter_service = StringField(_l("서비스 유형"), validators=[Optional()])
    filter_customer = StringField(_l("고객 유형"), validators=[Optional()])
    filter_age = StringField(_l("연령대"), validators=[Optional()])
    customer_segment = SelectField(_l("고객 세분 (최근 이탈 예측 기준, 설문 동의 고객만)"), choices=[],
                                   validate_choice=False)
    strata = StringField(_l("층화 기준 (예: region)"), validators=[Optional()])
    per_stratum = IntegerField(_l("층별 표본 수"), validators=[Optional(), NumberRange(min=1)])
    quotas = StringField(_l("층별 상한 (예: R-SEOUL=500, R-BUSAN=300)"), validators=[Optional()])
    no_resurvey_days = IntegerField(_l("재조사 제한 (일)"), default=90,
                                    validators=[InputRequired(), NumberRange(0, 3650)])
