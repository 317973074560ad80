"""Packed answer vectors: each complete response's numeric answers in one row, so a wave loads at database speed.

The long form (one ``answers`` row per answer) stays the record. An ``answer_vectors`` row holds the same
numbers for one complete response: one little-endian float64 per code of the wave's matrix layout
(:func:`~survey_app.results.loading.numeric_codes` of its questionnaire; ``layout`` is a digest of those
codes), ``NaN`` where the response has no numeric answer. 모름/해당없음 codes are kept as given and become
``NaN`` when loaded, as from the long form.

- The results job packs the responses completed since it last ran (:func:`pack_new`) after it has stored a
  wave's result (:func:`survey_app.results.stored.recompute`); the respondent's POST writes nothing extra.
- Loading (:func:`load_matrix`) reads the wave's vectors (on PostgreSQL joined in SQL a block of responses
  at a time, each block one ``np.frombuffer``) and reads any response not packed yet from the long form, so
  a result is the same with or without vectors, only faster.
- Triggers on ``answers`` (migration 0022) delete a response's vector whenever one of its answers is
  inserted, changed or deleted (an erasure, a correction), so no vector is older than its answers; the
  next run of the job packs it again.

For 1,000,000 responses x 30 codes the vectors load in 1.6 s where the long form's 30 million rows took
19–27 s on the same machine (``benchmarks/bench_analysis_report.py``; docs/benchmarks.md).
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from sqlalchemy import delete, exists, insert, select, text
from sqlalchemy.exc import IntegrityError

from questionnaires import Questionnaire

from ..database import db
from ..models import AnswerVector, Response, ResponseStatus
from .loading import BLOCK, _postgresql, _raw_stream, _stream, load_answers, numeric_codes

PACK_CHUNK = 65_536
"""Responses packed per step: the long form of a step is read, packed and written before the next."""

COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" * 2  # header: signature, flags, no extension
COPY_TRAILER = b"\xff\xff"


def layout_of(codes: Sequence[str]) -> str:
    """The digest naming a matrix layout (the codes, in order)."""
    return hashlib.sha256("\x1f".join(codes).encode("utf-8")).hexdigest()[:16]


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


# --- reading -------------------------------------------------------------------------------------

def _place(matrix: np.ndarray, have: np.ndarray, ids: np.ndarray, rids: np.ndarray, values: np.ndarray) -> None:
    """Put vectors into the matrix rows of their responses (vectors of responses not in ``ids`` are dropped)."""
    if not len(rids):
        return
    pos = np.minimum(np.searchsorted(ids, rids), len(ids) - 1)
    keep = ids[pos] == rids
    matrix[pos[keep]] = values[keep]
    have[pos[keep]] = True


def _read_postgresql(wave_id: int, layout: str, width: int, ids: np.ndarray, place) -> None:
    """The vectors of ``ids`` a block of responses at a time: one row per block, its vectors joined in SQL
    (``int4 response id | packed``) and read with one ``np.frombuffer``; the blocks are id ranges read
    through the primary key, as :mod:`.loading` reads the long form."""
    record = np.dtype([("rid", ">i4"), ("values", "<f8", (width,))])
    starts = np.arange(0, len(ids), BLOCK)
    params = {"lows": ids[starts].tolist(), "highs": ids[np.minimum(starts + BLOCK, len(ids)) - 1].tolist(),
              "wave": wave_id, "layout": layout, "size": 8 * width}
    sql = ("SELECT (SELECT string_agg(int4send(v.response_id) || v.packed, ''::bytea) FROM answer_vectors v "
           "WHERE v.response_id BETWEEN b.lo AND b.hi AND v.wave_id = %(wave)s AND v.layout = %(layout)s "
           "AND octet_length(v.packed) = %(size)s) "
           "FROM unnest(%(lows)s::int[], %(highs)s::int[]) AS b(lo, hi)")
    db.session.execute(text("SET LOCAL jit = off"))  # compiling this query costs more than running it
    for rows in _raw_stream(sql, params, 16):
        for (packed,) in rows:
            if packed:
                found = np.frombuffer(packed, dtype=record)
                place(found["rid"].astype(np.int64), found["values"])


def _read_rows(wave_id: int, layout: str, width: int, _ids: np.ndarray, place) -> None:
    """The wave's vectors as rows, a partition at a time (SQLite)."""
    query = select(AnswerVector.response_id, AnswerVector.packed).where(AnswerVector.wave_id == wave_id,
                                                                       AnswerVector.layout == layout)
    for part in _stream(query):
        rows = [(rid, blob) for rid, blob in part if len(blob) == 8 * width]
        if rows:
            rids = np.fromiter((rid for rid, _ in rows), dtype=np.int64, count=len(rows))
            values = np.frombuffer(b"".join(blob for _, blob in rows), dtype="<f8").reshape(len(rows), width)
            place(rids, values)


def load_matrix(wave_id: int, ids: np.ndarray, questionnaire: Questionnaire, codes: Sequence[str], *,
                method: str = "auto") -> np.ndarray:
    """The responses x codes matrix of numeric answers, as :func:`~survey_app.results.loading.load_answers` gives
    it: packed vectors where they exist, the long form for the responses not packed yet.

    ``codes`` outside the layout (not a scored item or segment question) are read from the long form alone.
    """
    layout_codes = numeric_codes(questionnaire)
    if not len(ids) or not codes or not set(codes) <= set(layout_codes):
        return load_answers(wave_id, ids, codes, method=method)
    width = len(layout_codes)
    matrix = np.full((len(ids), width), np.nan)
    have = np.zeros(len(ids), dtype=bool)
    reader = _read_postgresql if _postgresql() else _read_rows
    reader(wave_id, layout_of(layout_codes), width, ids,
           lambda rids, values: _place(matrix, have, ids, rids, values))
    if not have.all():
        missing = np.flatnonzero(~have)
        matrix[missing] = load_answers(wave_id, ids[missing], layout_codes, method=method)
    if list(codes) == layout_codes:
        return matrix
    return np.ascontiguousarray(matrix[:, [layout_codes.index(code) for code in codes]])
