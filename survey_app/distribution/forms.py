"""Staff forms for distribution: contact upload, the wave plan."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from .compose import DEFAULT_EMAIL, DEFAULT_SMS, DEFAULT_SUBJECT

CLOCK = Regexp(r"^\d{1,2}:\d{2}$", message="21:00 형식으로 적어 주십시오 (HH:MM).")


class UploadForm(FlaskForm):
    """A CSV or XLSX contact list."""

    file = FileField("연락처 파일 (CSV, XLSX)", validators=[FileRequired("파일을 골라 주십시오. (Choose a file.)")])


class ConfirmForm(FlaskForm):
    """Confirm an import after reading the report."""

    skip_invalid = BooleanField("잘못된 행은 빼고 등록합니다 (import the valid rows only)")


class MultiCheckbox(SelectMultipleField):
    """Check boxes for a multiple choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PlanForm(FlaskForm):
    """A wave's distribution: schedule, audience, channels, reminders, messages (times in KST)."""

    opens_at = DateTimeLocalField("시작 (Start, KST)", format="%Y-%m-%dT%H:%M",
                                  validators=[InputRequired("시작 시각을 입력해 주십시오. (Start time required.)")])
    closes_at = DateTimeLocalField("마감 (Close, KST)", format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired("마감 시각을 입력해 주십시오. (Close time required.)")])
    channels = MultiCheckbox("발송 경로 (Channels; first available is used)",
                             choices=[("sms", "문자 (SMS/LMS)"), ("email", "전자우편 (E-mail)")],
                             validators=[DataRequired("발송 경로를 골라 주십시오. (Choose a channel.)")])
    continuous = BooleanField("상시 조사: 초대는 상담 종료 API로 만듭니다 (continuous post-call wave)")
    filter_region = StringField("지역 (Regions, comma-separated)", validators=[Optional()])
    filter_office = StringField("우체국 코드 (Office codes)", validators=[Optional()])
    filter_service = StringField("서비스 유형 (Service types)", validators=[Optional()])
    filter_customer = StringField("고객 유형 (Customer types)", validators=[Optional()])
    filter_age = StringField("연령대 (Age bands)", validators=[Optional()])
    strata = StringField("층화 기준 (Strata, e.g. region)", validators=[Optional()])
    per_stratum = IntegerField("층별 표본 수 (Sample per stratum)", validators=[Optional(), NumberRange(min=1)])
    quotas = StringField("층별 상한 (Quotas, e.g. R-SEOUL=500, R-BUSAN=300)", validators=[Optional()])
    reminder_max = IntegerField("재안내 횟수 (Reminders)", default=2, validators=[InputRequired(), NumberRange(0, 5)])
    reminder_days = IntegerField("재안내 간격 일 (Days between)", default=3, validators=[InputRequired(), NumberRange(1, 60)])
    no_resurvey_days = IntegerField("재조사 제한 일 (No re-survey within N days)", default=90,
                                    validators=[InputRequired(), NumberRange(0, 3650)])
    quiet_start = StringField("야간 발송 제한 시작 (Quiet from)", default="21:00", validators=[CLOCK])
    quiet_end = StringField("야간 발송 제한 끝 (Quiet until)", default="08:00", validators=[CLOCK])
    email_subject = StringField("전자우편 제목 (Subject)", default=DEFAULT_SUBJECT)
    email_body = TextAreaField("전자우편 본문 (Body)", default=DEFAULT_EMAIL)
    sms_text = TextAreaField("문자 내용 (SMS text)", default=DEFAULT_SMS)
