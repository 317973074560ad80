"""The routing rules page: which unit's queue new cases land in, by category and customer region, in the
order they are tried; add, change and delete, each checked (Korean reasons, 422, what was typed kept),
audit logged, and limited to the units the member of staff manages."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..database import db
from ..models import CaseRouting, OrgUnit, Permission
from ..web.access import can, requires, visible_units
from . import bp
from .categories import CATEGORIES, category_name
from .forms import RoutingForm
from .operations import CaseError
from .routing_rules import add_routing, change_routing, delete_routing, ordered_rules
from .scopes import ROUTING


def _managed_units() -> list[OrgUnit]:
    units = visible_units(Permission.MANAGE_CASE_RULES)
    query = select(OrgUnit).order_by(OrgUnit.sort_order, OrgUnit.code)
    return list(db.session.scalars(query if units is None else query.where(OrgUnit.id.in_(units))))


def _form(rule: CaseRouting | None = None) -> RoutingForm:
    form = RoutingForm(obj=None) if request.method == "POST" else RoutingForm(formdata=None, data=_data(rule))
    form.category.choices = [("", _("모든 분류"))] + [(code, name) for code, (name, _d, _b) in CATEGORIES.items()]
    form.unit.choices = [("", _("부서 선택"))] + [(str(u.id), u.name) for u in _managed_units()]
    return form


def _data(rule: CaseRouting | None) -> dict:
    if rule is None:
        return {"priority": "100"}
    return {"category": rule.category or "", "region": rule.region or "", "unit": str(rule.org_unit_id),
            "priority": str(rule.priority)}


def _values(form: RoutingForm) -> dict:
    """The form as arguments of the routing operations; a unit outside the scope counts as none chosen."""
    unit_id = int(form.unit.data) if (form.unit.data or "").isdigit() else None
    unit = db.session.get(OrgUnit, unit_id) if unit_id is not None else None
    if unit is not None and not can(Permission.MANAGE_CASE_RULES, unit.id):
        raise CaseError(_("그 부서의 라우팅 규칙을 정할 권한이 없습니다."))
    text = (form.priority.data or "").strip()
    return {"category": form.category.data or None, "region": form.region.data, "unit": unit,
            "priority": int(text) if text.isdigit() else None}


def _page(form: RoutingForm, status: int = 200, error: str | None = None, editing: CaseRouting | None = None):
    units = visible_units(Permission.MANAGE_CASE_RULES)
    return render_template("cases/routing.html", rules=ordered_rules(units), form=form, error=error,
                           editing=editing, category_name=category_name), status


@bp.route("/routing", methods=["GET", "POST"])
@requires(Permission.MANAGE_CASE_RULES)
def routing():
    """The routing rules in the order they are tried, and a form to add one."""
    form = _form()
    if request.method == "GET":
        return _page(form)
    try:
        with db.session.begin_nested():
            add_routing(**_values(form)) if form.validate() else _refuse(form)
    except CaseError as exc:
        return _page(form, 422, str(exc))
    flash(_("라우팅 규칙을 추가했습니다. 새로 접수되는 사건부터 적용됩니다."))
    return redirect(url_for("cases.routing"), 303)


def _refuse(form: RoutingForm) -> None:
    raise CaseError(next(iter(e for errors in form.errors.values() for e in errors), _("입력한 내용을 확인해 주십시오.")))


@bp.route("/routing/<int(max=2147483647):routing_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_CASE_RULES, scope=ROUTING)
def routing_edit(routing_id: int):
    """Change one routing rule."""
    rule = db.session.get(CaseRouting, routing_id) or abort(404)
    form = _form(rule)
    if request.method == "GET":
        return _page(form, editing=rule)
    try:
        with db.session.begin_nested():
            change_routing(rule, **_values(form)) if form.validate() else _refuse(form)
    except CaseError as exc:
        db.session.refresh(rule)
        return _page(form, 422, str(exc), editing=rule)
    flash(_("라우팅 규칙을 고쳤습니다."))
    return redirect(url_for("cases.routing"), 303)


@bp.post("/routing/<int(max=2147483647):routing_id>/delete")
@requires(Permission.MANAGE_CASE_RULES, scope=ROUTING)
def routing_delete(routing_id: int):
    """Delete one routing rule."""
    rule = db.session.get(CaseRouting, routing_id) or abort(404)
    delete_routing(rule)
    flash(_("라우팅 규칙을 지웠습니다."))
    return redirect(url_for("cases.routing"), 303)
