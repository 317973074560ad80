"""Staff page of a survey's scheduled report e-mails (정기 보고): list, add, pause, delete, send now.

Access as the survey's results page (``results.view`` with the same scope). Reports are made as their
creator may see the results; a setting made by someone else is changed only by its creator or by a
holder of organisation-wide results access.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from .. import audit
from ..database import db
from ..distribution.checks import is_email
from ..models import Cadence, Permission, ReportDelivery, ReportSubscription, Survey, Wave
from ..web.access import requires, scopes, visible_units
from ..web.choices import select_choices
from ..web.scopes import Scope, _get_or_404
from .delivery import send_test
from .report_mail import outside_allowed_domains, report_mail_domains
from .workbook import local_zone

bp = Blueprint("report_subscriptions", __name__, url_prefix="/manage/results")
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


def _subscription_resolve(subscription_id: int, **_: Any) -> Any:
    return _get_or_404(ReportSubscription, subscription_id).survey.org_unit_id


def _subscription_example(unit_id: int | None) -> dict:
    survey_id = scopes.SURVEY_RESULTS.example(unit_id)["survey_id"]
    sub = ReportSubscription(survey_id=survey_id, cadence=Cadence.CLOSE, recipients=["scope@koreapost.go.kr"])
    db.session.add(sub)
    db.session.flush()
    return {"subscription_id": sub.id}


#: The subscription's survey's unit, as the survey's results page.
SUBSCRIPTION = Scope("report_subscription", _subscription_resolve, _subscription_example)


def _wave_choices(survey: Survey) -> list[SelectChoice]:
    waves = db.session.scalars(select(Wave).where(Wave.survey_id == survey.id).order_by(Wave.id.desc())).all()
    return select_choices([(0, _("가장 최근 차수 (진행 중이거나 가장 최근에 마감된 차수)"))] + [(w.id, w.name) for w in waves])


def _last_deliveries(subs: list[ReportSubscription]) -> dict[int, ReportDelivery]:
    rows = db.session.scalars(select(ReportDelivery).where(ReportDelivery.subscription_id.in_([s.id for s in subs]))
                              .order_by(ReportDelivery.claimed_at, ReportDelivery.id)).all()
    return {row.subscription_id: row for row in rows}


def _local(moment) -> str:
    return moment.astimezone(local_zone()).strftime("%Y-%m-%d %H:%M")


def _page(survey: Survey, form: SubscriptionForm, status: int = 200):
    subs = db.session.scalars(select(ReportSubscription).where(ReportSubscription.survey_id == survey.id)
                              .order_by(ReportSubscription.id)).all()
    return render_template("results/reports.html", survey=survey, form=form, subscriptions=subs,
                           last=_last_deliveries(subs), local=_local, action_form=ActionForm(), weekdays=dict(WEEKDAYS),
                           restricted=visible_units(Permission.VIEW_RESULTS) is not None), status


@bp.route("/surveys/<int:survey_id>/reports", methods=["GET", "POST"])
@requires(Permission.VIEW_RESULTS, scope=scopes.SURVEY_RESULTS)
def subscriptions(survey_id: int):
    """A survey's report e-mails and the form to add one."""
    survey = db.session.get(Survey, survey_id)
    form = SubscriptionForm()
    form.wave.choices = _wave_choices(survey)
    if request.method == "GET" or not form.validate_on_submit():
        return _page(survey, form, 422 if request.method == "POST" else 200)
    sub = ReportSubscription(survey_id=survey.id, wave_id=form.wave.data or None, cadence=form.cadence.data,
                             recipients=split_addresses(form.recipients.data), created_by_id=current_user.id,
                             weekday=form.weekday.data if form.cadence.data == Cadence.WEEKLY else None,
                             day_of_month=form.day_of_month.data if form.cadence.data == Cadence.MONTHLY else None)
    db.session.add(sub)
    db.session.flush()
    audit.record("results.report_subscription.add", "report_subscription", sub.id,
                 {"survey_id": survey.id, "cadence": sub.cadence, "recipients": len(sub.recipients)})
    flash(_("정기 보고를 추가했습니다."))
    return redirect(url_for(".subscriptions", survey_id=survey.id))


def _changeable(subscription_id: int) -> ReportSubscription | None:
    """The subscription if the current user may change it (its creator or org-wide results access)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    sub = db.session.get(ReportSubscription, subscription_id)
    if sub.created_by_id == current_user.id or visible_units(Permission.VIEW_RESULTS) is None:
        return sub
    flash(_("다른 직원이 만든 정기 보고는 만든 직원이나 전체 조직의 결과 조회 권한자만 바꿀 수 있습니다."))
    return None


def _back(survey_id: int) -> Any:
    return redirect(url_for(".subscriptions", survey_id=survey_id))


@bp.post("/reports/<int:subscription_id>/active")
@requires(Permission.VIEW_RESULTS, scope=SUBSCRIPTION)
def toggle(subscription_id: int):
    """Pause or resume a report."""
    sub = _changeable(subscription_id)
    survey_id = db.session.get(ReportSubscription, subscription_id).survey_id
    if sub is not None:
        sub.active = not sub.active
        audit.record("results.report_subscription.active", "report_subscription", sub.id, {"active": sub.active})
        flash(_("정기 보고를 다시 보냅니다.") if sub.active else _("정기 보고를 멈췄습니다."))
    return _back(survey_id)


@bp.post("/reports/<int:subscription_id>/delete")
@requires(Permission.VIEW_RESULTS, scope=SUBSCRIPTION)
def delete(subscription_id: int):
    """Delete a report and its delivery history."""
    sub = _changeable(subscription_id)
    survey_id = db.session.get(ReportSubscription, subscription_id).survey_id
    if sub is not None:
        audit.record("results.report_subscription.delete", "report_subscription", sub.id,
                     {"survey_id": survey_id, "recipients": len(sub.recipients)})
        db.session.delete(sub)
        flash(_("정기 보고를 지웠습니다."))
    return _back(survey_id)


@bp.post("/reports/<int:subscription_id>/send")
@requires(Permission.VIEW_RESULTS, scope=SUBSCRIPTION)
def send_now(subscription_id: int):
    """Send the report now to its recipients, as a test (outside its schedule)."""
    sub = _changeable(subscription_id)
    survey_id = db.session.get(ReportSubscription, subscription_id).survey_id
    if sub is not None:
        error = send_test(sub)
        flash(_("보내지 못했습니다: %(error)s", error=error) if error else _("보고서를 지금 보냈습니다."))
    return _back(survey_id)
