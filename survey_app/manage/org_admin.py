"""Managing the org tree and staff directory: import from CSV or Excel, move, deactivate (administrators)."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..database import db
from ..models import OrgUnit, Permission, StaffMember
from ..web.access import requires, scopes, visible_units
from ..web.choices import select_choices
from ..web.request_size import accepts_upload
from ..web.scopes import Scope, _get_or_404
from . import bp
from .forms import ImportForm, MoveForm, ToggleForm
from .operations import (
    DirectoryError,
    import_staff,
    import_units,
    move_staff,
    move_unit,
    set_staff_active,
    set_unit_active,
)
from .org_files import read_rows


def _staff_resolve(staff_id: int, **_: Any) -> int:
    return _get_or_404(StaffMember, staff_id).org_unit_id


#: The staff member's unit (the permission matrix builds its examples in tests/scope_examples.py).
STAFF = Scope("staff_member", _staff_resolve)


def _units_in_scope() -> list[OrgUnit]:
    units = visible_units(Permission.MANAGE_USERS)
    query = select(OrgUnit).order_by(OrgUnit.level, OrgUnit.sort_order, OrgUnit.code)
    if units is not None:
        query = query.where(OrgUnit.id.in_(units))
    return list(db.session.scalars(query))


@bp.post("/org/import")
@accepts_upload
@requires(Permission.MANAGE_USERS)
def org_import():
    """Add or update units or staff from a CSV or Excel file; a file with any bad row changes nothing."""
    form = ImportForm()
    upload = form.file.data
    if not form.validate_on_submit() or not upload or not upload.filename:
        flash(_("가져올 파일을 골라 주십시오."))
        return redirect(url_for("manage.org_units"))
    try:
        rows = read_rows(upload.read(), upload.filename)
    except (UnicodeDecodeError, ValueError, OSError, KeyError):
        flash(_("파일을 읽을 수 없습니다. UTF-8 CSV나 Excel(.xlsx) 파일인지 확인해 주십시오."))
        return redirect(url_for("manage.org_units"))
    allowed = visible_units(Permission.MANAGE_USERS)
    result = (import_units if form.kind.data == "units" else import_staff)(rows, allowed)
    if result.problems:  # the import undid its own changes
        return render_template("manage/org_units.html", units=_units_in_scope(), import_form=form,
                               problems=result.problems), 422
    flash(_("%(added)s건을 추가하고 %(updated)s건을 고쳤습니다.", added=result.added, updated=result.updated))
    return redirect(url_for("manage.org_units"))


def _move_form(unit: OrgUnit | None = None) -> MoveForm:
    form = MoveForm()
    below = {u.id for u in _units_in_scope() if unit is not None and unit in [u, *u.ancestors()]}
    form.target.choices = select_choices((str(u.id), f"{u.name} ({u.code})") for u in _units_in_scope() if u.id not in below)
    return form


@bp.post("/org/<int:unit_id>/move")
@requires(Permission.MANAGE_USERS, scope=scopes.ORG_UNIT)
def org_move(unit_id: int):
    """Put a unit and its subtree under another unit in the administrator's scope."""
    unit = db.session.get(OrgUnit, unit_id)
    form = _move_form(unit)
    if not form.validate_on_submit():
        flash(_("옮길 곳을 목록에서 골라 주십시오."))
        return redirect(url_for("manage.org_unit", unit_id=unit_id))
    try:
        move_unit(unit, db.session.get(OrgUnit, int(form.target.data)))
    except DirectoryError as exc:
        flash(str(exc))
    else:
        flash(_("조직을 옮겼습니다."))
    return redirect(url_for("manage.org_unit", unit_id=unit_id))


@bp.post("/org/<int:unit_id>/active")
@requires(Permission.MANAGE_USERS, scope=scopes.ORG_UNIT)
def org_toggle(unit_id: int):
    """Deactivate or reactivate a unit."""
    if not ToggleForm().validate_on_submit():
        abort(400)
    unit = db.session.get(OrgUnit, unit_id)
    set_unit_active(unit, not unit.active)
    flash(_("조직을 다시 사용합니다.") if unit.active else _("조직을 사용하지 않도록 했습니다."))
    return redirect(url_for("manage.org_unit", unit_id=unit_id))


@bp.post("/org/staff/<int:staff_id>/move")
@requires(Permission.MANAGE_USERS, scope=STAFF)
def staff_move(staff_id: int):
    """Transfer a staff member to another unit in scope."""
    person = db.session.get(StaffMember, staff_id)
    form = _move_form()
    if form.validate_on_submit():
        move_staff(person, db.session.get(OrgUnit, int(form.target.data)))
        flash(_("직원의 소속을 옮겼습니다."))
    else:
        flash(_("옮길 곳을 목록에서 골라 주십시오."))
    return redirect(url_for("manage.org_unit", unit_id=person.org_unit_id))


@bp.post("/org/staff/<int:staff_id>/active")
@requires(Permission.MANAGE_USERS, scope=STAFF)
def staff_toggle(staff_id: int):
    """Deactivate or reactivate a staff member."""
    if not ToggleForm().validate_on_submit():
        abort(400)
    person = db.session.get(StaffMember, staff_id)
    set_staff_active(person, not person.active)
    return redirect(url_for("manage.org_unit", unit_id=person.org_unit_id))


def org_unit_context(unit: OrgUnit) -> dict:
    """Forms for the unit page (used by ``manage.org_unit``)."""
    return {"move_form": _move_form(unit), "staff_move_form": _move_form(), "toggle_form": ToggleForm()}
