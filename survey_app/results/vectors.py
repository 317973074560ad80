"""Packed answer vectors: each complete response's numeric answers in one row, so a wave loads at database speed.

The long form (one ``answers`` row per answer) stays the record. An ``answer_vectors`` row holds the same
numbers for one complete response: one little-endian float64 per code of the wave's matrix layout
(:func:`~survey_app.results.loading.numeric_codes` of its questionnaire; ``layout`` is a digest of those
codes), ``NaN`` where the response has no numeric answer. 모름/해당없음 codes are kept as given and become
``NaN`` when loaded, as from the long form.

- The results job packs the responses completed since it last ran (:func:`pack_new`) after it has stored a
  wave's result (:func:`survey_app.results.stored.recompute`); the respondent's POST writes nothing extra.
- Loading (:func:`survey_app.results.loading.load_matrix`) reads the wave's vectors (on PostgreSQL joined in SQL a block of responses
  at a time, each block one ``np.frombuffer``) and reads any response not packed yet from the long form, so
  a result is the same with or without vectors, only faster.
- Triggers on ``answers`` (migration 0022) delete a response's vector whenever one of its answers is
  inserted, changed or deleted (an erasure, a correction), so no vector is older than its answers; the
  next run of the job packs it again.

For 1,000,000 responses x 30 codes the vectors load in 1.6 s where the long form's 30 million rows took
19–27 s on the same machine (``benchmarks/bench_analysis_report.py``; docs/benchmarks.md).
"""
from __future__ import annotations

import numpy as np
from sqlalchemy import delete, exists, insert, select
from sqlalchemy.exc import IntegrityError

from questionnaires import Questionnaire

from ..database import db
from ..models import AnswerVector, Response, ResponseStatus
from .loading import _postgresql, layout_of, load_answers, numeric_codes

PACK_CHUNK = 65_536
"""Responses packed per step: the long form of a step is read, packed and written before the next."""

COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" * 2  # header: signature, flags, no extension
COPY_TRAILER = b"\xff\xff"


# --- writing -------------------------------------------------------------------------------------

def _unpacked_ids(wave_id: int, layout: str) -> np.ndarray:
    """Ids of the wave's complete responses without a vector of ``layout``, ascending."""
    vector = select(AnswerVector.response_id).where(AnswerVector.response_id == Response.id,
                                                   AnswerVector.layout == layout)
    ids = db.session.scalars(select(Response.id).where(Response.wave_id == wave_id,
                                                       Response.status == ResponseStatus.COMPLETE, ~exists(vector))
                             .order_by(Response.id))
    return np.fromiter(ids, dtype=np.int64)


def _copy_records(wave_id: int, layout: str, ids: np.ndarray, values: np.ndarray) -> bytes:
    """Rows of ``answer_vectors`` in PostgreSQL's binary COPY format, built by numpy (fixed-size records)."""
    width = values.shape[1]
    record = np.dtype([("fields", ">i2"), ("rid_len", ">i4"), ("rid", ">i4"), ("wave_len", ">i4"), ("wave", ">i4"),
                       ("layout_len", ">i4"), ("layout", "S16"), ("values_len", ">i4"), ("values", "<f8", (width,))])
    rows = np.empty(len(ids), dtype=record)
    rows["fields"], rows["rid_len"], rows["wave_len"], rows["layout_len"] = 4, 4, 4, 16
    rows["rid"], rows["wave"], rows["layout"] = ids, wave_id, layout.encode("ascii")
    rows["values_len"], rows["values"] = 8 * width, values
    return COPY_SIGNATURE + rows.tobytes() + COPY_TRAILER


def _write(wave_id: int, layout: str, ids: np.ndarray, values: np.ndarray) -> None:
    """Store vectors in the session's transaction: binary COPY on PostgreSQL, one executemany elsewhere."""
    if _postgresql():
        connection = db.session.connection()
        raw = connection.connection.driver_connection
        try:
            with raw.cursor() as cursor, cursor.copy(
                    "COPY answer_vectors (response_id, wave_id, layout, packed) FROM STDIN (FORMAT binary)") as copy:
                copy.write(_copy_records(wave_id, layout, ids, values))
        except connection.dialect.loaded_dbapi.IntegrityError as exc:  # as SQLAlchemy raises it elsewhere
            raise IntegrityError("COPY answer_vectors", None, exc) from exc
        return
    packed = np.ascontiguousarray(values, dtype="<f8")
    db.session.execute(insert(AnswerVector.__table__), [
        {"response_id": int(rid), "wave_id": wave_id, "layout": layout, "packed": packed[i].tobytes()}
        for i, rid in enumerate(ids)])


def pack_new(wave_id: int, questionnaire: Questionnaire, *, chunk: int = PACK_CHUNK) -> int:
    """Pack the wave's complete responses that have no current vector; returns how many were packed.

    Vectors of another layout (the wave's questionnaire changed its codes) are dropped first. Runs in the
    session's transaction and does not commit (the job commits at once).
    """
    codes = numeric_codes(questionnaire)
    layout = layout_of(codes)
    db.session.execute(delete(AnswerVector).where(AnswerVector.wave_id == wave_id, AnswerVector.layout != layout))
    ids = _unpacked_ids(wave_id, layout)
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        _write(wave_id, layout, part, load_answers(wave_id, part, codes))
    return len(ids)
