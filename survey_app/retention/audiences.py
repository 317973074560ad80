"""Customers as a wave's audience: an RFM segment or a churn-risk band of the newest usable run, or the
treated customers of a retention action, each reached only with consent for the wave's purpose.

A plan's ``audience`` may hold ``"customer_segment": "rfm:<segment>"`` or ``"risk:<band>"`` (staff pick it on
the plan page), or ``"retention_action": <id>`` with ``"consent_purpose"`` (set when an action makes its wave).
:func:`customer_scope` turns that into the customers the wave may reach and those of them who consent.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, select, true

from analysis.customers.rfm import SEGMENTS

from ..database import db
from ..models import ChurnActionMember, ChurnRun, ChurnScore, ConsentPurpose, Customer

#: Churn-risk bands (band, label, lowest risk, below this risk): the worklist reads "high" first.
RISK_BANDS = (("high", _l("이탈 위험 높음 (50% 이상)"), 0.5, 1.01),
              ("middle", _l("이탈 위험 보통 (20~50%)"), 0.2, 0.5),
              ("low", _l("이탈 위험 낮음 (20% 미만)"), 0.0, 0.2))


@dataclass(frozen=True)
class CustomerScope:
    """The customers a wave is limited to, and those of them who may be contacted for its purpose."""

    members: frozenset[int]
    consenting: frozenset[int]


def segment_choices() -> list[tuple[str, str]]:
    """(value, label) for the plan form: every RFM segment and risk band; the empty value means no limit."""
    return ([("", _l("고객 세분 제한 없음"))] + [(f"rfm:{name}", f"RFM: {name}") for name in SEGMENTS]
            + [(f"risk:{band}", label) for band, label, _low, _high in RISK_BANDS])


def newest_usable_run() -> ChurnRun | None:
    """The newest run whose scores may be shown (it beat the recency and RFM baselines)."""
    return db.session.scalars(select(ChurnRun).where(ChurnRun.status == "ok").order_by(ChurnRun.id.desc())
                              .limit(1)).first()


def segment_members(spec: str) -> set[int]:
    """Customers of ``rfm:<segment>`` or ``risk:<band>`` in the newest usable run; ValueError if unknown."""
    kind, _sep, value = spec.partition(":")
    query = select(ChurnScore.customer_id)
    if kind == "rfm" and value in SEGMENTS:
        query = query.where(ChurnScore.segment == value)
    elif kind == "risk" and value in {band for band, *_rest in RISK_BANDS}:
        low, high = next((lo, hi) for band, _label, lo, hi in RISK_BANDS if band == value)
        query = query.where(ChurnScore.risk >= low, ChurnScore.risk < high)
    else:
        raise ValueError(f"customer segment must be rfm:<segment> or risk:<band>: {spec!r}")
    run = newest_usable_run()
    return set() if run is None else set(db.session.scalars(query.where(ChurnScore.run_id == run.id)))


def treated_members(action_id: int) -> set[int]:
    """The treated (not held-out) customers of a retention action."""
    return set(db.session.scalars(select(ChurnActionMember.customer_id).where(
        ChurnActionMember.action_id == action_id, ChurnActionMember.arm == "treated")))


def consenting(customer_ids: set[int], purpose: str) -> set[int]:
    """Of ``customer_ids``, those who may be contacted for ``purpose`` (the rule of ``may_contact``)."""
    column = getattr(Customer, f"consent_{purpose}")
    agreed = column.is_(true()) if purpose == ConsentPurpose.MARKETING else column.is_not(false())
    found: set[int] = set()
    ids = sorted(customer_ids)
    for start in range(0, len(ids), 5_000):
        found |= set(db.session.scalars(select(Customer.id).where(
            Customer.id.in_(ids[start:start + 5_000]), Customer.anonymised_at.is_(None), agreed)))
    return found


def customer_scope(audience: dict) -> CustomerScope | None:
    """The customer limit of a plan's audience, or None when it reaches contacts regardless of customers."""
    if audience.get("retention_action"):
        members = treated_members(int(audience["retention_action"]))
        purpose = audience.get("consent_purpose") or ConsentPurpose.SURVEY
    elif audience.get("customer_segment"):
        members, purpose = segment_members(str(audience["customer_segment"])), ConsentPurpose.SURVEY
    else:
        return None
    return CustomerScope(frozenset(members), frozenset(consenting(members, purpose)))
