"""Routing: which unit's queue a new case lands in.

In order: the office the response or interaction belongs to; a routing rule for the category and the
customer's region (a rule with both beats one with either); else the center's queue (``CASE_CENTER_UNIT``,
or the first 센터 unit).
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import or_, select

from ..database import db
from ..models import CaseRouting, OrgLevel, OrgUnit


def center_unit_id() -> int | None:
    """The 우편고객센터's queue: the configured unit code, else the first unit at center level."""
    code = current_app.config.get("CASE_CENTER_UNIT")
    query = select(OrgUnit.id).where(OrgUnit.code == code) if code else (
        select(OrgUnit.id).where(OrgUnit.level == OrgLevel.CENTER).order_by(OrgUnit.sort_order, OrgUnit.id))
    return db.session.scalar(query.limit(1))


def _rule_for(category: str | None, region: str | None) -> CaseRouting | None:
    candidates = db.session.scalars(
        select(CaseRouting)
        .where(or_(CaseRouting.category.is_(None), CaseRouting.category == category),
               or_(CaseRouting.region.is_(None), CaseRouting.region == region),
               or_(CaseRouting.category.is_not(None), CaseRouting.region.is_not(None)))
        .order_by(CaseRouting.priority, CaseRouting.id))
    ranked = sorted(candidates, key=lambda r: (-(r.category is not None) - (r.region is not None), r.priority, r.id))
    return ranked[0] if ranked else None


def route(*, category: str | None, region: str | None, org_unit_id: int | None) -> tuple[int | None, str]:
    """(unit id, how it was chosen: office / rule / center)."""
    if org_unit_id is not None:
        return org_unit_id, "office"
    rule = _rule_for(category, region)
    if rule is not None:
        return rule.org_unit_id, "rule"
    return center_unit_id(), "center"
