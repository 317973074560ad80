"""The suppression list of erased people: their source-system ids (customer, order and call numbers) kept
only as keyed hashes, so an old file re-imported or a record pushed again by the source system does not
bring an erased person back. Imports skip such rows and say how many."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..database import db
from ..models import ErasedRecord, utcnow
from ..privacy.crypto import key_ring


def erased_key(kind: str, external_id: str) -> str:
    """The keyed hash under which an erased id of ``kind`` (customers, orders, interactions) is remembered."""
    return key_ring().lookup_hash_fast(f"erased-{kind}", external_id.strip())


def remember_erased(kind: str, external_ids: Iterable[str]) -> None:
    """Add ids to the suppression list (ids already on it are left alone). Flushes only."""
    keys = {erased_key(kind, i) for i in external_ids if i}
    known = set(db.session.scalars(select(ErasedRecord.key_hash).where(ErasedRecord.kind == kind,
                                                                       ErasedRecord.key_hash.in_(keys))))
    db.session.add_all(ErasedRecord(kind=kind, key_hash=k, erased_at=utcnow()) for k in sorted(keys - known))
    db.session.flush()


def erased_keys(kind: str) -> frozenset[str]:
    """Every remembered key of ``kind`` (a short list: one per erased person and their records)."""
    return frozenset(db.session.scalars(select(ErasedRecord.key_hash).where(ErasedRecord.kind == kind)))
