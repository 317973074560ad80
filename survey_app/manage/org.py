"""The organisation as staff may see it: units in their scope and the staff of each unit."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from ..database import db
from ..models import OrgUnit, Permission, StaffMember
from ..web.access import can, requires, scopes, visible_units
from . import bp
from .org_admin import ImportForm, org_unit_context


@bp.get("/org/")
@requires(Permission.VIEW_RESULTS)
def org_units():
    """Units whose results and staff the user may see."""
    units = visible_units(Permission.VIEW_RESULTS)
    query = select(OrgUnit).order_by(OrgUnit.level, OrgUnit.sort_order, OrgUnit.code)
    if units is not None:
        query = query.where(OrgUnit.id.in_(units))

    return render_template("manage/org_units.html", units=db.session.scalars(query).all(), import_form=ImportForm())


@bp.get("/org/<int:unit_id>")
@requires(Permission.VIEW_RESULTS, scope=scopes.ORG_UNIT)
def org_unit(unit_id: int):
    """One unit: the units below it and its staff."""
    unit = db.session.get(OrgUnit, unit_id)
    staff = db.session.scalars(select(StaffMember).where(StaffMember.org_unit_id == unit_id)
                               .order_by(StaffMember.name)).all()

    extra = org_unit_context(unit) if can(Permission.MANAGE_USERS, unit_id) else {}
    return render_template("manage/org_unit.html", unit=unit, staff=staff, **extra)
