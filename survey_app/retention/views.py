"""Staff screens: the churn model's backtest, the 이탈 위험 고객 worklist per office, retention actions."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..customers.identity import identity
from ..database import db
from ..models import ChurnAction, ChurnActionMember, ChurnRun, ChurnScore, Customer, OrgUnit, Permission
from ..web.access import can, requires, scopes, visible_units
from ..web.scopes import Scope, unit_or_org_wide
from .charts import calibration_svg
from .forms import ActionForm, CalledForm, survey_choices
from .operations import RetentionError, action_outcome, mark_called, start_action

bp = Blueprint("retention", __name__, url_prefix="/manage/retention")
WORKLIST_SIZE = 50


def _action_resolve(action_id: int, **_):
    action = db.session.get(ChurnAction, action_id)
    if action is None:
        abort(404)
    return unit_or_org_wide(action.org_unit_id)


def _action_example(unit_id: int | None) -> dict:
    action = ChurnAction(name="예시 조치", kind="callback", source="worklist", org_unit_id=unit_id, holdout_share=0.1,
                         seed=1, starts_on=date(2026, 1, 1), window_days=30)
    db.session.add(action)
    db.session.flush()
    return {"action_id": action.id}


ACTION = Scope("churn_action", _action_resolve, _action_example)


def latest_run(*, usable: bool = False) -> ChurnRun | None:
    """The newest churn run (with ``usable``, the newest whose scores may be shown)."""
    query = select(ChurnRun).order_by(ChurnRun.id.desc()).limit(1)
    return db.session.scalars(query.where(ChurnRun.status == "ok") if usable else query).first()


def subtree(unit_id: int) -> set[int]:
    """``unit_id`` and every unit below it."""
    children: dict[int | None, list[int]] = {}
    for uid, parent in db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)):
        children.setdefault(parent, []).append(uid)
    found, todo = set(), [unit_id]
    while todo:
        current = todo.pop()
        found.add(current)
        todo.extend(children.get(current, []))
    return found


@bp.get("/")
@requires(Permission.VIEW_CUSTOMERS)
def index():
    """The latest run's backtest beside the baselines, and the offices whose worklists can be opened."""
    run, usable = latest_run(), latest_run(usable=True)
    units = visible_units(Permission.VIEW_CUSTOMERS)
    offices = []
    if usable is not None:
        query = (select(OrgUnit, func.count(ChurnScore.id)).join(ChurnScore, ChurnScore.org_unit_id == OrgUnit.id)
                 .where(ChurnScore.run_id == usable.id).group_by(OrgUnit.id).order_by(OrgUnit.sort_order, OrgUnit.name))
        if units is not None:
            query = query.where(OrgUnit.id.in_(units))
        offices = db.session.execute(query).all()
    actions_query = select(ChurnAction).order_by(ChurnAction.id.desc()).limit(20)
    if units is not None:
        actions_query = actions_query.where(ChurnAction.org_unit_id.in_(units))
    chart = None
    if run is not None and run.backtest.get("model", {}).get("calibration"):
        chart = calibration_svg(run.backtest["model"]["calibration"], _("위험 10분위별 예측 이탈률과 실제 이탈률"),
                                _("예측 이탈률"), _("실제 이탈률"))
    return render_template("retention/index.html", run=run, usable=usable, offices=offices, chart=chart,
                           actions=db.session.scalars(actions_query).all())


def _worklist(run: ChurnRun, unit_id: int, limit: int) -> list[tuple[ChurnScore, Customer]]:
    return db.session.execute(
        select(ChurnScore, Customer).join(Customer, Customer.id == ChurnScore.customer_id)
        .where(ChurnScore.run_id == run.id, ChurnScore.org_unit_id.in_(subtree(unit_id)),
               Customer.anonymised_at.is_(None))
        .order_by(ChurnScore.risk.desc(), ChurnScore.id).limit(limit)).all()


def _action_form() -> ActionForm:
    form = ActionForm()
    form.survey_id.choices = survey_choices()
    return form


