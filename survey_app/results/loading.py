"""Stored answers of a wave → arrays for :mod:`analysis`: a responses x codes matrix, segments, weights.

Only complete responses enter the matrix (partial ones count in the response rate only). A cell
is ``NaN`` when the response has no numeric answer for the code, and when the answer is one of the
questionnaire's 모름/해당없음 codes (``na_code_map``).

Reading is streamed through server-side cursors (on PostgreSQL a named psycopg cursor in binary
format, in the session's transaction). On PostgreSQL the answers are packed in SQL, one ``bytea`` per
block of 8,192 responses (``int4 response id | int2 column | float8 value`` per answer with
``int4send``/``int2send``/``float8send`` and ``string_agg``), which numpy reads with one
``frombuffer`` per block instead of one Python tuple per answer: for 100k responses x 30 items this
took 1.6 s against 3.0 s for one row per answer through the same cursor, on the shared 2-core dev
machine (``benchmarks/bench_analysis_report.py`` times both loaders; docs/benchmarks.md). Elsewhere (SQLite) one row per answer is streamed with ``yield_per`` and placed with numpy.
Block boundaries are response ids, so answers of other waves' responses whose ids fall inside a
block are read and dropped.

:func:`load_wave` reads the answers from the results job's packed vectors where it made them (one row of
numbers per complete response, :mod:`.vectors`; :func:`load_matrix` here) and from the long form for the
rest: for 1M x 30 that is 1.6 s instead of 19–27 s. On PostgreSQL the responses' own columns come as one
row of arrays per block of responses (:func:`_responses_postgresql`).
"""
from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from sqlalchemy import case, func, select, text

from questionnaires import Questionnaire
from questionnaires.answers import na_code_map

from ..database import db
from ..models import Answer, AnswerVector, Invitation, OrgUnit, Response, ResponseStatus, StaffMember
from ..retention.respondents import customer_cuts

#: Segments read from the links' hidden values (or a hidden field or question of the same name).
SEGMENT_FIELDS = ("region", "office_code", "channel", "customer_type", "age_band")
#: Segments whose labels are org-unit codes.
ORG_SEGMENTS = ("region", "office_code")
UNKNOWN = -1
BLOCK = 8192
#: The type of segment levels: 4 bytes a response (a 1M wave's five segments hold 20 MB instead of 40 MB).
SEGMENT_CODE = np.int32


@dataclass(frozen=True, eq=False)
class Segment:
    """One segment variable: a label per level and each response's level (``-1`` unknown; the loader's are
    :data:`SEGMENT_CODE`)."""

    name: str
    levels: tuple[str, ...]
    codes: np.ndarray

    def labels(self, unknown: str = "(미상)") -> np.ndarray:
        """Each response's label as an object array (``unknown`` for a missing value)."""
        table = np.array(list(self.levels) + [unknown], dtype=object)
        return table[self.codes]


@dataclass(frozen=True, eq=False)
class WaveData:
    """A wave's complete responses as arrays, rows in response-id order.

    ``values`` (n x len(codes)) holds numeric answers with ``NaN`` for missing and 모름/해당없음, as float32
    when every answer is exactly a float32 (see :func:`compact`; read columns with :meth:`column` or
    :meth:`float_columns` for float64);
    ``weights`` is None when no response carries a weight; ``staff`` and ``units`` hold the
    evaluated staff member and the org unit each response belongs to (``-1`` when unknown).
    """

    wave_id: int
    codes: tuple[str, ...]
    values: np.ndarray
    response_ids: np.ndarray
    weights: np.ndarray | None
    segments: dict[str, Segment]
    staff: np.ndarray
    units: np.ndarray
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n(self) -> int:
        """Number of complete responses."""
        return len(self.response_ids)

    def column(self, code: str) -> np.ndarray:
        """The answers to one code, as float64 (a copy when ``values`` is held as float32)."""
        return np.asarray(self.values[:, self.codes.index(code)], dtype=np.float64)

    def float_columns(self, columns: Sequence[int]) -> np.ndarray:
        """A float64 copy of the given columns of ``values`` (n x len(columns)), filled a column at a time; in
        column-major order, as ``values[:, columns]`` gives it (sums over its columns run in the same order)."""
        out = np.empty((self.n, len(columns)), order="F")
        for j, column in enumerate(columns):
            out[:, j] = self.values[:, column]
        return out

    def subset(self, mask: np.ndarray) -> WaveData:
        """The responses where ``mask`` is true (segments keep their levels)."""
        segments = {k: replace(s, codes=s.codes[mask]) for k, s in self.segments.items()}
        weights = None if self.weights is None else self.weights[mask]
        return replace(self, values=self.values[mask], response_ids=self.response_ids[mask], weights=weights,
                       segments=segments, staff=self.staff[mask], units=self.units[mask])


