"""Conversion between the questionnaire's answer values and stored answer rows (long form).

An answer value, as the questionnaire package reads it, is a choice value (int or str), a list
of choice values (multiple choice, ranking in rank order), a number, an ISO date text or text.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from questionnaires import AnswerField

from ..models import Answer
from .operations import AnswerRow


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    return float(value) if isinstance(value, (int, float)) else None


def _choice_row(code: str, value: Any, position: int = 0) -> AnswerRow:
    return AnswerRow(code, position=position, value_num=_number(value), choice=str(value))


def to_rows(field: AnswerField, value: Any) -> list[AnswerRow]:
    """The stored rows of one answer value (none for an empty answer)."""
    if value is None or value == "" or value == []:
        return []
    if field.kind in ("choices", "ranking"):
        return [_choice_row(field.code, item, i) for i, item in enumerate(value)]
    if field.kind == "choice":
        return [_choice_row(field.code, value)]
    if field.kind == "number" or (field.kind == "computed" and _number(value) is not None):
        return [AnswerRow(field.code, value_num=float(value))]
    return [AnswerRow(field.code, value_text=str(value))]


def _typed_choice(field: AnswerField, raw: str) -> Any:
    """A stored choice code back as the value the questionnaire declares (int or str)."""
    value = field.value_of(raw)
    if value is not None:
        return value
    return int(raw) if raw.lstrip("-").isdecimal() else raw


def from_rows(field: AnswerField, rows: list[Answer]) -> Any:
    """The answer value stored in ``rows`` (ordered by position)."""
    if field.kind in ("choices", "ranking"):
        return [_typed_choice(field, r.choice) for r in rows if r.choice is not None]
    row = rows[0]
    if field.kind == "choice" and row.choice is not None:
        return _typed_choice(field, row.choice)
    if row.value_num is not None:
        number = row.value_num
        return int(number) if field.kind != "number" or number.is_integer() else number
    return row.value_text


def answers_from_rows(fields: Mapping[str, AnswerField], grouped: Mapping[str, list[Answer]]) -> dict[str, Any]:
    """Every stored answer of a response as {code: value} for the questionnaire's logic."""
    return {code: from_rows(fields[code], rows) for code, rows in grouped.items() if code in fields}


def rows_for(fields: Mapping[str, AnswerField], answers: Mapping[str, Any], codes: Iterable[str]) -> list[AnswerRow]:
    """Stored rows for the answers of ``codes``."""
    return [row for code in codes if code in answers for row in to_rows(fields[code], answers[code])]
