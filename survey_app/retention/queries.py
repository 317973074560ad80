"""Reads for other screens: a customer's latest churn risk, segment and reasons.

MERGER: the customer page (survey_app/customers, another branch) shows ``customer_churn(customer.id)``:
``None`` when no usable run has scored the customer, else risk (0–1), segment and reasons.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..database import db
from ..models import ChurnRun, ChurnScore


@dataclass(frozen=True)
class CustomerChurn:
    """One customer's standing in the newest run whose scores may be shown."""

    cutoff: date | None
    risk: float
    segment: str
    reasons: list[str]


def customer_churn(customer_id: int) -> CustomerChurn | None:
    """The customer's risk, RFM segment and reasons from the newest run that beat the baselines."""
    row = db.session.execute(
        select(ChurnRun.cutoff, ChurnScore.risk, ChurnScore.segment, ChurnScore.reasons)
        .join(ChurnRun, ChurnRun.id == ChurnScore.run_id)
        .where(ChurnScore.customer_id == customer_id, ChurnRun.status == "ok")
        .order_by(ChurnRun.id.desc()).limit(1)).first()
    return None if row is None else CustomerChurn(row.cutoff, row.risk, row.segment, row.reasons.get("items", []))