@dataclass(frozen=True)
class ResponseCounts:
    """Invitations and responses of a wave; ``rate`` = complete responses to invitations / invitations in
    percent (None without invitations). Responses through open links and kiosks count as started and
    complete but not in the rate: nobody was invited for them."""

    invitations: int
    partial: int
    complete: int
    invited_complete: int = 0

    @property
    def started(self) -> int:
        """Responses begun (partial + complete)."""
        return self.partial + self.complete

    @property
    def rate(self) -> float | None:
        """Complete responses to invitations per invitation, in percent."""
        return 100.0 * self.invited_complete / self.invitations if self.invitations else None


# --- which columns -------------------------------------------------------------------------------

def segment_questions(questionnaire: Questionnaire) -> dict[str, str]:
    """Segment name → code of a question answering it (its code or its choice list is named so)."""
    found: dict[str, str] = {}
    for question in questionnaire.questions():
        choices = question.choices
        if choices is None or question.type != "single_choice":
            continue
        if not all(isinstance(c.value, int) for c in choices):
            continue
        for name in SEGMENT_FIELDS:
            if name not in found and name in (question.code, choices.name):
                found[name] = question.code
    return found


def numeric_codes(questionnaire: Questionnaire) -> list[str]:
    """Codes loaded into the matrix: every scored item, then the segment questions."""
    codes = [item.code for item in questionnaire.scored_items()]
    codes += [c for c in segment_questions(questionnaire).values() if c not in codes]
    return codes


# --- responses -----------------------------------------------------------------------------------

def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _stream(query, yield_per: int = 20_000) -> Iterable[Sequence[tuple]]:
    """Rows of ``query`` a partition at a time through a server-side cursor.

    On PostgreSQL the compiled query runs on a named (server-side) psycopg cursor in binary
    format inside the session's transaction: SQLAlchemy's ``stream_results`` does the same but
    in text format and through Row objects, which costs twice the time for 100k responses.
    """
    if not _postgresql():
        result = db.session.execute(query.execution_options(stream_results=True, yield_per=yield_per))
        yield from result.partitions()
        return
    compiled = query.compile(dialect=db.session.get_bind().dialect, compile_kwargs={"render_postcompile": True})
    yield from _raw_stream(str(compiled), compiled.params, yield_per)


def _raw_stream(sql: str, params: dict, yield_per: int) -> Iterable[Sequence[tuple]]:
    """Partitions of a raw SQL query on a binary server-side cursor of the session's connection."""
    raw = db.session.connection().connection.driver_connection
    with raw.cursor(f"results_{next(_cursor_serial)}", binary=True) as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(yield_per):
            yield rows


_cursor_serial = itertools.count(1)


class _Levels:
    """Factorises values a part at a time: levels in first-seen order, each value's level; None and '' are
    unknown (-1). A part becomes an int64 array at once, so no Python object outlives its part."""

    def __init__(self) -> None:
        self.lookup: dict[str | None, int] = {None: UNKNOWN, "": UNKNOWN}
        self.levels: list[str] = []

    def codes(self, values: Sequence[str | None]) -> np.ndarray:
        """The level of each value."""
        lookup = self.lookup
        for value in dict.fromkeys(values):  # first-seen order
            if value not in lookup:
                lookup[value] = len(self.levels)
                self.levels.append(str(value))
        return np.fromiter(map(lookup.__getitem__, values), dtype=np.int64, count=len(values))


