"""Designer forms. Every form carries the draft's ``lock_version`` so a stale save is refused."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from questionnaires import vocab

from ..web.choices import select_choices

CODE_RE = r"^[A-Za-z][A-Za-z0-9_]{0,39}$"
SURVEY_CODE_RE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
KIND_LABELS = {
    "customer_satisfaction": _l("고객 만족도"), "staff_courtesy": _l("직원 친절도"),
    "shopping_satisfaction": _l("우체국쇼핑 만족도"), "post_call": _l("상담 후 조사"), "voc": _l("고객의 소리 후속 조사"),
}


def code_validators(message=None):
    """A questionnaire code: a letter, then letters, digits and underscores (40 at most)."""
    return [DataRequired(_l("코드를 입력해 주십시오.")),
            Regexp(CODE_RE, message=message or _l("코드는 영문자로 시작하고 영문자, 숫자, _ 만 쓸 수 있습니다(40자 이내)."))]


class DesignerForm(FlaskForm):
    """Base of the designer's forms: the CSRF token lasts as long as a staff session may."""

    class Meta(FlaskForm.Meta):
        @property
        def csrf_time_limit(self):
            return current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600


class LockedForm(DesignerForm):
    """A form that changes the draft: it says which saved draft it started from."""

    lock_version = HiddenField()

    def validate_lock_version(self, field):
        """The version must be a whole number (it comes back from our own page)."""
        if not str(field.data or "").isdecimal():
            raise ValidationError(_l("페이지를 새로 고친 뒤 다시 시도해 주십시오."))

    @property
    def version(self) -> int:
        """The draft version the form was loaded from."""
        return int(self.lock_version.data)


class NewSurveyForm(DesignerForm):
    """A new survey: from a bundled template, from a file, or blank."""

    start = RadioField(_l("시작 방법"), choices=[], validators=[InputRequired(_l("시작 방법을 골라 주십시오."))])
    template = SelectField(_l("템플릿"), choices=[], validate_choice=False)
    file = FileField(_l("설문지 파일 (YAML 또는 Excel)"))
    code = StringField(_l("설문 코드"), validators=[DataRequired(_l("설문 코드를 입력해 주십시오.")), Regexp(
        SURVEY_CODE_RE, message=_l("설문 코드는 영문자·숫자로 시작하고 영문자, 숫자, _ . - 만 쓸 수 있습니다."))])
    title = StringField(_l("제목"), validators=[Optional(), Length(max=300)])
    kind = SelectField(_l("종류"), choices=select_choices(KIND_LABELS.items()))
    org_unit = SelectField(_l("담당 조직"), choices=[], validate_choice=True)


class SettingsForm(LockedForm):
    """Questionnaire-level settings."""

    code = StringField(_l("설문지 코드"), validators=code_validators())
    title_ko = StringField(_l("제목 (한국어)"), validators=[DataRequired(_l("제목을 입력해 주십시오.")), Length(max=300)])
    title_en = StringField(_l("제목 (영어)"), validators=[Optional(), Length(max=300)])
    kind = SelectField(_l("종류"), choices=select_choices(KIND_LABELS.items()))
    description_ko = TextAreaField(_l("소개 글 (한국어)"), validators=[Optional(), Length(max=vocab.MAX_TEXT_LENGTH)])
    description_en = TextAreaField(_l("소개 글 (영어)"), validators=[Optional(), Length(max=vocab.MAX_TEXT_LENGTH)])
    closing_ko = TextAreaField(_l("맺음말 (한국어)"), validators=[Optional(), Length(max=vocab.MAX_TEXT_LENGTH)])
    closing_en = TextAreaField(_l("맺음말 (영어)"), validators=[Optional(), Length(max=vocab.MAX_TEXT_LENGTH)])
    org_unit = SelectField(_l("담당 조직"), choices=[], validate_choice=True)