@bp.get("/units/<int:unit_id>/worklist")
@requires(Permission.VIEW_CUSTOMERS, scope=scopes.ORG_UNIT)
def worklist(unit_id: int):
    """The unit's customers at highest churn risk, with their reasons, masked."""
    unit = db.session.get(OrgUnit, unit_id)
    run = latest_run(usable=True)
    rows = [(score, identity(customer)) for score, customer in _worklist(run, unit_id, WORKLIST_SIZE)] if run else []
    return render_template("retention/worklist.html", unit=unit, run=run, rows=rows, form=_action_form(),
                           may_act=can(Permission.MANAGE_CUSTOMERS, unit_id))


@bp.post("/units/<int:unit_id>/actions")
@requires(Permission.MANAGE_CUSTOMERS, scope=scopes.ORG_UNIT)
def start(unit_id: int):
    """Start a retention action on the top of the unit's worklist, holding out a random control group."""
    unit = db.session.get(OrgUnit, unit_id)
    run = latest_run(usable=True)
    form = _action_form()
    if run is None:
        flash(_("보여 드릴 수 있는 이탈 예측 결과가 없어 조치를 시작할 수 없습니다."), "error")
        return redirect(url_for("retention.index"))
    if form.validate_on_submit():
        top = _worklist(run, unit_id, form.top.data)
        try:
            action = start_action([s.customer_id for s, _c in top], name=form.name.data.strip(), kind=form.kind.data,
                                  org_unit_id=unit_id, source=f"worklist:{run.id}", run_id=run.id,
                                  holdout_share=form.holdout.data / 100, window_days=form.window.data,
                                  risks={s.customer_id: s.risk for s, _c in top}, survey_id=form.survey_id.data or None)
        except RetentionError as exc:
            form.top.errors = [*form.top.errors, str(exc)]
        else:
            flash(_("조치를 시작했습니다. 비교군 고객에게는 연락하지 마십시오."), "success")
            return redirect(url_for("retention.action", action_id=action.id))
    rows = [(score, identity(customer)) for score, customer in _worklist(run, unit_id, WORKLIST_SIZE)]
    return render_template("retention/worklist.html", unit=unit, run=run, rows=rows, form=form, may_act=True), 400


@bp.get("/actions/<int:action_id>")
@requires(Permission.VIEW_CUSTOMERS, scope=ACTION)
def action(action_id: int):
    """An action: its call-back list, its holdout, and after the window the retained share treated vs control."""
    act = db.session.get(ChurnAction, action_id)
    members = db.session.execute(
        select(ChurnActionMember, Customer).join(Customer, Customer.id == ChurnActionMember.customer_id)
        .where(ChurnActionMember.action_id == act.id).order_by(ChurnActionMember.risk.desc().nulls_last(),
                                                              ChurnActionMember.id)).all()
    treated = [(m, identity(c)) for m, c in members if m.arm == "treated"]
    control = sum(1 for m, _c in members if m.arm == "control")
    try:
        outcome, problem = action_outcome(act), None
    except ValueError as exc:
        outcome, problem = None, str(exc)
    return render_template("retention/action.html", action=act, treated=treated, control=control, outcome=outcome,
                           problem=problem, today=date.today(), may_act=can(Permission.MANAGE_CUSTOMERS,
                                                                            unit_or_org_wide(act.org_unit_id)),
                           called=CalledForm())


@bp.post("/actions/<int:action_id>/members/<int:member_id>/called")
@requires(Permission.MANAGE_CUSTOMERS, scope=ACTION)
def called(action_id: int, member_id: int):
    """Record that a treated customer of the call-back list was called."""
    member = db.session.get(ChurnActionMember, member_id)
    if member is None or member.action_id != action_id:
        abort(404)
    if CalledForm().validate_on_submit():
        try:
            mark_called(member)
        except RetentionError as exc:
            flash(str(exc), "error")
    return redirect(url_for("retention.action", action_id=action_id))
