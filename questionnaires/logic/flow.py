"""Questionnaire flow for one respondent: visibility, computed values, stable randomisation."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
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


def _answer_codes(questionnaire: Questionnaire) -> dict[str, tuple[str, ...]]:
    """Answer codes per question code (memoised on the questionnaire: every page view asks)."""
    from ..answers import _memo, question_fields
    return _memo(questionnaire, "answer_codes", lambda: {
        q.code: tuple(f.code for f in question_fields(q)) for q in questionnaire.all_questions()})


@dataclass(frozen=True)
class Shown:
    """What logic shows one respondent: the answers that count, and the questions and sections shown."""

    answers: dict[str, Any]
    questions: tuple[Question, ...]
    sections: tuple[Section, ...]

    def unanswered(self) -> dict[str, list[str]]:
        """Answers still to be given on each shown page: section code → answer codes, in page order
        (required questions shown, and '기타' texts of a chosen '기타'); pages with none are left out."""
        from ..answers import missing_answers
        asked = {id(q) for q in self.questions}
        missing = {}
        for section in self.sections:
            codes = [code for q in section.questions if id(q) in asked for code in missing_answers(q, self.answers)]
            if codes:
                missing[section.code] = codes
        return missing


def shown(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Shown:
    """Effective answers, visible questions and visible sections in one pass over the questionnaire.

    Conditions may only refer to earlier questions (the checks refuse later ones), so evaluating
    each condition against the answers kept so far gives the same result as against all of them.
    A questionnaire without conditions or computed values shows every question whatever the answers:
    only the answers are picked (a final POST asks three times).
    """
    fixed = _without_logic(questionnaire)
    if fixed is not None:
        return Shown({code: answers[code] for code in fixed.codes if code in answers}, fixed.questions, fixed.sections)
    return shown_by_logic(questionnaire, answers)


@dataclass(frozen=True)
class _Fixed:
    """What a questionnaire without logic shows: every question, on every page that has one."""

    codes: tuple[str, ...]  # hidden fields, then the questions' answer codes in page order
    questions: tuple[Question, ...]
    sections: tuple[Section, ...]


def _without_logic(questionnaire: Questionnaire) -> _Fixed | None:
    """The fixed view of a questionnaire with no show/skip condition and no computed value (memoised);
    None when logic decides."""
    from ..answers import _memo

    def make() -> _Fixed | None:
        questions = tuple(questionnaire.questions())
        conditioned = [*questionnaire.sections, *questions]
        if any(q.type == vocab.COMPUTED for q in questions) or any(
                item.show_if is not None or item.skip_if is not None for item in conditioned):
            return None
        codes = _answer_codes(questionnaire)
        return _Fixed((*(h.code for h in questionnaire.hidden), *(c for q in questions for c in codes.get(q.code, ()))),
                      questions, tuple(s for s in questionnaire.sections if s.questions))
    return _memo(questionnaire, "without_logic", make)


def shown_by_logic(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Shown:
    """:func:`shown` worked out question by question, evaluating every condition."""
    from ..answers import na_code_map
    na, codes = na_code_map(questionnaire), _answer_codes(questionnaire)
    kept = {h.code: answers[h.code] for h in questionnaire.hidden if h.code in answers}
    questions: list[Question] = []
    sections: list[Section] = []
    for section in questionnaire.sections:
        if not is_visible(section, kept, na):
            continue
        before = len(questions)
        for question in section.questions:
            if _take(question, answers, kept, na, codes):
                questions.append(question)
        if len(questions) > before:
            sections.append(section)
    return Shown(kept, tuple(questions), tuple(sections))


def _take(question: Question, answers: Mapping[str, Any], kept: dict[str, Any], na: Mapping,
          codes: Mapping[str, tuple[str, ...]]) -> bool:
    """Keep a shown question's answers (or its computed value); True when it is shown on a page."""
    if not is_visible(question, kept, na):
        return False
    if question.type == vocab.COMPUTED:
        if question.value:
            kept[question.code] = evaluate(question.value, kept, na)
        return False
    for code in codes.get(question.code, ()):
        if code in answers:
            kept[code] = answers[code]
    return True


def effective_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers that count: hidden fields, answers to shown questions, and computed values.

    Answers to questions that are now hidden (the respondent went back and changed an earlier
    answer) are dropped, so later conditions never see them.
    """
    return shown(questionnaire, answers).answers


def visible_questions(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[Question]:
    """Questions (and notes) shown to this respondent, in order; computed values are never shown."""
    return list(shown(questionnaire, answers).questions)


def visible_sections(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[Section]:
    """Sections (pages) shown to this respondent that have at least one visible question."""
    return list(shown(questionnaire, answers).sections)


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