class SectionForm(LockedForm):
    """A page: code, title, introduction and show/skip conditions."""

    code = StringField(_l("쪽 코드"), validators=code_validators())
    title_ko = StringField(_l("쪽 제목 (한국어)"), validators=[Optional(), Length(max=300)])
    title_en = StringField(_l("쪽 제목 (영어)"), validators=[Optional(), Length(max=300)])
    description_ko = TextAreaField(_l("안내 글 (한국어)"), validators=[Optional(), Length(max=vocab.MAX_TEXT_LENGTH)])
    description_en = TextAreaField(_l("안내 글 (영어)"), validators=[Optional(), Length(max=vocab.MAX_TEXT_LENGTH)])
    show_if = StringField(_l("표시 조건"), validators=[Optional(), Length(max=vocab.MAX_EXPRESSION_LENGTH)])
    skip_if = StringField(_l("건너뛰기 조건"), validators=[Optional(), Length(max=vocab.MAX_EXPRESSION_LENGTH)])


class QuickQuestionForm(LockedForm):
    """Add a question to a page with its type and wording; the full editor opens next."""

    section = HiddenField()
    type = SelectField(_l("문항 유형"), choices=[])
    text_ko = StringField(_l("질문 문구"), validators=[Optional(), Length(max=vocab.MAX_TEXT_LENGTH)])


class StepForm(LockedForm):
    """Move, delete or copy something in the draft: only the version (and for moves, where to)."""

    direction = HiddenField()
    section = HiddenField()
    position = HiddenField()


class SourceForm(LockedForm):
    """The whole questionnaire as YAML, for people who prefer typing it."""

    source = TextAreaField(_l("YAML 원본"), validators=[DataRequired(_l("내용을 입력해 주십시오.")),
                                                       Length(max=2_000_000)])


class LibraryForm(LockedForm):
    """Shared choice lists and scales, one text area each (name on the first line)."""

    lists = TextAreaField(_l("공유 보기 목록"))
    scales = TextAreaField(_l("공유 척도"))


class ScoringForm(LockedForm):
    """Questionnaire-wide scoring: dimensions, indices, courtesy checklists."""

    dimensions = TextAreaField(_l("채점 차원 (코드 | 한국어 | 영어)"))
    indices = TextAreaField(_l("지수 (코드 | 한국어 | 영어 | 방법 | 만점 | 차원=가중치 ...)"))
    checklists = TextAreaField(_l("친절도 체크리스트 (코드 | 한국어 | 영어 | 배점 합계 | 점수 규칙)"))


class PublishForm(LockedForm):
    """Publish the draft as the next immutable version, optionally opening a wave."""

    changelog = TextAreaField(_l("변경 내용"), validators=[Optional(), Length(max=5000)])
    make_wave = BooleanField(_l("이 버전으로 조사 차수를 만듭니다"), default=True)
    wave_name = StringField(_l("차수 이름"), validators=[Optional(), Length(max=300)])
    opens_at = DateTimeLocalField(_l("시작 시각"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField(_l("마감 시각"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    open_link = BooleanField(_l("누구나 응답할 수 있는 공개 링크를 만듭니다"), default=True)


class WaveForm(DesignerForm):
    """A wave of the latest published version: name, open and close times, open link."""

    name = StringField(_l("차수 이름"), validators=[DataRequired(_l("차수 이름을 입력해 주십시오.")), Length(max=300)])
    opens_at = DateTimeLocalField(_l("시작 시각"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField(_l("마감 시각"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    open_link = BooleanField(_l("누구나 응답할 수 있는 공개 링크를 만듭니다"), default=True)

    def validate_closes_at(self, field):
        """The close time comes after the open time."""
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("마감 시각은 시작 시각보다 뒤여야 합니다."))


class CopyForm(DesignerForm):
    """Copy a survey for next quarter's wave, keeping its question codes."""

    code = StringField(_l("새 설문 코드"), validators=[DataRequired(_l("설문 코드를 입력해 주십시오.")), Regexp(
        SURVEY_CODE_RE, message=_l("설문 코드는 영문자·숫자로 시작하고 영문자, 숫자, _ . - 만 쓸 수 있습니다."))])
    title = StringField(_l("새 제목"), validators=[DataRequired(_l("제목을 입력해 주십시오.")), Length(max=300)])


class ImportForm(LockedForm):
    """Replace the draft with a YAML or Excel questionnaire file."""

    file = FileField(_l("설문지 파일 (YAML 또는 Excel)"))
