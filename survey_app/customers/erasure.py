"""삭제 요청 (erasure): remove a person from every table and keep the statistics their records feed.

What :func:`erase_customer` does, in one transaction (flushes, never commits):

* the customer's sealed identifiers, address and look-up hashes are removed, the external id becomes a
  random token, the birth year is kept only as its decade (an age band), the source note goes;
* linked contacts are purged (``privacy.contacts.purge_contacts``, as retention does): invitations, skips and post-call records keep
  no link to them; invitations' hidden values keep only analysis segments; messages not yet sent are
  cancelled and their error text cleared; post-call records lose the call id and
  stored API replies naming it go;
* responses of those invitations keep their numeric and choice answers, lose their free-text answers,
  resume keys and device keys; their hidden values keep only analysis segments;
* interactions keep date, channel, office, topic and outcome and lose the note and the agent; orders keep
  date, category, amount, quantity and status; both get random external ids instead of the source
  systems' numbers, and stay attached to the anonymous customer, so counts and sums do not change;
* consent history is kept (when and what), without its free-text notes;
* later capabilities' tables (VOC cases, ...) are scrubbed by the steps they register with
  :func:`add_erasure_step`;
* the access log records the anonymisation (with the stated reason) and the contacts purged; the audit
  log records the counts.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from ..audit import record
from ..database import db
from ..models import (
    AccessAction,
    Answer,
    ConsentPurpose,
    Customer,
    CustomerConsent,
    IdempotencyRecord,
    Interaction,
    Invitation,
    Order,
    OutboxMessage,
    OutboxStatus,
    PostCall,
    Response,
    utcnow,
)
from ..privacy.access_log import log_access
from ..privacy.contacts import SUBJECT as CONTACT_SUBJECT
from ..privacy.contacts import purge_contacts
from ..results.loading import SEGMENT_FIELDS
from .consent import record_consent
from .identity import SUBJECT, set_identity
from .links import customer_contact_ids
from .suppression import remember_erased

ERASED_PREFIX = "erased-"
#: Scrubbers later capabilities add for their own tables (VOC cases, retention actions): each gets the
#: customer and the ids of the contacts, invitations and responses being erased, before identifiers go.
_EXTRA_STEPS: list[Callable[[Customer, dict[str, list[int]]], None]] = []


def add_erasure_step(step: Callable[[Customer, dict[str, list[int]]], None]) -> Callable:
    """Register a scrubber run by every erasure (usable as a decorator)."""
    _EXTRA_STEPS.append(step)
    return step


class ErasureError(ValueError):
    """The erasure was refused (nothing was changed)."""


@dataclass(frozen=True)
class ErasureReport:
    """What one erasure touched."""

    customer_id: int
    contacts: int
    invitations: int
    responses: int
    texts_blanked: int
    interactions: int
    orders: int
    contact_ids: tuple[int, ...] = ()

    def lines(self) -> list[str]:
        """A short summary for the CLI and the page."""
        return [f"연락처 파기 {self.contacts}건 (contacts purged)", f"설문 안내 정리 {self.invitations}건 (invitations)",
                f"응답 {self.responses}건의 서술형 답변 {self.texts_blanked}개 삭제 (free-text answers blanked)",
                f"상담 {self.interactions}건·주문 {self.orders}건은 익명 기록으로 남김 (kept, anonymous)"]


def _token() -> str:
    return ERASED_PREFIX + secrets.token_hex(12)


def _segments_only(hidden: dict | None) -> dict:
    return {k: v for k, v in (hidden or {}).items() if k in SEGMENT_FIELDS}


def _scrub_invitations(invitation_ids: list[int]) -> None:
    for invitation in db.session.scalars(select(Invitation).where(Invitation.id.in_(invitation_ids))):
        invitation.hidden = _segments_only(invitation.hidden)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.invitation_id.in_(invitation_ids),
                                                   OutboxMessage.status == OutboxStatus.PENDING)
                       .values(status=OutboxStatus.CANCELLED).execution_options(synchronize_session=False))
    db.session.execute(update(OutboxMessage).where(OutboxMessage.invitation_id.in_(invitation_ids))
                       .values(last_error=None, provider_id=None).execution_options(synchronize_session=False))


def _scrub_responses(response_ids: list[int]) -> int:
    blanked = db.session.execute(update(Answer).where(Answer.response_id.in_(response_ids), Answer.value_text.is_not(None))
                                 .values(value_text=None).execution_options(synchronize_session=False)).rowcount
    for response in db.session.scalars(select(Response).where(Response.id.in_(response_ids))):
        response.hidden = _segments_only(response.hidden)
        response.resume_key_hash = response.device_key = None
    return blanked or 0


def _unlink_post_calls(contact_ids: list[int], invitation_ids: list[int]) -> None:
    """Post-call records lose the contact and the call id; stored API replies naming the call are dropped."""
    call_ids = []
    for call in db.session.scalars(select(PostCall).where(PostCall.contact_id.in_(contact_ids)
                                                          | PostCall.invitation_id.in_(invitation_ids))):
        call_ids.append(call.call_id)
        call.contact_id, call.call_id = None, _token()
    if call_ids:
        db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.body["call_id"].as_string().in_(call_ids))
                           .execution_options(synchronize_session=False))


def _keep_records_anonymous(customer_id: int) -> tuple[int, int]:
    interactions = list(db.session.scalars(select(Interaction).where(Interaction.customer_id == customer_id)))
    orders = list(db.session.scalars(select(Order).where(Order.customer_id == customer_id)))
    remember_erased("interactions", [i.external_id for i in interactions])
    remember_erased("orders", [o.external_id for o in orders])
    for interaction in interactions:
        interaction.note = interaction.agent = None
        interaction.external_id = _token()
    for order in orders:
        order.external_id = _token()
    db.session.execute(update(CustomerConsent).where(CustomerConsent.customer_id == customer_id)
                       .values(note=None).execution_options(synchronize_session=False))
    return len(interactions), len(orders)


def anonymise_customer(customer: Customer, now: datetime) -> None:
    """Remove the customer's identifiers; what analysis needs (region, kind, type, age band) stays."""
    set_identity(customer, name=None, phone=None, email=None, address=None)
    remember_erased("customers", [customer.external_id])
    customer.external_id = _token()
    customer.birth_year = customer.birth_year // 10 * 10 if customer.birth_year else None
    for purpose in ConsentPurpose.ALL:  # the history shows when and why everything stopped
        record_consent(customer, purpose, False, method="erasure", at=now)
    customer.source, customer.anonymised_at = None, now


