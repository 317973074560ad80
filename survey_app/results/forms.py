"""Forms of the results pages: a survey's scheduled report e-mails (정기 보고)."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from ..database import db
from ..distribution.checks import is_email
from ..models import Cadence, Survey, Wave
from ..web.choices import select_choices
from .report_mail import outside_allowed_domains, report_mail_domains

MAX_RECIPIENTS = 20
WEEKDAYS = [(0, _l("월요일")), (1, _l("화요일")), (2, _l("수요일")), (3, _l("목요일")), (4, _l("금요일")),
            (5, _l("토요일")), (6, _l("일요일"))]


def split_addresses(text: str) -> list[str]:
    """Addresses separated by commas, semicolons, spaces or lines, without repeats."""
    seen: dict[str, None] = {}
    for part in re.split(r"[\s,;]+", text or ""):
        if part:
            seen.setdefault(part.strip(), None)
    return list(seen)


class DayField(IntegerField):
    """A day number; blank is "none given" (not an error), other text gets a Korean message."""

    def process_formdata(self, valuelist: list) -> None:
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            self.data = None
        elif text.isdecimal():
            self.data = int(text)
        else:
            self.data = None
            raise ValueError(_("1부터 28 사이의 날짜를 적어 주십시오."))


class SubscriptionForm(FlaskForm):
    """Who gets the report, of which wave, and when."""

    recipients = TextAreaField(_l("받는 사람 전자우편 주소 (쉼표나 줄바꿈으로 구분)"),
                               validators=[InputRequired(_l("받는 사람 주소를 적어 주십시오."))])
    cadence = RadioField(_l("보내는 때"), default=Cadence.WEEKLY,
                         choices=select_choices([(Cadence.WEEKLY, _l("매주")), (Cadence.MONTHLY, _l("매월")),
                                                 (Cadence.CLOSE, _l("차수가 마감될 때"))]))
    weekday = SelectField(_l("매주 보내는 요일"), choices=select_choices(WEEKDAYS), coerce=int, default=0)
    day_of_month = DayField(_l("매월 보내는 날 (1~28일)"), default=1)
    wave = SelectField(_l("보고할 차수"), coerce=int, default=0)

    def validate_recipients(self, field) -> None:
        """Every address must look like one, be in an allowed domain, and there may be at most twenty."""
        addresses = split_addresses(field.data)
        wrong = [a for a in addresses if not is_email(a)]
        if wrong:
            raise ValidationError(_("전자우편 주소가 올바르지 않습니다: %(list)s", list=", ".join(wrong[:5])))
        if len(addresses) > MAX_RECIPIENTS:
            raise ValidationError(_("받는 사람은 %(n)s명까지 적을 수 있습니다.", n=MAX_RECIPIENTS))
        outside = outside_allowed_domains(addresses, report_mail_domains())
        if outside:
            raise ValidationError(_("보고서는 기관 전자우편(%(domains)s)으로만 보낼 수 있습니다. 다음 주소는 받을 수 "
                                    "없습니다: %(list)s", domains=", ".join(report_mail_domains()),
                                    list=", ".join(outside[:5])))

    def validate_day_of_month(self, field) -> None:
        """A monthly report needs its day, from 1 to 28 (every month has it)."""
        if field.data is None and self.cadence.data == Cadence.MONTHLY and not field.errors:
            raise ValidationError(_("매월 보낼 날짜를 적어 주십시오."))
        if field.data is not None and not 1 <= field.data <= 28:
            raise ValidationError(_("1부터 28 사이의 날짜를 적어 주십시오."))


class ActionForm(FlaskForm):
    """Pause, resume, delete or send now (the CSRF token only)."""


def wave_choices(survey: Survey) -> list[SelectChoice]:
    """The report's wave: the latest (0) or one of the survey's waves, newest first."""
    waves = db.session.scalars(select(Wave).where(Wave.survey_id == survey.id).order_by(Wave.id.desc())).all()
    return select_choices([(0, _("가장 최근 차수 (진행 중이거나 가장 최근에 마감된 차수)"))] + [(w.id, w.name) for w in waves])
