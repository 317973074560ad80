"""Org-unit choices for admin forms, limited to what the administrator may manage."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..database import db
from ..models import OrgUnit, Permission
from ..web.access import ORG_WIDE, can, visible_units

WHOLE_ORGANISATION = ""


def unit_choices(permission: Permission) -> list[tuple[str, str]]:
    """(value, label) pairs of units the current user holds ``permission`` for; '' is the whole organisation."""
    units = visible_units(permission)
    query = select(OrgUnit).order_by(OrgUnit.level, OrgUnit.sort_order, OrgUnit.code)
    if units is not None:
        query = query.where(OrgUnit.id.in_(units))
    choices = [(str(u.id), f"{u.name} ({u.code})") for u in db.session.scalars(query)]
    if can(permission, ORG_WIDE):
        choices.insert(0, (WHOLE_ORGANISATION, _("전체 조직")))
    return choices


def chosen_unit(value: str | None) -> int | None:
    """The unit id a form's choice stands for (None: the whole organisation)."""
    return int(value) if value else None


def scope_of(unit_id: int | None) -> Any:
    """The scope value of an object in ``unit_id`` (no unit: the whole organisation)."""
    return ORG_WIDE if unit_id is None else unit_id