def erase_customer(customer: Customer, *, reason: str, now: datetime | None = None,
                   log: bool = True) -> ErasureReport:
    """Erase one person across every table (see the module docstring); refuses one already erased."""
    if customer.anonymised_at is not None:
        raise ErasureError("이미 삭제(익명 처리)된 고객입니다 (already erased).")
    if not reason or not reason.strip():
        raise ErasureError("삭제 사유를 입력해 주십시오 (a reason is required).")
    now = now or utcnow()
    contact_ids = customer_contact_ids(customer.id)
    invitation_ids = list(db.session.scalars(select(Invitation.id).where(Invitation.contact_id.in_(contact_ids))))
    response_ids = list(db.session.scalars(select(Response.id).where(Response.invitation_id.in_(invitation_ids))))
    for step in _EXTRA_STEPS:
        step(customer, {"contacts": contact_ids, "invitations": invitation_ids, "responses": response_ids})
    _scrub_invitations(invitation_ids)
    blanked = _scrub_responses(response_ids)
    _unlink_post_calls(contact_ids, invitation_ids)
    purge_contacts(contact_ids)
    interactions, orders = _keep_records_anonymous(customer.id)
    anonymise_customer(customer, now)
    db.session.flush()
    db.session.expire_all()
    report = ErasureReport(customer.id, len(contact_ids), len(invitation_ids), len(response_ids), blanked,
                           interactions, orders, tuple(contact_ids))
    if log:
        log_access(AccessAction.ANONYMISE, SUBJECT, [customer.id], purpose=reason.strip(),
                   details={"request": "erasure", "contacts": len(contact_ids), "responses": len(response_ids)})
        if contact_ids:
            log_access(AccessAction.PURGE, CONTACT_SUBJECT, contact_ids, purpose=reason.strip(),
                       details={"request": "erasure", "customer": customer.id})
        record("customer.erase", "customer", customer.id, details={
            "contacts": len(contact_ids), "invitations": len(invitation_ids), "responses": len(response_ids),
            "texts_blanked": blanked, "interactions": interactions, "orders": orders})
    return report
