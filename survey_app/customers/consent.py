"""Consent per purpose (설문 조사, 마케팅·재구매 안내, 분석 활용): a history of grants and withdrawals, and
the current state on the customer. A withdrawal is honoured at once: withdrawing survey consent opts out
every linked contact and cancels messages not yet sent. Flushes, never commits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..audit import current_actor, record
from ..database import db
from ..models import ConsentPurpose, Customer, CustomerConsent, utcnow
from .links import customer_contact_ids, honour_survey_withdrawals

PURPOSE_LABELS = {ConsentPurpose.SURVEY: "설문 조사", ConsentPurpose.MARKETING: "마케팅·재구매 안내",
                  ConsentPurpose.ANALYSIS: "분석 활용"}
METHOD_LABELS = {"import": "파일 등록", "api": "연계 시스템", "staff": "직원 입력", "unsubscribe": "수신 거부 링크",
                 "web": "누리집", "erasure": "삭제 요청"}


def record_consent(customer: Customer, purpose: str, granted: bool, *, method: str, note: str | None = None,
                   at: datetime | None = None) -> CustomerConsent | None:
    """Append a grant or withdrawal (None when it repeats the current state) and apply it at once."""
    if purpose not in ConsentPurpose.ALL:
        raise ValueError(f"purpose must be one of {ConsentPurpose.ALL}: {purpose!r}")
    if customer.consent_for(purpose) is granted:
        return None
    actor_id = current_actor()[0]
    event = CustomerConsent(customer_id=customer.id, purpose=purpose, granted=granted, method=method, note=note,
                            recorded_at=at or utcnow(), recorded_by_id=actor_id)
    db.session.add(event)
    setattr(customer, f"consent_{purpose}", granted)
    db.session.flush()
    record("customer.consent", "customer", customer.id,
           details={"purpose": purpose, "granted": granted, "method": method})
    if purpose == ConsentPurpose.SURVEY and not granted:
        honour_survey_withdrawals(customer_contact_ids(customer.id))
    return event


def consent_history(customer_id: int) -> list[CustomerConsent]:
    """Every grant and withdrawal, newest first."""
    return list(db.session.scalars(select(CustomerConsent).where(CustomerConsent.customer_id == customer_id)
                                   .order_by(CustomerConsent.recorded_at.desc(), CustomerConsent.id.desc())))


def may_contact(customer: Customer | None, purpose: str) -> bool:
    """Whether a message for ``purpose`` may go to this customer: never after a withdrawal or erasure;
    marketing needs an explicit grant (opt-in), surveys and analysis only the absence of a withdrawal."""
    if customer is None:
        return purpose != ConsentPurpose.MARKETING
    if customer.anonymised_at is not None:
        return False
    state = customer.consent_for(purpose)
    return state is True if purpose == ConsentPurpose.MARKETING else state is not False
