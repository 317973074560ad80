"""The case scope: a case belongs to its owning unit (no unit: the whole organisation's queue)."""
from __future__ import annotations

import uuid
from typing import Any

from ..database import db
from ..models import Case, CaseRouting, OrgUnit
from ..web.scopes import ORG_WIDE, Scope, _get_or_404
from .operations import open_case


def _case_resolve(case_id: int, **_: Any) -> Any:
    unit_id = _get_or_404(Case, case_id).org_unit_id
    return ORG_WIDE if unit_id is None else unit_id


def _case_example(unit_id: int | None) -> dict:
    case = open_case(source="call", category="simple_inquiry", summary="범위 시험 사건", org_unit_id=unit_id)
    db.session.flush()
    return {"case_id": case.id}


CASE = Scope("case", _case_resolve, _case_example)


def _routing_resolve(routing_id: int, **_: Any) -> Any:
    return _get_or_404(CaseRouting, routing_id).org_unit_id


def _routing_example(unit_id: int | None) -> dict:
    rule = CaseRouting(region=f"범위 시험 {unit_id}", org_unit_id=unit_id or _any_unit(), priority=100)
    db.session.add(rule)
    db.session.flush()
    return {"routing_id": rule.id}


def _any_unit() -> int:
    unit = OrgUnit(code=f"RT-{uuid.uuid4().hex[:8]}", name="범위 시험", level="office")
    db.session.add(unit)
    db.session.flush()
    return unit.id


#: A routing rule belongs to the unit it sends cases to.
ROUTING = Scope("case_routing", _routing_resolve, _routing_example)
