"""The retention package's only contact with VOC cases (survey_app/cases, built separately).

Two functions, both working without the cases tables:

- :func:`case_counts` — a selectable of (customer_id, open_cases, overdue_cases) at a cutoff, or None
  while there is no cases model (the features are then 0);
- :func:`create_callback_cases` — open one call-back case per customer and return their ids, or None
  while there is no cases model (the action then keeps its own call-back list, see
  :mod:`survey_app.retention.actions`).

MERGER: when ``survey_app.models.cases`` exists, ``_case_model()`` finds it. Check the column names
below (``customer_id``, ``status``, ``opened_at``/``created_at``, ``due_at``, ``closed_at``) against the
real model and replace the body of :func:`create_callback_cases` with a call to the cases package's
own operation that opens a case (so its SLA clock, audit and numbering apply).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select


def _case_model():
    try:
        from ..models import cases  # noqa: PLC0415 - optional until VOC cases are merged
    except ImportError:
        return None
    return getattr(cases, "Case", None) or getattr(cases, "VocCase", None)


def case_counts(cutoff: datetime):
    """(customer_id, open_cases, overdue_cases) as of ``cutoff``, or None without a cases model."""
    case = _case_model()
    if case is None:
        return None
    opened = getattr(case, "opened_at", None) or case.created_at
    open_at_cutoff = and_(opened < cutoff, or_(case.closed_at.is_(None), case.closed_at >= cutoff))
    overdue = and_(open_at_cutoff, case.due_at < cutoff)
    return (select(case.customer_id,
                   func.count().filter(open_at_cutoff).label("open_cases"),
                   func.count().filter(overdue).label("overdue_cases"))
            .where(case.customer_id.is_not(None)).group_by(case.customer_id).subquery())


def create_callback_cases(customer_ids: list[int], *, title: str, note: str) -> list[int] | None:
    """Open a call-back case per customer; None while VOC cases are not part of the app."""
    if _case_model() is None:
        return None
    from ..cases import operations  # noqa: PLC0415 - MERGER: the cases package's "open a case" operation
    return [operations.open_callback_case(customer_id=cid, title=title, note=note).id for cid in customer_ids]
