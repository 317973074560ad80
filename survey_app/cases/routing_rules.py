"""Writes to routing rules (which unit's queue a new case of a category or region lands in): add, change,
delete. Each checks first (a known category, a category or a region, a unit, a priority 1–9999, no second
rule for the same category and region), then changes, flushes and writes the audit log; none commits."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import record
from ..database import db
from ..models import CaseRouting, OrgUnit
from .categories import CATEGORIES, category_name
from .operations import CaseError
from .routing import routing_order

MAX_PRIORITY = 9999


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None


def routing_problem(*, category: str | None, region: str | None, unit: OrgUnit | None, priority: int | None,
                    routing_id: int | None = None) -> str | None:
    """Why a routing rule cannot be saved (Korean), or None."""
    if category is not None and category not in CATEGORIES:
        return _("알 수 없는 분류입니다. 목록에서 골라 주십시오.")
    if category is None and region is None:
        return _("분류나 지역 가운데 하나는 정해 주십시오. 둘 다 비우면 모든 사건이 한 부서로 갑니다.")
    if region is not None and len(region) > 64:
        return _("지역 이름은 64자 이내로 적어 주십시오.")
    if unit is None:
        return _("사건을 받을 부서를 골라 주십시오.")
    if priority is None or not 1 <= priority <= MAX_PRIORITY:
        return _("우선순위는 1부터 9999 사이의 정수로 적어 주십시오 (작은 수가 먼저입니다).")
    same = db.session.scalar(select(CaseRouting).where(
        CaseRouting.category.is_(None) if category is None else CaseRouting.category == category,
        CaseRouting.region.is_(None) if region is None else CaseRouting.region == region,
        CaseRouting.id != (routing_id or 0)))
    if same is not None:
        where = f"{category_name(category) if category else _('모든 분류')} · {region or _('모든 지역')}"
        return _("%(where)s 규칙이 이미 있습니다 (우선순위 %(priority)s). 있는 규칙을 고쳐 주십시오.", where=where,
                 priority=same.priority)
    return None


def _details(rule: CaseRouting) -> dict:
    return {"routing": rule.id, "category": rule.category, "region": rule.region, "unit": rule.org_unit_id,
            "priority": rule.priority}


def add_routing(*, category: str | None, region: str | None, unit: OrgUnit | None,
                priority: int | None = 100) -> CaseRouting:
    """A new routing rule, after the checks; raises :class:`CaseError` (Korean) and adds nothing when refused."""
    category, region = _clean(category), _clean(region)
    problem = routing_problem(category=category, region=region, unit=unit, priority=priority)
    if problem:
        raise CaseError(problem)
    rule = CaseRouting(category=category, region=region, org_unit_id=unit.id, priority=priority)
    db.session.add(rule)
    db.session.flush()
    record("case.routing_add", "org_unit", unit.id, details=_details(rule))
    return rule


def change_routing(rule: CaseRouting, *, category: str | None, region: str | None, unit: OrgUnit | None,
                   priority: int | None) -> None:
    """Change a routing rule, after the same checks; nothing changes when refused."""
    category, region = _clean(category), _clean(region)
    problem = routing_problem(category=category, region=region, unit=unit, priority=priority, routing_id=rule.id)
    if problem:
        raise CaseError(problem)
    before = _details(rule)
    rule.category, rule.region, rule.org_unit_id, rule.priority = category, region, unit.id, priority
    db.session.flush()
    record("case.routing_edit", "org_unit", unit.id, details={"before": before, "after": _details(rule)})


def delete_routing(rule: CaseRouting) -> None:
    """Delete a routing rule (cases already routed keep their unit)."""
    record("case.routing_delete", "org_unit", rule.org_unit_id, details=_details(rule))
    db.session.delete(rule)
    db.session.flush()


def ordered_rules(units: set[int] | None) -> list[CaseRouting]:
    """The rules whose unit is in ``units`` (None: all) in the order routing tries them."""
    query = select(CaseRouting)
    if units is not None:
        query = query.where(CaseRouting.org_unit_id.in_(units))
    rules = db.session.scalars(query).all()
    return sorted(rules, key=routing_order)
