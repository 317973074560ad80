"""Courtesy forms: who was evaluated, how and when (the checklist itself is the wave's questionnaire)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..designer.forms import DesignerForm
from ..web.choices import choice_values, select_choices

CHANNELS = {"counter": _l("창구 방문"), "phone": _l("전화")}


class SetupForm(DesignerForm):
    """The subject of an evaluation: unit, staff member (optional), channel and time."""

    org_unit = SelectField(_l("평가한 우체국·팀"), choices=[], validate_choice=True,
                           validators=[DataRequired(_l("평가한 우체국이나 팀을 골라 주십시오."))])
    staff = SelectField(_l("응대한 직원"), choices=[], validate_choice=False)
    channel = RadioField(_l("평가 방법"), choices=select_choices(CHANNELS.items()),
                         validators=[InputRequired(_l("창구 방문인지 전화인지 골라 주십시오."))])
    visited_at = DateTimeLocalField(_l("방문·통화 시각"), format="%Y-%m-%dT%H:%M",
                                    validators=[InputRequired(_l("방문하거나 통화한 시각을 입력해 주십시오."))])

    def validate_staff(self, field):
        """No one, or a staff member of the chosen unit."""
        if field.data and field.data != "None" and field.data not in choice_values(field.choices):
            raise ValidationError(_l("고른 우체국·팀의 직원 가운데에서 골라 주십시오."))


class SearchForm(DesignerForm):
    """Find a unit or staff member by name or code."""

    class Meta:
        csrf = False

    q = StringField(_l("이름 또는 코드로 찾기"), validators=[Optional(), Length(max=100)])
