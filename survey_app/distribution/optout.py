"""수신거부: a person's unsubscribe, honoured at once across every survey (pending messages are cancelled)."""
from __future__ import annotations

from sqlalchemy import or_, select, update

from ..audit import record
from ..customers.consent import record_consent
from ..database import db
from ..models import ConsentPurpose, Contact, Customer, Invitation, OutboxMessage, OutboxStatus, hash_token, utcnow


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a personal or unsubscribe link belongs to."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def opt_out(contact: Contact, *, via: str) -> int:
    """Mark the contact opted out (if not already) and cancel every message not yet sent to them.
    Returns how many messages were cancelled. Flushes only."""
    if contact.opted_out_at is None:
        contact.opted_out_at = utcnow()
        record("contact.opt_out", "contact", contact.id, details={"via": via})
    their_invitations = select(Invitation.id).where(Invitation.contact_id == contact.id)
    theirs = or_(OutboxMessage.invitation_id.in_(their_invitations), OutboxMessage.contact_id == contact.id)
    if contact.customer_id is not None:  # customer messages (case replies …) wait for the person too
        theirs = or_(theirs, OutboxMessage.customer_id == contact.customer_id)
    cancelled = db.session.execute(
        update(OutboxMessage).where(theirs, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED, last_error="수신거부 (opted out)")
        .execution_options(synchronize_session=False)).rowcount or 0
    db.session.flush()
    customer = db.session.get(Customer, contact.customer_id) if contact.customer_id else None
    if customer is not None:  # an unsubscribe withdraws the person's survey consent everywhere
        record_consent(customer, ConsentPurpose.SURVEY, False, method="unsubscribe", note=via)
    return cancelled
