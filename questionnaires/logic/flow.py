"""Questionnaire flow for one respondent: visibility, computed values, stable randomisation."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .. import vocab
from .evaluator import evaluate, evaluate_condition

if TYPE_CHECKING:
    from ..model import Choice, MatrixRow, Question, Questionnaire, Section

T = TypeVar("T")


def is_visible(item: Question | Section, answers: Mapping[str, Any], na_codes: Mapping[str, Collection] | None = None) -> bool:
    """Whether a question or section is shown: its show_if holds (or is absent) and its skip_if does not."""
    if item.show_if is not None and not evaluate_condition(item.show_if, answers, na_codes):
        return False
    return not (item.skip_if is not None and evaluate_condition(item.skip_if, answers, na_codes))


def _codes_of(question: Question) -> list[str]:
    from ..answers import question_fields
    return [field.code for field in question_fields(question)]


def effective_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers that count: hidden fields, answers to shown questions, and computed values.

    Answers to questions that are now hidden (the respondent went back and changed an earlier
    answer) are dropped, so later conditions never see them.
    """
    from ..answers import na_code_map
    na = na_code_map(questionnaire)
    kept = {h.code: answers[h.code] for h in questionnaire.hidden if h.code in answers}
    for section in questionnaire.sections:
        if not is_visible(section, kept, na):
            continue
        for question in section.questions:
            _take(question, answers, kept, na)
    return kept


def _take(question: Question, answers: Mapping[str, Any], kept: dict[str, Any], na: Mapping) -> None:
    if not is_visible(question, kept, na):
        return
    if question.type == vocab.COMPUTED and question.value:
        kept[question.code] = evaluate(question.value, kept, na)
        return
    for code in _codes_of(question):
        if code in answers:
            kept[code] = answers[code]


def visible_questions(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[Question]:
    """Questions (and notes) shown to this respondent, in order; computed values are never shown."""
    from ..answers import na_code_map
    na = na_code_map(questionnaire)
    kept = effective_answers(questionnaire, answers)
    shown: list[Question] = []
    for section in questionnaire.sections:
        if not is_visible(section, kept, na):
            continue
        shown.extend(q for q in section.questions if q.type != vocab.COMPUTED and is_visible(q, kept, na))
    return shown


def visible_sections(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[Section]:
    """Sections (pages) shown to this respondent that have at least one visible question."""
    shown = {id(q) for q in visible_questions(questionnaire, answers)}
    return [s for s in questionnaire.sections if any(id(q) in shown for q in s.questions)]


def compute_values(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Values of the computed questions that apply to this respondent."""
    kept = effective_answers(questionnaire, answers)
    return {q.code: kept.get(q.code) for q in questionnaire.questions() if q.type == vocab.COMPUTED and q.code in kept}


def _order_key(item: Any) -> str:
    for attribute in ("code", "value"):
        if hasattr(item, attribute):
            return str(getattr(item, attribute))
    return str(item)


def stable_order(items: Iterable[T], seed: str) -> list[T]:
    """Shuffle deterministically: the same seed (e.g. respondent id + question code) gives the same order."""
    listed = list(items)
    keyed = [(hashlib.sha256(f"{seed}\x1f{_order_key(item)}".encode()).digest(), i) for i, item in enumerate(listed)]
    return [listed[i] for _, i in sorted(keyed)]


def display_choices(question: Question, respondent_key: str) -> list[Choice]:
    """Choices in display order; when randomised, 모름/기타/단독 options stay at the end."""
    choices = list(question.choices or ())
    if not question.randomize:
        return choices
    pinned = [c for c in choices if c.na or c.other or c.exclusive]
    moving = [c for c in choices if c not in pinned]
    return stable_order(moving, f"{respondent_key}:{question.code}") + pinned


def display_rows(question: Question, respondent_key: str) -> list[MatrixRow]:
    """Matrix rows in display order (shuffled per respondent when the question says randomize)."""
    rows = list(question.rows)
    return stable_order(rows, f"{respondent_key}:{question.code}") if question.randomize else rows
