"""The retention package's contact with VOC cases (:mod:`survey_app.cases`): open and overdue cases as
churn features, and call-back cases for a retention action (opened through the cases package's own
operation, so their deadline, routing, numbering and audit apply)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select

from ..cases.operations import NewCase, open_cases
from ..database import db
from ..models import Case, CaseSource, Customer

#: The category of a call-back: the center's own 요청 (7 business days).
CALLBACK_CATEGORY = "request"


def case_counts(cutoff: datetime):
    """(customer_id, open_cases, overdue_cases) as of ``cutoff``: cases received before it and not closed by
    then; overdue when their deadline had passed by the cutoff."""
    open_at_cutoff = and_(Case.created_at < cutoff, or_(Case.closed_at.is_(None), Case.closed_at >= cutoff))
    overdue = and_(open_at_cutoff, Case.due_on < cutoff.date())
    return (select(Case.customer_id,
                   func.count().filter(open_at_cutoff).label("open_cases"),
                   func.count().filter(overdue).label("overdue_cases"))
            .where(Case.customer_id.is_not(None)).group_by(Case.customer_id).subquery())


def create_callback_cases(customer_ids: list[int], *, title: str, note: str) -> list[int]:
    """Open one call-back case per customer, in the queue of the customer's office (written together); their
    ids in order."""
    offices = dict(db.session.execute(select(Customer.id, Customer.org_unit_id)
                                      .where(Customer.id.in_(customer_ids))).all())
    return open_cases([NewCase(source=CaseSource.RETENTION, category=CALLBACK_CATEGORY, summary=title, detail=note,
                               customer_id=cid, org_unit_id=offices.get(cid)) for cid in customer_ids])
