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

__all__ = ["raw_columns", "raw_rows", "frequencies", "open_answers", "codebook"]

_TEXT_KINDS = ("text", "other")
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


def raw_columns(questionnaire: Questionnaire) -> tuple[RawColumn, ...]:
    """Response id, finish time, channel, link segments, weight, then every answer field."""
    head = [RawColumn("response_id", "응답 번호", "id"), RawColumn("finished_at", "완료 시각", "date"),
            RawColumn("channel", "응답 경로", "label")]
    head += [RawColumn(name, name, "label") for name in SEGMENT_FIELDS]
    head.append(RawColumn("weight", "가중치", "weight"))
    fields = [RawColumn(f.code, f.label.get("ko") or f.code, "text" if f.kind in _TEXT_KINDS else "value",
                        _value_labels(f) or None) for f in questionnaire.answer_fields()]
    return tuple(head + fields)


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
             zone: tzinfo | None = None) -> Iterator[list[Any]]:
    """One list per complete response, in :func:`raw_columns` order, streamed from the database.

    Times are shown in ``zone`` (the app's time zone, e.g. Asia/Seoul).
    """
    fields = questionnaire.answer_fields()
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
        yield ([response_id, _local(first.finished_at, zone), first.channel, *[hidden.get(name) for name in SEGMENT_FIELDS],
                first.weight] + [from_rows(f, grouped[f.code]) if f.code in grouped else None for f in fields])


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


def codebook(questionnaire: Questionnaire) -> tuple[CodebookEntry, ...]:
    """Every raw-data column with its label, type, dimension and value labels."""
    dims = {s.code: s.dimension or "" for s in questionnaire.scored_items()}
    entries = [CodebookEntry(c.code, c.label, c.kind) for c in raw_columns(questionnaire)[:3 + len(SEGMENT_FIELDS) + 1]]
    for f in questionnaire.answer_fields():
        labels = _value_labels(f)
        entries.append(CodebookEntry(f.code, f.label.get("ko") or f.code, f.type, tuple(labels.items()),
                                     tuple(f.na_codes), dims.get(f.code, "")))
    return tuple(entries)