def _sorted_segment(name: str, levels: list[str], codes: np.ndarray) -> Segment:
    """A segment with its levels in sorted order."""
    order = sorted(range(len(levels)), key=lambda i: levels[i])
    remap = np.full(len(levels) + 1, UNKNOWN, dtype=SEGMENT_CODE)
    remap[np.array(order, dtype=np.int64)] = np.arange(len(order))
    return Segment(name, tuple(levels[i] for i in order), remap[codes])


def _hidden_sources(questionnaire: Questionnaire) -> dict[str, tuple[str, ...]]:
    """Hidden-value keys to read for each segment: the segment's own name and a hidden field's source."""
    sources = {name: [name] for name in SEGMENT_FIELDS}
    for question in questionnaire.hidden:
        if question.code in sources and question.distribution_source != question.code:
            sources[question.code].append(question.distribution_source)
    return {k: tuple(v) for k, v in sources.items()}


def _floats(values: Sequence[float | None]) -> np.ndarray:
    return np.array(values, dtype=np.float64)  # None becomes NaN


def load_responses(wave_id: int, questionnaire: Questionnaire) -> dict[str, object]:
    """Ids, weights (NaN: none), evaluated staff/unit (-1: none) and hidden segment values (levels and codes)
    of the wave's complete responses, as arrays: each streamed part is turned into arrays at once, so
    memory grows with the arrays, not with a Python object per value. On PostgreSQL each block of responses
    comes as one row of arrays (:func:`_responses_postgresql`)."""
    sources = _hidden_sources(questionnaire)
    if _postgresql():
        return _responses_postgresql(wave_id, sources)
    return _responses_streamed(wave_id, sources)


def _responses_streamed(wave_id: int, sources: dict[str, tuple[str, ...]]) -> dict[str, object]:
    """:func:`load_responses` one row per response through a server-side cursor."""
    hidden_cols = [func.coalesce(*[Response.hidden[k].as_string() for k in keys]).label(name)
                   if len(keys) > 1 else Response.hidden[keys[0]].as_string().label(name)
                   for name, keys in sources.items()]
    query = (select(Response.id, Response.weight, func.coalesce(Response.subject_staff_id, UNKNOWN),
                    func.coalesce(Response.subject_org_unit_id, UNKNOWN), *hidden_cols)
             .where(Response.wave_id == wave_id, Response.status == ResponseStatus.COMPLETE)
             .order_by(Response.id))
    parts: dict[str, list[np.ndarray]] = {key: [] for key in ("ids", "weight", "staff", "unit", *sources)}
    levels = {name: _Levels() for name in sources}
    for part in _stream(query):
        columns = list(zip(*part, strict=True))
        parts["ids"].append(np.array(columns[0], dtype=np.int64))
        parts["weight"].append(_floats(columns[1]))
        parts["staff"].append(np.array(columns[2], dtype=np.int64))
        parts["unit"].append(np.array(columns[3], dtype=np.int64))
        for name, values in zip(sources, columns[4:], strict=True):
            parts[name].append(levels[name].codes(values))
    return _joined_in_id_order(parts, levels)


def _hidden_expressions(sources: dict[str, tuple[str, ...]]) -> tuple[list[str], dict[str, str]]:
    """Each segment's SQL expression over ``r.hidden`` (the first of its keys given), the keys as parameters."""
    expressions, params = [], {}
    for i, keys in enumerate(sources.values()):
        parts = []
        for j, key in enumerate(keys):
            params[f"key_{i}_{j}"] = key
            parts.append(f"(r.hidden ->> %(key_{i}_{j})s::text)")
        expressions.append(parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})")
    return expressions, params


