"""Routing: which unit's queue a new case lands in.

In order: the office the response or interaction belongs to; a routing rule for the category and the
customer's region (a rule with both beats one with either); else the center's queue (``CASE_CENTER_UNIT``,
or the first 센터 unit). :class:`Routes` reads the rules and the center once, so the case job routes a whole
batch with two queries; :func:`route` is the same for one case.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..database import db
from ..models import CaseRouting, OrgLevel, OrgUnit

_UNREAD = object()


def center_unit_id() -> int | None:
    """The 우편고객센터's queue: the configured unit code, else the first unit at center level."""
    code = current_app.config.get("CASE_CENTER_UNIT")
    query = select(OrgUnit.id).where(OrgUnit.code == code) if code else (
        select(OrgUnit.id).where(OrgUnit.level == OrgLevel.CENTER).order_by(OrgUnit.sort_order, OrgUnit.id))
    return db.session.scalar(query.limit(1))


def routing_order(rule: CaseRouting) -> tuple[int, int, int]:
    """The order routing tries rules in: category and region before either alone, then priority, then age."""
    return -(rule.category is not None) - (rule.region is not None), rule.priority, rule.id


def best_rule(rules: list[CaseRouting], category: str | None, region: str | None) -> CaseRouting | None:
    """The rule a case of ``category`` from ``region`` follows, among ``rules``; None when none fits."""
    fitting = [rule for rule in rules if (rule.category is not None or rule.region is not None)
               and rule.category in (None, category) and rule.region in (None, region)]
    return min(fitting, key=routing_order, default=None)


class Routes:
    """The routing rules and the center's unit, each read on first need and then kept (one case or a batch)."""

    def __init__(self) -> None:
        self._rules: list[CaseRouting] | None = None
        self._center = _UNREAD

    def route(self, *, category: str | None, region: str | None,
              org_unit_id: int | None) -> tuple[int | None, str]:
        """(unit id, how it was chosen: office / rule / center)."""
        if org_unit_id is not None:
            return org_unit_id, "office"
        if self._rules is None:
            self._rules = list(db.session.scalars(select(CaseRouting)))
        rule = best_rule(self._rules, category, region)
        if rule is not None:
            return rule.org_unit_id, "rule"
        if self._center is _UNREAD:
            self._center = center_unit_id()
        return self._center, "center"


def route(*, category: str | None, region: str | None, org_unit_id: int | None) -> tuple[int | None, str]:
    """(unit id, how it was chosen: office / rule / center) for one case."""
    return Routes().route(category=category, region=region, org_unit_id=org_unit_id)
