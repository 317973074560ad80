"""Staff page of a survey's scheduled report e-mails (정기 보고): list, add, pause, delete, send now.

Access as the survey's results page (``results.view`` with the same scope). Reports are made as their
creator may see the results; a setting made by someone else is changed only by its creator or by a
holder of organisation-wide results access.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..database import db
from ..models import Permission, ReportDelivery, ReportSubscription, Survey
from ..web.access import requires, scopes, visible_units
from ..web.scopes import Scope, _get_or_404
from .delivery import send_test
from .forms import WEEKDAYS, ActionForm, SubscriptionForm, split_addresses, wave_choices
from .operations import add_subscription, delete_subscription, toggle_subscription
from .workbook import local_zone

bp = Blueprint("report_subscriptions", __name__, url_prefix="/manage/results")


def _subscription_resolve(subscription_id: int, **_: Any) -> Any:
    return _get_or_404(ReportSubscription, subscription_id).survey.org_unit_id


#: The subscription's survey's unit, as the survey's results page (the permission matrix builds its
#: example subscriptions in tests/scope_examples.py).
SUBSCRIPTION = Scope("report_subscription", _subscription_resolve)


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
    form.wave.choices = wave_choices(survey)
    if request.method == "GET" or not form.validate_on_submit():
        return _page(survey, form, 422 if request.method == "POST" else 200)
    add_subscription(survey, recipients=split_addresses(form.recipients.data), cadence=form.cadence.data,
                     wave_id=form.wave.data or None, weekday=form.weekday.data, day_of_month=form.day_of_month.data,
                     created_by_id=current_user.id)
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
        flash(_("정기 보고를 다시 보냅니다.") if toggle_subscription(sub) else _("정기 보고를 멈췄습니다."))
    return _back(survey_id)


@bp.post("/reports/<int:subscription_id>/delete")
@requires(Permission.VIEW_RESULTS, scope=SUBSCRIPTION)
def delete(subscription_id: int):
    """Delete a report and its delivery history."""
    sub = _changeable(subscription_id)
    survey_id = db.session.get(ReportSubscription, subscription_id).survey_id
    if sub is not None:
        delete_subscription(sub)
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
