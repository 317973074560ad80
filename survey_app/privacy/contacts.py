"""The only code that writes or reads contacts' personal fields: encrypt, hash, mask, log.

Screens and exports get :class:`ContactView` objects, masked unless the caller asked for plaintext
(and then the access is logged by :func:`reveal`). Writes flush and never commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select

from ..customers.links import link_contacts
from ..database import db
from ..models import AccessAction, Contact
from .access_log import log_access
from .crypto import key_ring
from .masking import mask_email, mask_name, mask_phone

SUBJECT = "contact"
FIELDS = ("name", "phone", "email")


@dataclass(frozen=True)
class ContactView:
    """A contact as shown to staff: identifiers masked unless ``masked`` is False."""

    id: int
    name: str
    phone: str
    email: str
    masked: bool
    org_unit_id: int | None
    attributes: dict


def _seal(value: str | None, field: str) -> bytes | None:
    return key_ring().encrypt(value, f"contact.{field}") if value else None


def _open(blob: bytes | None, field: str) -> str:
    return key_ring().decrypt(blob, f"contact.{field}") if blob else ""


def set_identity(contact: Contact, *, name: str | None, phone: str | None, email: str | None) -> Contact:
    """Store the contact's identifiers encrypted, with lookup hashes for phone and e-mail."""
    ring = key_ring()
    contact.name_enc, contact.phone_enc, contact.email_enc = _seal(name, "name"), _seal(phone, "phone"), _seal(email, "email")
    contact.phone_hash = ring.phone_hash(phone) if phone else None
    contact.email_hash = ring.email_hash(email) if email else None
    return contact


def find_contact(*, phone: str | None = None, email: str | None = None) -> Contact | None:
    """An existing contact with this phone number or e-mail (by keyed hash), for de-duplication."""
    ring, conditions = key_ring(), []
    if phone:
        conditions.append(Contact.phone_hash == ring.phone_hash(phone))
    if email:
        conditions.append(Contact.email_hash == ring.email_hash(email))
    if not conditions:
        return None
    return db.session.scalars(select(Contact).where(or_(*conditions)).order_by(Contact.id).limit(1)).first()


def add_contact(*, name: str | None = None, phone: str | None = None, email: str | None = None,
                org_unit_id: int | None = None, attributes: dict[str, Any] | None = None,
                consent: bool = False, source: str | None = None) -> tuple[Contact, bool]:
    """The contact with this phone/e-mail, created if new and linked to its customer; returns (contact, created)."""
    existing = find_contact(phone=phone, email=email)
    if existing is not None:
        return existing, False
    contact = Contact(org_unit_id=org_unit_id, attributes=attributes or {}, consent=consent, source=source)
    set_identity(contact, name=name, phone=phone, email=email)
    db.session.add(contact)
    db.session.flush()
    if link_contacts([contact.id]):
        db.session.refresh(contact)
    return contact, True


def view(contact: Contact, *, masked: bool = True) -> ContactView:
    """The contact for a screen or an export row; plaintext only with ``masked=False`` (log it!)."""
    name, phone, email = (_open(getattr(contact, f"{f}_enc"), f) for f in FIELDS)
    if masked:
        name, phone, email = mask_name(name), mask_phone(phone), mask_email(email)
    return ContactView(contact.id, name, phone, email, masked, contact.org_unit_id, dict(contact.attributes or {}))


def reveal(contact: Contact, *, purpose: str | None = None) -> ContactView:
    """The unmasked contact, with the view written to the access log."""
    log_access(AccessAction.VIEW_UNMASKED, SUBJECT, [contact.id], purpose=purpose)
    return view(contact, masked=False)


def reencrypt(contact: Contact) -> bool:
    """Re-seal the contact's fields with the newest key and recompute hashes; True if anything changed."""
    ring = key_ring()
    blobs = [getattr(contact, f"{f}_enc") for f in FIELDS]
    name, phone, email = (_open(b, f) for b, f in zip(blobs, FIELDS, strict=True))
    hashes = (ring.phone_hash(phone) if phone else None, ring.email_hash(email) if email else None)
    stale_key = any(b is not None and not ring.is_current(b) for b in blobs)
    if not stale_key and hashes == (contact.phone_hash, contact.email_hash):
        return False
    set_identity(contact, name=name or None, phone=phone or None, email=email or None)
    return True


def purge_contacts(contact_ids: list[int]) -> None:
    """Delete contacts (retention, erasure); invitations, skips and post-call records keep no link to them."""
    if contact_ids:
        db.session.execute(delete(Contact).where(Contact.id.in_(contact_ids))
                           .execution_options(synchronize_session=False))
