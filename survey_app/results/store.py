"""Reading and writing :class:`~survey_app.models.StoredResult` rows, and the watermarks that say when one is stale.

Stale is worked out, not written: an open wave's *watermark* is the number of its complete responses and
the highest id among them, read with one grouped query when a result is asked for; a closed wave's is
``closed`` (it takes no more answers). A stored result whose
watermark differs from the wave's current one is stale. The respondent's POST writes nothing extra: a
shared "stale" row updated by every submission would make concurrent submissions wait on each other.
A full result's watermark covers every wave up to it (its trend shows them) and the settings it used.
"""
from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from ..database import db
from ..models import Response, ResponseStatus, StoredResult, Wave, WaveState, utcnow
from .codec import SCHEMA, encode

FULL, TREND = "full", "trend"
ALL = "all"


def scope_of(units: Collection[int] | None) -> tuple[str, list[int] | None]:
    """The scope key of a viewer's units (``all``, or a digest of the sorted ids) and the ids to keep."""
    if units is None:
        return ALL, None
    ids = sorted(int(u) for u in units)
    return "u:" + hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:32], ids


def watermarks(waves: Iterable[Wave]) -> dict[int, str]:
    """Each wave's watermark: ``count:max id`` of its complete responses (``0:0`` for none), counted in one
    grouped query over the open waves only. A closed wave takes no answers, so its watermark is ``closed``
    and costs no query: history of millions of responses is not counted on every page view. (A result
    stored while a wave was open is recomputed once after it closes.)"""
    marks = {wave.id: "closed" for wave in waves if wave.state == WaveState.CLOSED}
    ids = sorted({wave.id for wave in waves} - marks.keys())
    marks.update(dict.fromkeys(ids, "0:0"))
    if ids:
        rows = db.session.execute(
            select(Response.wave_id, func.count(), func.max(Response.id))
            .where(Response.wave_id.in_(ids), Response.status == ResponseStatus.COMPLETE)
            .group_by(Response.wave_id))
        marks.update({wave_id: f"{count}:{top}" for wave_id, count, top in rows})
    return marks


def complete_count(mark: str) -> int | None:
    """The number of complete responses a watermark records (None for a closed wave's)."""
    return None if mark == "closed" else int(mark.split(":", 1)[0])


def full_mark(waves: Sequence[Wave], wave: Wave, marks: dict[int, str], settings: str) -> str:
    """The watermark of ``wave``'s full result: every wave up to it (oldest first) and the settings."""
    parts = []
    for each in waves:
        parts.append(f"{each.id}={marks.get(each.id, '0:0')}")
        if each.id == wave.id:
            break
    return hashlib.sha256((";".join(parts) + "|" + settings).encode()).hexdigest()[:40]


def find(wave_id: int, kind: str, scope: str, confidence: float) -> StoredResult | None:
    """The stored row of a wave, kind, scope and confidence (None when never asked for)."""
    return db.session.scalar(select(StoredResult).where(
        StoredResult.wave_id == wave_id, StoredResult.kind == kind, StoredResult.scope == scope,
        StoredResult.confidence == confidence).execution_options(populate_existing=True))


def find_many(wave_ids: Collection[int], kind: str, scope: str, confidence: float) -> dict[int, StoredResult]:
    """Stored rows of several waves, by wave id."""
    if not wave_ids:
        return {}
    rows = db.session.scalars(select(StoredResult).where(
        StoredResult.wave_id.in_(list(wave_ids)), StoredResult.kind == kind, StoredResult.scope == scope,
        StoredResult.confidence == confidence).execution_options(populate_existing=True))
    return {row.wave_id: row for row in rows}


def usable(row: StoredResult | None) -> bool:
    """Whether a row holds a result this code can read."""
    return row is not None and row.payload is not None and row.schema == SCHEMA


def is_fresh(row: StoredResult | None, mark: str) -> bool:
    """Whether a row holds a readable result computed from the answers ``mark`` describes."""
    return usable(row) and row.watermark == mark


def _upsert(key: dict, values: dict) -> None:
    """Insert the row of ``key`` or update its ``values``: two viewers storing at once never collide."""
    dialect = db.session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(StoredResult).values(**key, **values)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["wave_id", "kind", "scope", "confidence"], set_=values))


def _key(wave_id: int, kind: str, scope: str, confidence: float) -> dict:
    return {"wave_id": wave_id, "kind": kind, "scope": scope, "confidence": confidence}


def save(wave_id: int, kind: str, units: Collection[int] | None, confidence: float, mark: str, result,
         seconds: float) -> datetime:
    """Store a computed result with the watermark it was computed from; returns its computing time."""
    scope, ids = scope_of(units)
    now = utcnow()
    _upsert(_key(wave_id, kind, scope, confidence),
            {"units": ids, "schema": SCHEMA, "watermark": mark, "payload": encode(result), "computed_at": now,
             "compute_seconds": seconds, "started_at": None, "error": None, "error_mark": None, "requested_at": None})
    return now


def request(wave_id: int, kind: str, units: Collection[int] | None, confidence: float) -> None:
    """Ask the ``results-refresh`` job for this result (a row without a result is created when none exists)."""
    scope, ids = scope_of(units)
    row = find(wave_id, kind, scope, confidence)
    if row is None:
        _upsert(_key(wave_id, kind, scope, confidence),
                {"units": ids, "schema": SCHEMA, "watermark": "", "requested_at": utcnow()})
    elif row.requested_at is None:
        row.requested_at = utcnow()
        db.session.flush()
