"""Wave results computed once, kept, and refreshed in the background.

:func:`served_result` is what the results page, the workbook download and the report e-mails ask for:

- a stored result whose answers have not changed (see :mod:`.store` for the watermark) is served as
  stored, without loading a single answer;
- a stale or missing result of a wave with at most ``RESULTS_INLINE_MAX_RESPONSES`` complete responses is
  computed while the caller waits, and stored;
- a larger wave's stale result is served as stored, marked stale and requested: the scheduler's
  ``results-refresh`` job (:func:`refresh_stale`) recomputes it; the page says when the shown result was
  computed and how far the new computation has come. A large wave never computed yet is requested and
  the page says it is being computed.

Stored results carry their trend; trend points of earlier waves are stored per wave (``build.trend_scores``),
so neither a report nor a refresh rescores history.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from questionnaires import QuestionnaireError

from ..database import db
from ..models import Response, ResponseStatus, StoredResult, Wave, utcnow
from . import store, vectors
from .build import survey_waves, wave_result, weighting_digest
from .codec import decode
from .model import WaveResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Served:
    """A result as served: ``result`` (None while a first computation is awaited), when it was computed, whether
    newer answers exist (``stale``), and the state of a recomputation: ``requested_at``, ``started_at`` and
    ``expected_seconds`` (how long the last computation took)."""

    result: WaveResult | None
    computed_at: datetime | None
    stale: bool
    requested_at: datetime | None = None
    started_at: datetime | None = None
    expected_seconds: float | None = None

    @property
    def progress(self) -> int | None:
        """Percent of the expected time a running recomputation has used (at most 95), or None."""
        if self.started_at is None or not self.expected_seconds:
            return None
        elapsed = (utcnow() - self.started_at).total_seconds()
        return max(0, min(95, int(100 * elapsed / self.expected_seconds)))


def _settings(survey_id: int) -> str:
    """The settings a full result depends on: the courtesy minimum and the survey's weighting (targets are
    compared when a result is shown, so changing one needs no recomputation)."""
    return (f"min_evaluations={current_app.config.get('COURTESY_MIN_EVALUATIONS', 3)}"
            f";weighting={weighting_digest(survey_id)}")


def current_mark(wave: Wave) -> tuple[str, str]:
    """The watermark a fresh full result of ``wave`` must carry, and the wave's own watermark."""
    waves = survey_waves(wave.survey_id)
    marks = store.watermarks(waves)
    return store.full_mark(waves, wave, marks, _settings(wave.survey_id)), marks[wave.id]


def _complete(wave: Wave, own: str) -> int:
    """The wave's complete responses: from its watermark, or counted when it is closed."""
    complete = store.complete_count(own)
    if complete is None:
        complete = db.session.scalar(select(func.count()).select_from(Response).where(
            Response.wave_id == wave.id, Response.status == ResponseStatus.COMPLETE))
    return complete


def compute_and_store(wave: Wave, units: Collection[int] | None, confidence: float, mark: str) -> WaveResult:
    """Compute the full result now and store it with ``mark``."""
    started = time.perf_counter()
    result = wave_result(wave, units=units, confidence=confidence)
    store.save(wave.id, store.FULL, units, confidence, mark, result, time.perf_counter() - started)
    return result


def recompute(wave: Wave, units: Collection[int] | None, confidence: float, mark: str) -> WaveResult:
    """The background job's computation: compute and store (from the packed vectors and the long form of the
    responses not packed yet), commit, then pack those responses for the next run (:func:`.vectors.pack_new`;
    committed at once). Packing after storing keeps the first computation of a large wave as quick as without
    vectors; the next ones read almost every answer packed."""
    result = compute_and_store(wave, units, confidence, mark)
    db.session.commit()
    try:
        if vectors.pack_new(wave.id, wave.version.questionnaire):
            db.session.commit()
    except IntegrityError:  # another process (the command line beside the scheduler) packed them first
        db.session.rollback()
        log.info("answers of wave %s were packed by another process meanwhile", wave.code)
    return result