def _responses_postgresql(wave_id: int, sources: dict[str, tuple[str, ...]]) -> dict[str, object]:
    """:func:`load_responses` on PostgreSQL: the ids first (one array), then one row per block of ``BLOCK``
    responses holding each column as an array (one aggregate pass, so every array lists the block's responses
    in the same order), turned into numpy arrays without a Python tuple per response."""
    complete = "r.wave_id = %(wave)s AND r.status = 'complete'"
    raw = db.session.connection().connection.driver_connection
    with raw.cursor(binary=True) as cursor:
        cursor.execute(f"SELECT string_agg(int4send(r.id), ''::bytea ORDER BY r.id) FROM responses r WHERE {complete}",
                       {"wave": wave_id})
        all_ids = np.frombuffer(cursor.fetchone()[0] or b"", dtype=">i4").astype(np.int64)
    expressions, params = _hidden_expressions(sources)
    starts = np.arange(0, len(all_ids), BLOCK)
    params.update(wave=wave_id, lows=all_ids[starts].tolist(),
                  highs=all_ids[np.minimum(starts + BLOCK, len(all_ids)) - 1].tolist())
    columns = ", ".join(["array_agg(r.id)", "array_agg(r.weight)", "array_agg(coalesce(r.subject_staff_id, -1))",
                         "array_agg(coalesce(r.subject_org_unit_id, -1))", *[f"array_agg({e})" for e in expressions]])
    sql = (f"SELECT s.* FROM unnest(%(lows)s::int[], %(highs)s::int[]) AS b(lo, hi) CROSS JOIN LATERAL "
           f"(SELECT {columns} FROM responses r WHERE r.id BETWEEN b.lo AND b.hi AND {complete}) AS s")
    filled = _Filled(len(all_ids), ("ids", "weight", "staff", "unit", *sources))
    levels = {name: _Levels() for name in sources}
    for rows in _raw_stream(sql, params, 1):  # a block's Python values at a time
        for ids, weights, staff, units, *hidden in rows:
            if ids:
                filled.add({"ids": ids, "weight": _floats(weights), "staff": staff, "unit": units,
                            **{name: levels[name].codes(values) for name, values in zip(sources, hidden, strict=True)}})
    return _joined_in_id_order(filled.parts(), levels)


class _Filled:
    """Columns filled a block of responses at a time into one array each, of the expected size (doubled if more
    responses come): per block arrays, joined and freed, left ~75 MB of a 1M wave on the heap for good."""

    def __init__(self, size: int, keys: Sequence[str]) -> None:
        self.arrays = {key: np.empty(size, dtype=np.float64 if key == "weight" else np.int64) for key in keys}
        self.count = 0

    def add(self, block: dict[str, Sequence]) -> None:
        """Append a block's columns (sequences of the same length)."""
        end = self.count + len(block["ids"])
        if end > len(self.arrays["ids"]):
            size = max(end, 2 * len(self.arrays["ids"]))
            self.arrays = {key: _grown(array, self.count, size) for key, array in self.arrays.items()}
        for key, values in block.items():
            self.arrays[key][self.count:end] = values
        self.count = end

    def parts(self) -> dict[str, list[np.ndarray]]:
        """The filled columns, as the parts :func:`_joined_in_id_order` joins."""
        return {key: [array[:self.count]] for key, array in self.arrays.items()}


def _grown(array: np.ndarray, count: int, size: int) -> np.ndarray:
    """A larger array of ``size`` holding the first ``count`` values of ``array``."""
    grown = np.empty(size, dtype=array.dtype)
    grown[:count] = array[:count]
    return grown


def _joined_in_id_order(parts: dict[str, list[np.ndarray]], levels: dict[str, _Levels]) -> dict[str, object]:
    """The parts read by :func:`_responses_streamed` or :func:`_responses_postgresql`, joined in response-id order."""
    def joined(key: str, dtype) -> np.ndarray:
        return np.concatenate(parts[key]) if parts[key] else np.empty(0, dtype=dtype)

    ids = joined("ids", np.int64)
    order = np.argsort(ids, kind="stable")
    return {"ids": ids[order], "weight": joined("weight", np.float64)[order],
            "staff": joined("staff", np.int64)[order], "unit": joined("unit", np.int64)[order],
            "hidden": {name: (levels[name].levels, joined(name, np.int64)[order]) for name in levels}}


# --- answers -------------------------------------------------------------------------------------

def _place(matrix: np.ndarray, ids: np.ndarray, rid: np.ndarray, col: np.ndarray, val: np.ndarray) -> None:
    """Put answers into the matrix; answers of responses not in ``ids`` are dropped."""
    if not len(rid) or not len(ids):
        return
    pos = np.minimum(np.searchsorted(ids, rid), len(ids) - 1)
    keep = ids[pos] == rid
    matrix[pos[keep], col[keep]] = val[keep]


