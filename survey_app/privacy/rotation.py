"""Key rotation: re-encrypt personal data with the newest data key and recompute lookup hashes.

Rotating a configured key: put the new key first in ``SURVEY_DATA_KEYS`` (keep the old ones after it),
run ``survey-app rotate-keys``, then remove the old keys. With instance-folder keys,
``survey-app rotate-keys --new-key`` adds the new key itself.
"""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..customers.identity import reencrypt as reencrypt_customer
from ..database import db
from ..models import AccessAction, Contact, Customer, User
from .access_log import log_access
from .contacts import reencrypt
from .crypto import key_ring, new_key
from .files import write_private

BATCH = 1000
TOTP_CONTEXT = "user.totp"


def keys_are_configured() -> bool:
    """Whether the data keys come from settings (not from the instance folder)."""
    return bool(current_app.config.get("DATA_KEYS"))


def add_instance_key() -> None:
    """Put a fresh key first in the instance folder's key file (older keys stay for decryption)."""
    path = Path(current_app.instance_path) / "data_keys"
    key_ring()  # make sure the file exists
    old = path.read_text().strip()
    write_private(path, (new_key() + "\n" + old + "\n").encode("ascii"))
    current_app.extensions.pop("survey_key_ring", None)


def _rotate(model, reseal) -> int:
    """Re-seal every row of ``model`` (contacts, customers) in id order, a batch at a time."""
    changed, last_id = 0, 0
    while True:
        batch = db.session.scalars(select(model).where(model.id > last_id).order_by(model.id).limit(BATCH)).all()
        if not batch:
            return changed
        changed += sum(reseal(row) for row in batch)
        last_id = batch[-1].id
        db.session.flush()


def _rotate_totp_secrets() -> int:
    ring, changed = key_ring(), 0
    for user in db.session.scalars(select(User).where(User.totp_secret_enc.is_not(None))):
        if not ring.is_current(user.totp_secret_enc):
            user.totp_secret_enc = ring.encrypt(ring.decrypt(user.totp_secret_enc, TOTP_CONTEXT), TOTP_CONTEXT)
            changed += 1
    return changed


def rotate_keys() -> tuple[int, int, int]:
    """Re-encrypt whatever is not under the newest key; returns (contacts, users, customers) changed.
    Flushes only."""
    contacts, users = _rotate(Contact, reencrypt), _rotate_totp_secrets()
    customers = _rotate(Customer, reencrypt_customer)
    log_access(AccessAction.KEY_ROTATION, "contact", [], details={"contacts": contacts, "totp_secrets": users,
                                                                   "customers": customers})
    return contacts, users, customers
