"""The retention action form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..database import db
from ..models import Survey, SurveyState
from ..web.choices import select_choices


class ActionForm(FlaskForm):
    """Start a retention action on the riskiest customers of a worklist, with a holdout."""

    name = StringField(_l("조치 이름"), validators=[DataRequired(_l("조치 이름을 입력해 주십시오.")), Length(max=200)])
    kind = SelectField(_l("조치 종류"), choices=select_choices([("callback", _l("해피콜(전화) 요청")),
                                                              ("message", _l("재구매 안내 메시지(마케팅 동의 고객만)")),
                                                              ("survey", _l("설문 발송(설문 동의 고객만)"))]))
    survey_id = SelectField(_l("보낼 설문(메시지·설문 발송일 때)"), coerce=int, choices=[], validate_choice=False)
    top = IntegerField(_l("위험이 높은 고객부터 몇 명"), default=100, validators=[
        InputRequired(_l("대상 고객 수를 입력해 주십시오.")), NumberRange(2, 5000, _l("2명에서 5,000명 사이로 입력해 주십시오."))])
    holdout = IntegerField(_l("비교군 비율(%)"), default=10, validators=[
        InputRequired(_l("비교군 비율을 입력해 주십시오.")), NumberRange(5, 50, _l("5%%에서 50%% 사이로 입력해 주십시오."))])
    window = IntegerField(_l("효과를 볼 기간(일)"), default=90, validators=[
        InputRequired(_l("기간을 입력해 주십시오.")), NumberRange(14, 365, _l("14일에서 365일 사이로 입력해 주십시오."))])


def survey_choices() -> list[tuple[int, str]]:
    """Published surveys a message or survey action may send (0: none chosen)."""
    surveys = db.session.scalars(select(Survey).where(Survey.state == SurveyState.PUBLISHED).order_by(Survey.code))
    return [(0, _l("고르지 않음 (해피콜)"))] + [(s.id, f"{s.code} {s.title}") for s in surveys]


class CalledForm(FlaskForm):
    """The "통화 완료" button of one call-back (its CSRF token only)."""