_PACKED = np.dtype([("rid", ">i4"), ("col", ">i2"), ("val", ">f8")])


def _answers_postgresql(matrix: np.ndarray, ids: np.ndarray, codes: Sequence[str], block: int) -> None:
    """Answers packed in SQL a block of responses at a time, read with ``np.frombuffer``."""
    starts = np.arange(0, len(ids), block)
    params = {"lows": ids[starts].tolist(), "highs": ids[np.minimum(starts + block, len(ids)) - 1].tolist(),
              **{f"code{i}": c for i, c in enumerate(codes)}}
    columns = ", ".join(f"(%(code{i})s, {i})" for i in range(len(codes)))
    sql = ("SELECT b.lo, (SELECT string_agg(int4send(a.response_id) || int2send(c.col::int2) "
           "|| float8send(a.value_num), ''::bytea) "
           f"FROM answers a JOIN (VALUES {columns}) AS c(code, col) ON c.code = a.question_code "
           "WHERE a.response_id BETWEEN b.lo AND b.hi AND a.position = 0 AND a.value_num IS NOT NULL) "
           "FROM unnest(%(lows)s::int[], %(highs)s::int[]) AS b(lo, hi) ORDER BY b.lo")
    db.session.execute(text("SET LOCAL jit = off"))  # compiling this query costs more than running it
    for rows in _raw_stream(sql, params, 1):
        for _lo, packed in rows:
            if packed:
                rec = np.frombuffer(packed, dtype=_PACKED)
                _place(matrix, ids, rec["rid"].astype(np.int64), rec["col"].astype(np.int64), rec["val"])


def _answers_rows(matrix: np.ndarray, ids: np.ndarray, wave_id: int, codes: Sequence[str]) -> None:
    """One row per answer, streamed; the column index is computed in SQL."""
    column = case({code: i for i, code in enumerate(codes)}, value=Answer.question_code)
    query = (select(Answer.response_id, column, Answer.value_num)
             .join(Response, Response.id == Answer.response_id)
             .where(Response.wave_id == wave_id, Response.status == ResponseStatus.COMPLETE,
                    Answer.question_code.in_(list(codes)), Answer.position == 0, Answer.value_num.is_not(None)))
    for part in _stream(query, 50_000):
        arr = np.array(part, dtype=np.float64)
        _place(matrix, ids, arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2])


def load_answers(wave_id: int, ids: np.ndarray, codes: Sequence[str], *, method: str = "auto",
                 block: int = BLOCK) -> np.ndarray:
    """The responses x codes matrix of numeric answers (``NaN`` where none); ``method`` packed|rows|auto."""
    matrix = np.full((len(ids), len(codes)), np.nan)
    if not len(ids) or not codes:
        return matrix
    if method == "auto":
        method = "packed" if _postgresql() else "rows"
    if method == "packed":
        _answers_postgresql(matrix, ids, codes, block)
    else:
        _answers_rows(matrix, ids, wave_id, codes)
    return matrix


# --- packed answer vectors (written by :mod:`.vectors`) ---------------------------------------------

def layout_of(codes: Sequence[str]) -> str:
    """The digest naming a matrix layout (the codes, in order)."""
    return hashlib.sha256("\x1f".join(codes).encode("utf-8")).hexdigest()[:16]


def _place_vectors(matrix: np.ndarray, have: np.ndarray, ids: np.ndarray, rids: np.ndarray,
                   values: np.ndarray) -> None:
    """Put vectors into the matrix rows of their responses (vectors of responses not in ``ids`` are dropped)."""
    if not len(rids):
        return
    pos = np.minimum(np.searchsorted(ids, rids), len(ids) - 1)
    keep = ids[pos] == rids
    matrix[pos[keep]] = values[keep]
    have[pos[keep]] = True


def _vectors_postgresql(wave_id: int, layout: str, width: int, ids: np.ndarray, place) -> None:
    """The vectors of ``ids`` a block of responses at a time: one row per block, its vectors joined in SQL
    (``int4 response id | packed``) and read with one ``np.frombuffer``; the blocks are id ranges, as
    :func:`_answers_postgresql` reads the long form."""
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


