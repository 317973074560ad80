"""The case scope: a case belongs to its owning unit (no unit: the whole organisation's queue)."""
from __future__ import annotations

from typing import Any

from ..database import db
from ..models import Case
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
