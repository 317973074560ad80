"""열람·정정 요청: everything held on one person (disclosure) and corrections to their record (rectification).

Both are personal-data accesses written to the access log with their purpose; a correction is audited too.
Flushes, never commits.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select

from ..audit import record
from ..database import db
from ..models import (
    AccessAction,
    Answer,
    Contact,
    Customer,
    CustomerConsent,
    Interaction,
    Invitation,
    Order,
    PersonalDataAccess,
    PersonalDataSubject,
    Response,
    Wave,
)
from ..privacy.access_log import log_access
from ..privacy.contacts import SUBJECT as CONTACT_SUBJECT
from ..privacy.contacts import view as contact_view
from .identity import SUBJECT, identity, lookup_hashes, set_identity
from .links import link_contacts

DISCLOSE = "disclose"  # details["request"] of the access-log row of a 열람 request


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(obj: Any, names: tuple[str, ...]) -> dict:
    return {n: _plain(getattr(obj, n)) for n in names}


CUSTOMER_FIELDS = ("external_id", "kind", "birth_year", "gender", "region", "customer_type", "joined_on",
                   "consent_survey", "consent_marketing", "consent_analysis", "created_at", "updated_at",
                   "anonymised_at", "source")
INTERACTION_FIELDS = ("external_id", "occurred_at", "channel", "agent", "topic_code", "outcome", "note")
ORDER_FIELDS = ("external_id", "ordered_at", "category", "product", "amount", "quantity", "status",
                "delivered_on", "returned_on")


def _contacts(customer_id: int) -> list[dict]:
    found = []
    for contact in db.session.scalars(select(Contact).where(Contact.customer_id == customer_id).order_by(Contact.id)):
        shown = contact_view(contact, masked=False)
        invitations = []
        for invitation, wave in db.session.execute(select(Invitation, Wave).join(Wave, Wave.id == Invitation.wave_id)
                                                   .where(Invitation.contact_id == contact.id)):
            responses = [{"id": r.id, "status": r.status, "started_at": _plain(r.started_at),
                          "finished_at": _plain(r.finished_at), "answers": _answers(r.id)}
                         for r in db.session.scalars(select(Response).where(Response.invitation_id == invitation.id))]
            invitations.append({"wave": wave.code, "wave_name": wave.name, "channel": invitation.channel,
                                "status": invitation.status, "sent_at": _plain(invitation.sent_at),
                                "hidden": invitation.hidden, "responses": responses})
        found.append({"id": contact.id, "name": shown.name, "phone": shown.phone, "email": shown.email,
                      "attributes": shown.attributes, "consent": contact.consent,
                      "opted_out_at": _plain(contact.opted_out_at), "created_at": _plain(contact.created_at),
                      "invitations": invitations})
    return found


def _answers(response_id: int) -> list[dict]:
    return [{"question": a.question_code, "number": a.value_num, "choice": a.choice, "text": a.value_text}
            for a in db.session.scalars(select(Answer).where(Answer.response_id == response_id)
                                        .order_by(Answer.question_code, Answer.position))]


def _accesses(customer_id: int, contact_ids: list[int]) -> list[dict]:
    """Who accessed this person's data: access-log rows naming the customer or one of their contacts."""
    touched = select(PersonalDataSubject.access_id).where(or_(
        (PersonalDataSubject.subject_type == SUBJECT) & (PersonalDataSubject.subject_id == customer_id),
        (PersonalDataSubject.subject_type == CONTACT_SUBJECT) & PersonalDataSubject.subject_id.in_(contact_ids)))
    rows = db.session.scalars(select(PersonalDataAccess).where(PersonalDataAccess.id.in_(touched))
                              .order_by(PersonalDataAccess.occurred_at))
    return [{"at": _plain(e.occurred_at), "actor": e.actor_name, "address": e.actor_address,
             "action": AccessAction.LABELS.get(e.action, e.action), "subject": e.subject_type, "purpose": e.purpose}
            for e in rows]


def disclosure(customer: Customer, *, purpose: str) -> dict:
    """Everything held on the person, unmasked; the disclosure itself is written to the access log first."""
    contact_ids = list(db.session.scalars(select(Contact.id).where(Contact.customer_id == customer.id)))
    log_access(AccessAction.VIEW_UNMASKED, SUBJECT, [customer.id], purpose=purpose, details={"request": DISCLOSE})
    if contact_ids:
        log_access(AccessAction.VIEW_UNMASKED, CONTACT_SUBJECT, contact_ids, purpose=purpose,
                   details={"request": DISCLOSE, "customer": customer.id})
    who = identity(customer, masked=False)
    consents = db.session.scalars(select(CustomerConsent).where(CustomerConsent.customer_id == customer.id)
                                  .order_by(CustomerConsent.recorded_at, CustomerConsent.id))
    return {
        "customer": {**_row(customer, CUSTOMER_FIELDS), "name": who.name, "phone": who.phone, "email": who.email,
                     "address": who.address, "office": customer.org_unit.name if customer.org_unit else None},
        "consent_history": [{"purpose": c.purpose, "granted": c.granted, "at": _plain(c.recorded_at),
                             "method": c.method, "note": c.note} for c in consents],
        "contacts": _contacts(customer.id),
        "interactions": [_row(i, INTERACTION_FIELDS) | {"office": i.org_unit.name if i.org_unit else None}
                         for i in db.session.scalars(select(Interaction).where(Interaction.customer_id == customer.id)
                                                     .order_by(Interaction.occurred_at))],
        "orders": [_row(o, ORDER_FIELDS) for o in db.session.scalars(
            select(Order).where(Order.customer_id == customer.id).order_by(Order.ordered_at))],
        "accessed_by": _accesses(customer.id, contact_ids),
    }


IDENTIFIERS = ("name", "phone", "email", "address")
PLACE_FIELDS = ("region", "org_unit_id", "kind", "customer_type")


def rectify(customer: Customer, *, reason: str, identifiers: dict[str, str | None],
            place: dict[str, Any]) -> list[str]:
    """Correct identifiers (a value given replaces the stored one) and place fields; returns what changed."""
    current = identity(customer, masked=False)
    merged = {f: (identifiers.get(f) or "").strip() or getattr(current, f) or None for f in IDENTIFIERS}
    changed = [f for f in IDENTIFIERS if (merged[f] or "") != (getattr(current, f) or "")]
    changed += [f for f in PLACE_FIELDS if f in place and place[f] != getattr(customer, f)]
    if not changed:
        return []
    if any(f in IDENTIFIERS for f in changed):
        set_identity(customer, **merged)
    for f in PLACE_FIELDS:
        if f in place:
            setattr(customer, f, place[f])
    db.session.flush()
    log_access(AccessAction.EDIT, SUBJECT, [customer.id], purpose=reason, details={"fields": changed})
    record("customer.rectify", "customer", customer.id, details={"fields": changed})
    _link_new_contacts(customer)
    return changed


def _link_new_contacts(customer: Customer) -> None:
    """Contacts carrying the corrected phone or e-mail now resolve to the customer."""
    who = identity(customer, masked=False)
    phone_hash, email_hash = lookup_hashes(who.phone or None, who.email or None)
    conditions = [c for h, c in ((phone_hash, Contact.phone_hash == phone_hash),
                                 (email_hash, Contact.email_hash == email_hash)) if h]
    if conditions:
        ids = list(db.session.scalars(select(Contact.id).where(or_(*conditions), Contact.customer_id.is_(None))))
        if ids:
            link_contacts(ids)
