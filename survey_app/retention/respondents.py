"""Respondents' customer segments as results cuts: a response reaches its customer through its invitation's
contact, and takes that customer's RFM segment and churn-risk band from the newest usable churn run.

Responses without a customer (an open link, a contact not linked to a customer) or without a score stay
unknown; a cut is offered only when some respondents are known.
"""
from __future__ import annotations

import numpy as np
from sqlalchemy import select

from analysis.customers.rfm import SEGMENTS

from ..database import db
from ..models import ChurnScore, Contact, Invitation, Response
from .audiences import RISK_BANDS, newest_usable_run

UNKNOWN = -1


def _scores_of(response_ids: np.ndarray, run_id: int) -> list[tuple[int, str, float]]:
    rows = []
    ids = response_ids.tolist()
    for start in range(0, len(ids), 10_000):
        rows += db.session.execute(
            select(Response.id, ChurnScore.segment, ChurnScore.risk)
            .join(Invitation, Invitation.id == Response.invitation_id)
            .join(Contact, Contact.id == Invitation.contact_id)
            .join(ChurnScore, (ChurnScore.customer_id == Contact.customer_id) & (ChurnScore.run_id == run_id))
            .where(Response.id.in_(ids[start:start + 10_000]))).all()
    return rows


def _band(risk: float) -> str:
    return next(band for band, _label, low, high in RISK_BANDS if low <= risk < high)


def customer_cuts(response_ids: np.ndarray) -> dict[str, tuple[tuple[str, ...], np.ndarray]]:
    """``{"rfm_segment" | "churn_risk": (levels, codes per response)}`` for the responses (sorted ids), codes
    ``-1`` when unknown; empty when no usable run or no respondent is a scored customer."""
    run = newest_usable_run()
    if run is None or not len(response_ids):
        return {}
    rows = _scores_of(response_ids, run.id)
    if not rows:
        return {}
    rid = np.array([r[0] for r in rows], dtype=np.int64)
    where = np.searchsorted(response_ids, rid)
    out = {}
    for name, order, values in (("rfm_segment", SEGMENTS, [r[1] for r in rows]),
                                ("churn_risk", tuple(b for b, *_rest in RISK_BANDS), [_band(r[2]) for r in rows])):
        levels = tuple(level for level in order if level in set(values))
        lookup = {level: i for i, level in enumerate(levels)}
        codes = np.full(len(response_ids), UNKNOWN, dtype=np.int64)
        codes[where] = [lookup[v] for v in values]
        out[name] = (levels, codes)
    return out
