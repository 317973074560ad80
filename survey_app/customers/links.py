"""Links from contacts (and through them invitations, responses and post-call records) to customers.

Set-based and idempotent: a contact is linked to the customer with the same keyed hash of its phone or
e-mail (the customer's external id wins when a contact carries one), in whichever order they arrived, so
a customer imported later picks up its earlier responses. A customer who withdrew survey consent makes
every linked contact opted out at once. Flushes, never commits.
"""
from __future__ import annotations

from sqlalchemy import and_, exists, func, select, update

from ..database import db
from ..models import Contact, Customer, Invitation, OutboxMessage, OutboxStatus, utcnow


def _live_customer_with(column_name: str):
    customer_column, contact_column = getattr(Customer, column_name), getattr(Contact, column_name)
    return and_(customer_column == contact_column, Customer.anonymised_at.is_(None))


def link_contacts(contact_ids: list[int] | None = None) -> int:
    """Link unlinked contacts (all, or those given) to their customer by phone, then e-mail; returns the count."""
    linked = 0
    for column_name in ("phone_hash", "email_hash"):
        match = _live_customer_with(column_name)
        statement = (update(Contact)
                     .where(Contact.customer_id.is_(None), getattr(Contact, column_name).is_not(None),
                            exists().where(match))
                     .values(customer_id=select(func.min(Customer.id)).where(match).scalar_subquery())
                     .execution_options(synchronize_session=False))
        if contact_ids is not None:
            statement = statement.where(Contact.id.in_(contact_ids))
        linked += db.session.execute(statement).rowcount or 0
    honour_survey_withdrawals(contact_ids)
    db.session.flush()
    return linked


def honour_survey_withdrawals(contact_ids: list[int] | None = None) -> int:
    """Opt out every contact whose customer withdrew survey consent, and cancel what waits for them."""
    withdrawn = select(Customer.id).where(Customer.consent_survey.is_(False))
    targets = select(Contact.id).where(Contact.customer_id.in_(withdrawn), Contact.opted_out_at.is_(None))
    if contact_ids is not None:
        targets = targets.where(Contact.id.in_(contact_ids))
    ids = list(db.session.scalars(targets))
    if not ids:
        return 0
    db.session.execute(update(Contact).where(Contact.id.in_(ids)).values(opted_out_at=utcnow())
                       .execution_options(synchronize_session=False))
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.invitation_id.in_(select(Invitation.id).where(Invitation.contact_id.in_(ids))),
               OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED, last_error="설문 조사 동의 철회 (survey consent withdrawn)")
        .execution_options(synchronize_session=False))
    db.session.expire_all()
    return len(ids)


def customer_contact_ids(customer_id: int) -> list[int]:
    """The contacts that resolve to this customer."""
    return list(db.session.scalars(select(Contact.id).where(Contact.customer_id == customer_id)))
