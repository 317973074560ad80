"""A wave's stored answers as the workbook's row inputs: raw rows, frequencies, open answers, codebook.

Raw rows are streamed (one query over the wave's complete responses and their answers, ordered by
response, read with ``yield_per``) and pivoted into one list per response as they come, so the
workbook never holds more than one response. A viewer limited to part of the organisation gets
the responses in ``visible`` (the ids of :func:`.build.load_for`) only.
"""
from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Collection, Iterator
from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import func, select

from exports import CodebookEntry, FrequencyTable, RawColumn, VocEntry, adapt
from questionnaires import AnswerField, Questionnaire

from ..database import db
from ..models import Answer, Response, ResponseStatus
from ..responses.values import from_rows
from .loading import SEGMENT_FIELDS, WaveData
from .segments import TITLES

__all__ = ["raw_columns", "present_codes", "raw_rows", "frequencies", "open_answers", "codebook"]

_TEXT_KINDS = ("text", "other")
_HEAD_CODES = {"response_id", "finished_at", "channel", "weight", *SEGMENT_FIELDS}
_CHUNK_IDS = 5_000


def _value_labels(field: AnswerField) -> dict[Any, str]:
    if field.choices is not None:
        return {c.value: c.label.get("ko") for c in field.choices}
    if field.scale is not None:
        labels = {v: field.scale.label_for(v).get("ko") for v in field.scale.values()}
        if field.scale.na is not None:
            labels[field.scale.na.value] = field.scale.na.label.get("ko")
        return {v: text for v, text in labels.items() if text}
    return {}


def raw_columns(questionnaire: Questionnaire, present: Collection[str] | None = None) -> tuple[RawColumn, ...]:
    """Response id, finish time, channel, link segments, weight, then every answer field — each code once.

    A hidden question that is also a link segment (office_code, customer_type, channel) is one column;
    with ``present`` (the codes that hold a value in at least one response, :func:`present_codes`) the
    columns empty in every row are left out. Labels are the Korean headers; codes go to the codebook.
    """
    head = [RawColumn("response_id", "응답 번호", "id"), RawColumn("finished_at", "완료 시각", "date"),
            RawColumn("channel", "응답 경로", "label")]
    head += [RawColumn(name, TITLES.get(name, (name,))[0], "label") for name in SEGMENT_FIELDS if name != "channel"]
    head.append(RawColumn("weight", "가중치", "weight"))
    seen = {c.code for c in head}
    fields = [RawColumn(f.code, f.label.get("ko") or f.code, "text" if f.kind in _TEXT_KINDS else "value",
                        _value_labels(f) or None) for f in questionnaire.answer_fields() if f.code not in seen]
    columns = head + fields
    if present is not None:
        keep = set(present) | {"response_id", "finished_at"}
        columns = [c for c in columns if c.code in keep]
    return tuple(columns)


def present_codes(wave_id: int) -> set[str]:
    """Codes of the raw columns that hold a value in at least one complete response of the wave."""
    found = set(db.session.scalars(select(Answer.question_code).join(Response).where(_complete(wave_id)).distinct()))
    if db.session.scalar(select(Response.id).where(_complete(wave_id) & Response.weight.is_not(None)).limit(1)):
        found.add("weight")
    if db.session.scalar(select(Response.id).where(_complete(wave_id) & Response.channel.is_not(None)).limit(1)):
        found.add("channel")
    wanted = set(SEGMENT_FIELDS)
    for hidden in db.session.scalars(select(Response.hidden).where(_complete(wave_id))
                                     .execution_options(yield_per=5_000)):
        found |= {k for k in wanted & set(hidden or {}) if hidden[k] not in (None, "")}
        if wanted <= found:
            break
    return found


def _complete(wave_id: int):
    return (Response.wave_id == wave_id) & (Response.status == ResponseStatus.COMPLETE)


def _local(moment: datetime | None, zone: tzinfo | None) -> datetime | None:
    """A stored (UTC) time as the wall-clock time of ``zone`` (Excel has no time zones)."""
    if moment is None or zone is None:
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).replace(tzinfo=None)


def raw_rows(wave_id: int, questionnaire: Questionnaire, visible: Collection[int] | None = None,
             zone: tzinfo | None = None, columns: tuple[RawColumn, ...] | None = None) -> Iterator[list[Any]]:
    """One list per complete response, in the order of ``columns`` (default :func:`raw_columns`), streamed.

    Times are shown in ``zone`` (the app's time zone, e.g. Asia/Seoul). A hidden question's stored answer
    wins over the same-named value of the response's link.
    """
    fields = {f.code: f for f in questionnaire.answer_fields()}
    codes = [c.code for c in (columns if columns is not None else raw_columns(questionnaire))]
    query = (select(Response.id, Response.finished_at, Response.channel, Response.hidden, Response.weight,
                    Answer.question_code, Answer.position, Answer.value_num, Answer.choice, Answer.value_text)
             .outerjoin(Answer, Answer.response_id == Response.id).where(_complete(wave_id))
             .order_by(Response.id, Answer.question_code, Answer.position).execution_options(yield_per=5_000))
    result = db.session.execute(query)
    for response_id, rows in itertools.groupby(result, key=lambda r: r.id):
        if visible is not None and response_id not in visible:
            continue
        rows = list(rows)
        first, grouped = rows[0], defaultdict(list)
        for row in rows:
            if row.question_code is not None:
                grouped[row.question_code].append(row)
        hidden = first.hidden or {}
        base = {"response_id": response_id, "finished_at": _local(first.finished_at, zone), "weight": first.weight,
                **{name: hidden.get(name) for name in SEGMENT_FIELDS}, "channel": first.channel or hidden.get("channel")}
        yield [from_rows(fields[code], grouped[code]) if code in grouped and code in fields else base.get(code)
               for code in codes]


