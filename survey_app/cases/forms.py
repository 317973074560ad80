"""Case forms: intake, the actions on a case, rules. Choices are filled by the views."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..web.choices import select_choices
from .categories import CATEGORIES
from .operations import PRIORITIES, RESOLUTION_NAMES

INTAKE_SOURCES = {"call": _l("전화"), "counter": _l("창구 방문"), "board": _l("게시판"), "sms": _l("문자 상담")}
#: Every source by name (the stored code stays out of pages and exports).
SOURCE_NAMES = {**INTAKE_SOURCES, "response": _l("설문 응답"), "api": _l("연계 시스템"), "retention": _l("고객 유지 조치")}


def category_choices():
    """(code, 이름 (n일)) pairs."""
    return [(code, f"{name} ({days}일)") for code, (name, days, _basis) in CATEGORIES.items()]


class IntakeForm(FlaskForm):
    """A case taken by phone, at a counter, from the board or an SMS counselling chat."""

    source = RadioField(_l("접수 경로"), choices=select_choices(INTAKE_SOURCES.items()),
                        validators=[InputRequired(_l("접수 경로를 골라 주십시오."))])
    category = SelectField(_l("분류"), choices=[], validators=[DataRequired(_l("분류를 골라 주십시오."))])
    priority = SelectField(_l("중요도"), choices=select_choices(PRIORITIES.items()), default="normal")
    summary = StringField(_l("내용 요약"), validators=[DataRequired(_l("내용 요약을 적어 주십시오.")), Length(max=300)])
    detail = TextAreaField(_l("상세 내용"), validators=[Optional(), Length(max=5000)])
    customer_ref = StringField(_l("고객 번호 (있으면)"), validators=[Optional(), Length(max=64)])
    org_unit = SelectField(_l("담당 부서 (비워 두면 자동 배정)"), choices=[], validate_choice=False)


class VersionForm(FlaskForm):
    """Every action carries the version the member of staff saw (two people closing at once)."""

    version = HiddenField()


class AssignForm(VersionForm):
    assignee = SelectField(_l("담당자"), choices=[], validate_choice=False,
                           validators=[DataRequired(_l("담당자를 골라 주십시오."))])


class NoteForm(VersionForm):
    note = TextAreaField(_l("내용"), validators=[Optional(), Length(max=5000)])


class CloseForm(VersionForm):
    root_cause = SelectField(_l("원인 분류"), choices=[], validate_choice=False)
    resolution = RadioField(_l("해결 여부"), choices=select_choices(RESOLUTION_NAMES.items()), validate_choice=False)
    note = TextAreaField(_l("종결 메모"), validators=[Optional(), Length(max=5000)])


class TransferForm(VersionForm):
    unit = SelectField(_l("이관할 부서"), choices=[], validate_choice=False)
    note = StringField(_l("이관 사유"), validators=[Optional(), Length(max=500)])


class BulkAssignForm(FlaskForm):
    cases = SelectMultipleField(_l("사건"), choices=[], validate_choice=False)
    assignee = SelectField(_l("담당자"), choices=[], validate_choice=False)


class RuleForm(FlaskForm):
    kind = SelectField(_l("조건"), choices=[])
    question_code = SelectField(_l("문항"), choices=[], validate_choice=False)
    threshold = IntegerField(_l("기준 점수 (이하)"), validators=[Optional()])
    choice = StringField(_l("보기 값"), validators=[Optional(), Length(max=64)])
    keyword = StringField(_l("낱말"), validators=[Optional(), Length(max=100)])
    category = SelectField(_l("분류"), choices=[])
    priority = SelectField(_l("중요도"), choices=select_choices(PRIORITIES.items()), default="normal")


class ReplyForm(VersionForm):
    """A reply to the customer: the channel, the template it started from, and the text as edited."""

    channel = RadioField(_l("보낼 경로"), choices=[], validate_choice=False)
    template = SelectField(_l("안내 문구"), choices=[], validate_choice=False)
    subject = StringField(_l("전자우편 제목"), validators=[Optional(), Length(max=200)])
    body = TextAreaField(_l("보낼 내용"), validators=[Optional(), Length(max=2000)])


class RoutingForm(FlaskForm):
    """A routing rule: cases of a category and/or a customer region go to a unit's queue."""

    category = SelectField(_l("분류"), choices=[], validate_choice=False)
    region = StringField(_l("고객 지역"), validators=[Optional(), Length(max=64, message=_l("지역 이름은 64자 이내로 적어 주십시오."))])
    unit = SelectField(_l("사건을 받을 부서"), choices=[], validate_choice=False)
    priority = StringField(_l("우선순위 (작은 수가 먼저)"), default="100",
                           validators=[Optional(), Length(max=6, message=_l("우선순위는 1부터 9999 사이의 정수로 적어 주십시오."))])


class ReplyTemplateForm(FlaskForm):
    """A reply template staff manage: its name, channel, purpose, category it is offered for, and text."""

    name = StringField(_l("문구 이름"), validators=[Optional(), Length(max=100, message=_l("문구 이름을 100자 이내로 적어 주십시오."))])
    channel = SelectField(_l("보낼 경로"), choices=[], validate_choice=False)
    purpose = SelectField(_l("용도"), choices=[], validate_choice=False)
    category = SelectField(_l("분류 (이 분류의 사건에만 보이기)"), choices=[], validate_choice=False)
    subject = StringField(_l("전자우편 제목"), validators=[Optional(), Length(max=200, message=_l("전자우편 제목은 200자 이내로 적어 주십시오."))])
    body = TextAreaField(_l("내용"), validators=[Optional(), Length(max=2000, message=_l("보낼 내용을 2,000자 이내로 적어 주십시오."))])