def served_result(wave: Wave, *, units: Collection[int] | None = None, confidence: float = 0.95) -> Served:
    """The wave's result for ``units`` (see the module docstring). Raises QuestionnaireError or ValueError
    when a result computed now cannot be."""
    scope, _ids = store.scope_of(units)
    row = store.find(wave.id, store.FULL, scope, confidence)
    mark, own = current_mark(wave)
    if store.is_fresh(row, mark):
        return Served(decode(row.payload), row.computed_at, stale=False)
    if _complete(wave, own) <= current_app.config["RESULTS_INLINE_MAX_RESPONSES"]:
        result = compute_and_store(wave, units, confidence, mark)
        return Served(result, datetime.fromisoformat(result.generated_at), stale=False)
    store.request(wave.id, store.FULL, units, confidence)
    row = store.find(wave.id, store.FULL, scope, confidence)
    shown = decode(row.payload) if store.usable(row) else None
    return Served(shown, row.computed_at if shown else None, stale=True, requested_at=row.requested_at,
                  started_at=row.started_at, expected_seconds=row.compute_seconds)


def fresh_result(wave: Wave, *, units: Collection[int] | None = None, confidence: float = 0.95) -> WaveResult:
    """The wave's result from its current answers: the stored one when they have not changed, else computed
    now and stored (for report e-mails and the command line, which may wait and must not send stale numbers)."""
    scope, _ids = store.scope_of(units)
    row = store.find(wave.id, store.FULL, scope, confidence)
    mark, _own = current_mark(wave)
    if store.is_fresh(row, mark):
        return decode(row.payload)
    return compute_and_store(wave, units, confidence, mark)


# --- the background job ----------------------------------------------------------------------------

def stale_rows() -> list[StoredResult]:
    """Stored full results whose answers changed (or never computed, or of another shape), requested first;
    one that failed is tried again when a viewer asks for it again or its answers change.

    Results of everyone's scope are kept fresh; a limited viewer's (one office's, one region's) only once
    that viewer asks again (``requested_at``): a national wave viewed by hundreds of offices would otherwise
    be recomputed for each of them whenever an answer arrives, whether or not anyone looks."""
    rows = db.session.scalars(select(StoredResult).where(
        StoredResult.kind == store.FULL,
        (StoredResult.scope == store.ALL) | StoredResult.requested_at.is_not(None))).all()
    marks: dict[int, str] = {}
    found = []
    for row in rows:
        if row.wave_id not in marks:
            marks[row.wave_id] = current_mark(db.session.get(Wave, row.wave_id))[0]
        failed = row.error is not None and row.requested_at is None and row.error_mark == marks[row.wave_id]
        if not failed and not store.is_fresh(row, marks[row.wave_id]):
            found.append(row)
    return sorted(found, key=lambda r: (r.requested_at is None, r.requested_at or utcnow(), r.id))


def _refresh(row: StoredResult) -> str:
    wave = db.session.get(Wave, row.wave_id)
    row.started_at, row.error = utcnow(), None
    db.session.commit()  # the page shows that the computation has begun
    mark = current_mark(wave)[0]
    try:
        result = recompute(wave, row.units, row.confidence, mark)
    except (QuestionnaireError, ValueError) as exc:
        db.session.rollback()
        row.started_at, row.error, row.requested_at, row.error_mark = None, str(exc)[:500], None, mark
        db.session.commit()
        return f"{wave.code}: 계산할 수 없습니다 ({exc})"
    db.session.commit()
    return f"{wave.code}: {result.n}건 다시 계산"


def refresh_stale(max_seconds: float | None = None) -> list[str]:
    """Recompute stale stored results, most recently requested first; one line per result. Commits each."""
    deadline = time.monotonic() + (max_seconds if max_seconds is not None else float("inf"))
    lines = []
    for row in stale_rows():
        if time.monotonic() > deadline:
            break
        lines.append(_refresh(row))
    return lines
