"""The only code that writes or reads customers' identifiers: encrypt, hash, mask, log.

The same scheme as contacts (``survey_app.privacy.contacts``): AES-GCM sealed columns bound to their
field, keyed hashes of phone and e-mail for look-ups, masked views unless the caller reveals (logged).
Writes flush and never commit.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, or_, select

from ..database import db
from ..models import AccessAction, Customer
from ..privacy.access_log import log_access
from ..privacy.crypto import key_ring, normalise_email, normalise_phone
from ..privacy.masking import mask_email, mask_name, mask_phone

SUBJECT = "customer"
FIELDS = ("name", "phone", "email", "address")


@dataclass(frozen=True)
class CustomerIdentity:
    """A customer's identifiers as shown to staff: masked unless ``masked`` is False."""

    name: str
    phone: str
    email: str
    address: str
    masked: bool


def mask_address(address: str) -> str:
    """Keep the first two words (시·도 and 시·군·구): 서울특별시 종로구 세종대로 209 → 서울특별시 종로구 ***."""
    words = address.split()
    return " ".join(words[:2] + (["***"] if len(words) > 2 else [])) if address else ""


def seal(value: str | None, field: str) -> bytes | None:
    """``value`` encrypted for the customer column ``field`` (None stays None)."""
    return key_ring().encrypt(value, f"customer.{field}") if value else None


def _open(blob: bytes | None, field: str) -> str:
    return key_ring().decrypt(blob, f"customer.{field}") if blob else ""


def lookup_hashes(phone: str | None, email: str | None) -> tuple[str | None, str | None]:
    """The keyed hashes used to find a customer (and link contacts) by phone or e-mail."""
    ring = key_ring()
    return (ring.lookup_hash_fast("phone", normalise_phone(phone)) if phone else None,
            ring.lookup_hash_fast("email", normalise_email(email)) if email else None)


def set_identity(customer: Customer, *, name: str | None, phone: str | None, email: str | None,
                 address: str | None = None) -> Customer:
    """Store the identifiers sealed, with look-up hashes for phone and e-mail."""
    customer.name_enc, customer.phone_enc = seal(name, "name"), seal(phone, "phone")
    customer.email_enc, customer.address_enc = seal(email, "email"), seal(address, "address")
    customer.phone_hash, customer.email_hash = lookup_hashes(phone, email)
    return customer


def find_customer(*, external_id: str | None = None, phone: str | None = None,
                  email: str | None = None) -> Customer | None:
    """The customer with this source-system id, else with this phone or e-mail (by keyed hash)."""
    if external_id:
        found = db.session.scalar(select(Customer).where(Customer.external_id == external_id))
        if found is not None:
            return found
    phone_hash, email_hash = lookup_hashes(phone, email)
    conditions = [c for h, c in ((phone_hash, Customer.phone_hash == phone_hash),
                                 (email_hash, Customer.email_hash == email_hash)) if h]
    if not conditions:
        return None
    return db.session.scalars(select(Customer).where(or_(*conditions), Customer.anonymised_at.is_(None))
                              .order_by(Customer.id).limit(1)).first()


def identity(customer: Customer, *, masked: bool = True) -> CustomerIdentity:
    """The identifiers for a screen; plaintext only with ``masked=False`` (use :func:`reveal`, which logs)."""
    name, phone, email, address = (_open(getattr(customer, f"{f}_enc"), f) for f in FIELDS)
    if masked:
        name, phone, email, address = mask_name(name), mask_phone(phone), mask_email(email), mask_address(address)
    return CustomerIdentity(name, phone, email, address, masked)


def reveal(customer: Customer, *, purpose: str) -> CustomerIdentity:
    """The unmasked identifiers, with the view written to the access log with its purpose."""
    log_access(AccessAction.VIEW_UNMASKED, SUBJECT, [customer.id], purpose=purpose)
    return identity(customer, masked=False)


def reencrypt(customer: Customer) -> bool:
    """Re-seal with the newest key and recompute hashes; True if anything changed (key rotation)."""
    ring = key_ring()
    blobs = [getattr(customer, f"{f}_enc") for f in FIELDS]
    plain = identity(customer, masked=False)
    hashes = lookup_hashes(plain.phone or None, plain.email or None)
    if not any(b is not None and not ring.is_current(b) for b in blobs) and hashes == (customer.phone_hash,
                                                                                     customer.email_hash):
        return False
    set_identity(customer, name=plain.name or None, phone=plain.phone or None, email=plain.email or None,
                 address=plain.address or None)
    return True


class IdentitySealer:
    """Seals the identifiers of many customers at once for an import: one cipher per field and chunk, and
    an unchanged value keeps its stored ciphertext, so re-importing the same file changes no row."""

    def __init__(self) -> None:
        self.ring = key_ring()
        self.any_stored = bool(db.session.scalar(select(exists().where(Customer.id.is_not(None)))))

    def _stored(self, external_ids: list[str]) -> dict[str, dict[str, bytes | None]]:
        if not self.any_stored or not external_ids:
            return {}
        columns = [getattr(Customer, f"{f}_enc") for f in FIELDS]
        rows = db.session.execute(select(Customer.external_id, *columns).where(Customer.external_id.in_(external_ids)))
        return {row[0]: dict(zip(FIELDS, row[1:], strict=True)) for row in rows}

    def seal(self, rows: list[dict]) -> None:
        """Replace each row's plaintext ``name``/``phone``/``email``/``address`` (those present) with
        ``<field>_enc`` and, for phone and e-mail, the look-up hash."""
        stored = self._stored([row["external_id"] for row in rows])
        for f in FIELDS:
            present = [row for row in rows if f in row]
            if not present:
                continue
            sealed = self.ring.encrypt_many([row[f] for row in present], f"customer.{f}")
            for row, blob in zip(present, sealed, strict=True):
                old = stored.get(row["external_id"], {}).get(f)
                row[f"{f}_enc"] = old if old is not None and _open(old, f) == row[f] else blob
        digest = self.ring.lookup_hash_fast
        for row in rows:  # the import wrote phones as 010-1234-5678 and e-mails normalised already
            if "phone" in row:
                row["phone_hash"] = digest("phone", row["phone"].replace("-", "")) if row["phone"] else None
            if "email" in row:
                row["email_hash"] = digest("email", row["email"]) if row["email"] else None
            for f in FIELDS:
                row.pop(f, None)