def _vectors_rows(wave_id: int, layout: str, width: int, _ids: np.ndarray, place) -> None:
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
    reader = _vectors_postgresql if _postgresql() else _vectors_rows
    reader(wave_id, layout_of(layout_codes), width, ids,
           lambda rids, values: _place_vectors(matrix, have, ids, rids, values))
    if not have.all():
        missing = np.flatnonzero(~have)
        matrix[missing] = load_answers(wave_id, ids[missing], layout_codes, method=method)
    if list(codes) == layout_codes:
        return matrix
    return np.ascontiguousarray(matrix[:, [layout_codes.index(code) for code in codes]])


def compact(matrix: np.ndarray) -> np.ndarray:
    """``matrix`` as float32 when every value is exactly a float32 (scale points, choice codes and counts
    are), else ``matrix`` itself: half the memory (a 1M x 31 wave: 124 MB instead of 248 MB), and the same
    numbers, since each float32 widens back to the float64 it came from."""
    with np.errstate(over="ignore"):  # a value past float32's range becomes inf, and differs
        narrow = matrix.astype(np.float32)
    for start in range(0, len(matrix), BLOCK):  # a block of rows at a time: no (n, k) temporaries
        wide = matrix[start:start + BLOCK]
        same = narrow[start:start + BLOCK] == wide  # compared as float64; NaN stays NaN
        same |= np.isnan(wide)
        if not same.all():
            return matrix
    return narrow


def missing_to_nan(matrix: np.ndarray, codes: Sequence[str], questionnaire: Questionnaire) -> None:
    """Set the questionnaire's 모름/해당없음 values to ``NaN``, column by column, in place."""
    na = na_code_map(questionnaire)
    for j, code in enumerate(codes):
        numbers = [float(v) for v in na.get(code, ()) if isinstance(v, (int, float))]
        if numbers:
            column = matrix[:, j]
            column[np.isin(column, numbers)] = np.nan


# --- segments and units --------------------------------------------------------------------------

def _question_segment(name: str, code: str, matrix: np.ndarray, codes: Sequence[str],
                      questionnaire: Questionnaire) -> tuple[list[str], np.ndarray]:
    """A segment answered by a single-choice question: choice labels as levels."""
    question = questionnaire.question(code)
    choices = [c for c in question.choices if not c.na]
    values = matrix[:, list(codes).index(code)]
    level = np.full(len(values), UNKNOWN, dtype=SEGMENT_CODE)
    for i, choice in enumerate(choices):
        level[values == float(choice.value)] = i
    return [c.label.get("ko") or str(c.value) for c in choices], level


def build_segments(loaded: dict, matrix: np.ndarray, codes: Sequence[str],
                   questionnaire: Questionnaire) -> dict[str, Segment]:
    """Every segment with a known value: from the hidden values, or else from the question of that name."""
    asked = segment_questions(questionnaire)
    segments = {}
    for name in SEGMENT_FIELDS:
        levels, level = loaded["hidden"][name]
        if (level == UNKNOWN).all() and name in asked:  # the question's choices, in its order (20대, 30대 …)
            levels, level = _question_segment(name, asked[name], matrix, codes, questionnaire)
            if (level != UNKNOWN).any():
                segments[name] = Segment(name, tuple(levels), level)
        elif (level != UNKNOWN).any():
            segments[name] = _sorted_segment(name, levels, level)
    return segments


def customer_segments(ids: np.ndarray) -> dict[str, Segment]:
    """The respondents' RFM segment and churn-risk band as segments (only when some respondent is known)."""
    return {name: Segment(name, levels, level.astype(SEGMENT_CODE))
            for name, (levels, level) in customer_cuts(ids).items() if (level != UNKNOWN).any()}


def _unit_ids(codes: Iterable[str]) -> dict[str, int]:
    """Org unit id of each code that names one."""
    wanted = [c for c in set(codes) if c]
    if not wanted:
        return {}
    return dict(db.session.execute(select(OrgUnit.code, OrgUnit.id).where(OrgUnit.code.in_(wanted))).all())


