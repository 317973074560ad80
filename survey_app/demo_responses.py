"""Synthetic but plausible answers for the demo: office and wave effects, partial responses, comments."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from questionnaires import Questionnaire, vocab
from questionnaires.logic import is_visible
from questionnaires.model import Question

from .demo_voc import comment
from .responses.operations import AnswerRow


@dataclass(frozen=True)
class Respondent:
    """Who answers: a latent satisfaction and the segment fields the distribution would know."""

    satisfaction: float
    hidden: dict[str, str]


def _scale_answer(question: Question, mood: float, rng: random.Random) -> AnswerRow | None:
    scale = question.effective_scale
    if scale.na is not None and rng.random() < 0.03:
        return AnswerRow(question.code, value_num=float(scale.na.value), choice=str(scale.na.value))
    centre = scale.low + (scale.high - scale.low) * 0.72
    value = round(centre + mood * (scale.high - scale.low) * 0.18 + rng.gauss(0, (scale.high - scale.low) * 0.12))
    value = min(max(value, scale.low), scale.high)
    if question.scoring and question.scoring.reverse:
        value = scale.low + scale.high - value
    return AnswerRow(question.code, value_num=float(value), choice=str(value))  # as the respondent pages store it


def _choice_rows(question: Question, rng: random.Random) -> list[AnswerRow]:
    options = [c for c in question.choices if not c.na] if question.choices else []
    if not options:
        return []
    if question.type == vocab.SINGLE_CHOICE:
        picked = [rng.choices(options, weights=[(len(options) - i) ** 2 for i in range(len(options))])[0]]
    elif question.type == vocab.RANKING:
        picked = rng.sample(options, len(options))
    else:
        low, high = question.min_selected or 1, question.max_selected or min(3, len(options))
        picked = rng.sample(options, rng.randint(low, max(low, min(high, len(options)))))
    return [AnswerRow(question.code, position=i, choice=str(c.value),
                      value_num=float(c.value) if isinstance(c.value, int) else None) for i, c in enumerate(picked)]


def answers_for(question: Question, who: Respondent, rng: random.Random) -> list[AnswerRow]:
    """Plausible answers to one question by one respondent (possibly none)."""
    kind = question.type
    if kind in vocab.SCALE_TYPES:
        row = _scale_answer(question, who.satisfaction, rng)
        return [row] if row else []
    if kind == vocab.MATRIX:
        return [r for row in question.rows
                if (r := _scale_answer(Question(code=row.code, type=vocab.LIKERT, scale=question.scale,
                                                scoring=row.scoring), who.satisfaction, rng))]
    if kind in vocab.CHOICE_TYPES:
        return _choice_rows(question, rng)
    if kind in (vocab.SHORT_TEXT, vocab.LONG_TEXT):
        return [AnswerRow(question.code, value_text=comment(who.satisfaction, who.hidden, rng))] if rng.random() < 0.35 else []
    if kind == vocab.NUMBER:
        low, high = question.min or 0, question.max or 10
        return [AnswerRow(question.code, value_num=float(rng.randint(int(low), int(high))))]
    if kind == vocab.HIDDEN:
        value = who.hidden.get(question.distribution_source)
        return [AnswerRow(question.code, value_text=value)] if value else []
    return []


def _logic_value(rows: list[AnswerRow]):
    """What the questionnaire's logic sees for these rows (a value, or a list for several)."""
    values = [r.value_num if r.value_num is not None else (r.choice or r.value_text) for r in rows]
    values = [int(v) if isinstance(v, float) and v.is_integer() else v for v in values]
    return values if len(values) > 1 else values[0]


def _answer(question: Question, who: Respondent, rng: random.Random, seen: dict) -> list[AnswerRow]:
    if not is_visible(question, seen):
        return []
    rows = answers_for(question, who, rng)
    for code in {r.question_code for r in rows}:
        seen[code] = _logic_value([r for r in rows if r.question_code == code])
    return rows


def response_plan(questionnaire: Questionnaire, who: Respondent, rng: random.Random,
                  complete: bool) -> tuple[int, list[AnswerRow]]:
    """(last page answered, answer rows) for one respondent, following the questionnaire's logic;
    a partial respondent stops after a random page."""
    seen: dict = {}
    rows = [row for q in questionnaire.hidden for row in _answer(q, who, rng, seen)]
    stop = len(questionnaire.sections) if complete else rng.randint(1, max(1, len(questionnaire.sections) - 1))
    last = 0
    for number, section in enumerate(questionnaire.sections[:stop], start=1):
        if not is_visible(section, seen):
            continue
        for question in section.questions:
            rows.extend(_answer(question, who, rng, seen))
        last = number
    return last, rows


def fill_shown(questionnaire: Questionnaire, who: Respondent, rng: random.Random, seen: dict) -> dict:
    """``seen`` completed with plausible answers to every question logic shows that it does not answer yet
    (a courtesy checklist after its setup step); returns ``seen``."""
    for section in questionnaire.sections:
        if not is_visible(section, seen):
            continue
        for question in section.questions:
            if question.type != vocab.HIDDEN and question.code not in seen:
                _answer(question, who, rng, seen)
    return seen


def response_times(rng: random.Random, opens: datetime, days: int) -> tuple[datetime, datetime]:
    """A start time inside the fielding period and a finish 3–15 minutes later."""
    start = opens + timedelta(seconds=rng.randint(0, days * 86400 - 3600))
    return start, start + timedelta(seconds=rng.randint(180, 900))