def _choice_counts(wave_id: int, visible: Collection[int] | None) -> tuple[dict, dict]:
    """{code: {choice: count}} and {code: respondents} over complete (visible) responses."""
    counts: dict[str, dict[str, float]] = defaultdict(dict)
    people: dict[str, int] = defaultdict(int)
    ordered = sorted(visible) if visible is not None else []
    chunks = [None] if visible is None else [ordered[i:i + _CHUNK_IDS] for i in range(0, len(ordered), _CHUNK_IDS)]
    for ids in chunks:
        where = _complete(wave_id) & Answer.choice.is_not(None)
        if ids is not None:
            where = where & Response.id.in_(ids)
        base = select(Answer.question_code, Answer.choice, func.count()).join(Response).where(where)
        for code, choice, n in db.session.execute(base.group_by(Answer.question_code, Answer.choice)):
            counts[code][choice] = counts[code].get(choice, 0) + n
        who = select(Answer.question_code, func.count(func.distinct(Answer.response_id))).join(Response).where(where)
        for code, n in db.session.execute(who.group_by(Answer.question_code)):
            people[code] += n
    return counts, people


def _choice_rows(field: AnswerField) -> tuple[tuple[str, str], ...]:
    """(stored value, shown label) of every choice, or of every scale point in order ("1 (전혀 아니다)", "2", …)."""
    labels = _value_labels(field)
    if field.scale is None:
        return tuple((str(v), label) for v, label in labels.items())
    points = list(field.scale.values()) + ([field.scale.na.value] if field.scale.na is not None else [])
    return tuple((str(v), f"{v} ({labels[v]})" if labels.get(v) else str(v)) for v in points)


def frequencies(wave_id: int, questionnaire: Questionnaire, visible: Collection[int] | None = None
                ) -> tuple[FrequencyTable, ...]:
    """Counts and percents per choice of every choice question (in questionnaire order)."""
    counts, people = _choice_counts(wave_id, visible)
    tables = []
    for f in questionnaire.answer_fields():
        if f.kind not in ("choice", "choices", "ranking") or f.code not in counts:
            continue
        choices = _choice_rows(f)
        section = questionnaire.section_of(f.question)
        tables.append(adapt.frequency_table(f.code, f.label.get("ko") or f.code, counts[f.code], choices,
                                            n=people[f.code], multiple=f.kind != "choice",
                                            block=section.title.get("ko") if section and section.title else ""))
    return tuple(tables)


def open_answers(wave_id: int, questionnaire: Questionnaire, data: WaveData) -> tuple[VocEntry, ...]:
    """Every open-ended answer of the (visible) complete responses with its respondent's segments."""
    codes = [f.code for f in questionnaire.answer_fields() if f.kind in _TEXT_KINDS]
    if not codes or data.n == 0:
        return ()
    where = _complete(wave_id) & Answer.question_code.in_(codes) & Answer.value_text.is_not(None)
    query = (select(Answer.response_id, Answer.question_code, Answer.value_text).join(Response).where(where)
             .order_by(Answer.response_id).execution_options(yield_per=5_000))
    row_of = {int(rid): i for i, rid in enumerate(data.response_ids.tolist())}
    labels = {name: seg.labels() for name, seg in data.segments.items()}
    entries = []
    for rid, code, text in db.session.execute(query):
        i = row_of.get(rid)
        if i is not None and text.strip():
            entries.append(VocEntry(code, text, {name: str(lab[i]) for name, lab in labels.items()}, str(rid)))
    return tuple(entries)


def codebook(questionnaire: Questionnaire, columns: tuple[RawColumn, ...] | None = None) -> tuple[CodebookEntry, ...]:
    """Every raw-data column (``columns``, default :func:`raw_columns`) with its code, Korean header, type,
    dimension and value labels."""
    dims = {s.code: s.dimension or "" for s in questionnaire.scored_items()}
    fields = {f.code: f for f in questionnaire.answer_fields()}
    entries = []
    for c in columns if columns is not None else raw_columns(questionnaire):
        f = fields.get(c.code)
        if f is None or c.code in _HEAD_CODES:
            entries.append(CodebookEntry(c.code, c.label, c.kind))
            continue
        labels = _value_labels(f)
        entries.append(CodebookEntry(f.code, c.label, f.type, tuple(labels.items()), tuple(f.na_codes),
                                     dims.get(f.code, "")))
    return tuple(entries)