def response_units(loaded: dict, segments: dict[str, Segment]) -> np.ndarray:
    """The org unit of each response: evaluated unit, else evaluated staff's unit, else office, else region."""
    units = loaded["unit"]
    staff = loaded["staff"]
    if (staff != UNKNOWN).any():
        home = dict(db.session.execute(select(StaffMember.id, StaffMember.org_unit_id)
                                       .where(StaffMember.id.in_(np.unique(staff[staff != UNKNOWN]).tolist()))).all())
        from_staff = np.array([home.get(int(s), UNKNOWN) for s in staff], dtype=np.int64)
        units = np.where(units == UNKNOWN, from_staff, units)
    for name in ORG_SEGMENTS:
        segment = segments.get(name)
        if segment is None:
            continue
        ids = _unit_ids(segment.levels)
        table = np.array([ids.get(level, UNKNOWN) for level in segment.levels] + [UNKNOWN], dtype=np.int64)
        units = np.where(units == UNKNOWN, table[segment.codes], units)
    return units


def _weights(w: np.ndarray) -> tuple[np.ndarray | None, tuple[str, ...]]:
    """Response weights; None when no response has one (missing weights count as 1 otherwise)."""
    if not len(w) or np.isnan(w).all():
        return None, ()
    missing = int(np.isnan(w).sum())
    notes = (f"{missing} response(s) have no weight and count with weight 1",) if missing else ()
    return np.where(np.isnan(w), 1.0, w), notes


def load_wave(wave_id: int, questionnaire: Questionnaire, codes: Sequence[str] | None = None, *,
              method: str = "auto") -> WaveData:
    """Stream a wave's complete responses into a :class:`WaveData` (see the module docstring); ``method`` auto
    reads the answers from packed vectors (:mod:`.vectors`) where they exist."""
    codes = list(codes) if codes is not None else numeric_codes(questionnaire)
    loaded = load_responses(wave_id, questionnaire)
    ids = loaded["ids"]
    if method == "auto":  # packed vectors where the results job made them, the long form for the rest
        matrix = load_matrix(wave_id, ids, questionnaire, codes)
    else:  # one of the long-form readers, by name (the benchmark times each)
        matrix = load_answers(wave_id, ids, codes, method=method)
    missing_to_nan(matrix, codes, questionnaire)
    segments = build_segments(loaded, matrix, codes, questionnaire)
    segments.update(customer_segments(ids))
    weights, notes = _weights(loaded["weight"])
    return WaveData(wave_id=wave_id, codes=tuple(codes), values=compact(matrix), response_ids=ids,
                    weights=weights, segments=segments, staff=loaded["staff"],
                    units=response_units(loaded, segments), warnings=notes)


def response_counts(wave_id: int, unit_codes: Sequence[str] | None = None,
                    unit_ids: Sequence[int] | None = None) -> ResponseCounts:
    """Invitations, partial and complete responses of a wave, counted in SQL.

    With ``unit_codes``/``unit_ids`` only invitations and responses of those units count (by the
    office or region in their hidden values, or the evaluated unit).
    """
    invitations = select(func.count(Invitation.id)).where(Invitation.wave_id == wave_id)
    invited = Response.invitation_id.is_not(None)
    responses = (select(Response.status, invited, func.count(Response.id)).where(Response.wave_id == wave_id)
                 .group_by(Response.status, invited))
    if unit_codes is not None:
        codes = list(unit_codes)
        invitations = invitations.where(Invitation.hidden["office_code"].as_string().in_(codes)
                                        | Invitation.hidden["region"].as_string().in_(codes))
        responses = responses.where(Response.subject_org_unit_id.in_(list(unit_ids or []))
                                    | Response.hidden["office_code"].as_string().in_(codes)
                                    | Response.hidden["region"].as_string().in_(codes))
    by_status: dict[str, int] = {}
    invited_complete = 0
    for status, from_invitation, count in db.session.execute(responses):
        by_status[status] = by_status.get(status, 0) + count
        if from_invitation and status == ResponseStatus.COMPLETE.value:
            invited_complete += count
    return ResponseCounts(invitations=db.session.scalar(invitations) or 0,
                          partial=by_status.get(ResponseStatus.PARTIAL.value, 0),
                          complete=by_status.get(ResponseStatus.COMPLETE.value, 0), invited_complete=invited_complete)
