"""Synthetic but plausible answers for the demo, drawn from a model with the structure of a real quarter.

Each respondent has a general satisfaction (office and wave effects plus their own), and from it a
latent level per quality dimension: dimensions sit at different levels (:data:`DIMENSION_LEVEL`: 과정품질
high, 환경품질 low), correlate through the general factor, and drive overall satisfaction with unequal
weights (:data:`DRIVER_WEIGHTS`: 과정품질 first), so the results page finds real differences and real
drivers. Items vary a little around their dimension. Age bands and 기타 answers follow what a post
office counter sees (:data:`AGE_SHARES`, :data:`SERVICE_SHARES`, :data:`OTHER_SERVICES`).
"""
from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from questionnaires import Questionnaire, vocab
from questionnaires.answers import other_code
from questionnaires.logic import is_visible
from questionnaires.model import Question

from .demo_voc import comment
from .responses.operations import AnswerRow

#: Where each quality dimension's answers sit, in standard deviations of the general satisfaction.
DIMENSION_LEVEL = {"process": 0.35, "outcome": 0.1, "environment": -0.5, "social": 0.15}
#: How strongly each quality dimension drives overall satisfaction (the drivers the results should find).
DRIVER_WEIGHTS = {"process": 0.5, "outcome": 0.3, "environment": 0.12, "social": 0.08}
#: The pain point of the quarter: waiting at the counter (item code, level below its dimension, weight in overall
#: satisfaction) — an item the item-level drivers should name as the one to fix first.
PAIN_POINT = ("Q1_4", -1.1, 0.45)
#: Age bands of postal counter customers (만 19세 이하 … 70세 이상): older people use the counter most.
AGE_SHARES = (0.02, 0.09, 0.14, 0.19, 0.23, 0.20, 0.13)
#: Chance that a user picked each postal service (일반우편, 등기, 소포·택배, 국제, 증명·조회, 기타).
SERVICE_SHARES = (0.5, 0.42, 0.62, 0.09, 0.12, 0.04)
#: What people write after 기타.
OTHER_SERVICES = ("우표 구입", "내용증명 발송", "우체국 알뜰폰 상담", "해외 직구 반송", "주소 이전 신고",
                  "경조금 배달 신청", "우체국 쇼핑 반품", "여권 발송", "폐업 신고 서류 발송")


@dataclass(frozen=True)
class Respondent:
    """Who answers: a general satisfaction, its per-dimension levels and the segment fields distribution knows."""

    satisfaction: float
    hidden: dict[str, str]
    dimensions: dict[str, float] = field(default_factory=dict)
    items: dict[str, float] = field(default_factory=dict)

    @classmethod
    def draw(cls, general: float, hidden: dict[str, str], rng: random.Random) -> Respondent:
        """Quality levels from the general satisfaction (correlated, at their own levels), the pain point's own
        experience, and an overall satisfaction driven by them with :data:`DRIVER_WEIGHTS` and :data:`PAIN_POINT`."""
        quality = {d: level + 0.75 * general + rng.gauss(0, 0.65) for d, level in DIMENSION_LEVEL.items()}
        code, shift, weight = PAIN_POINT
        waited = rng.gauss(0, 0.9)
        overall = (sum(w * quality[d] for d, w in DRIVER_WEIGHTS.items()) + weight * waited
                   + rng.gauss(0, 0.45))
        return cls(overall, hidden, quality, {code: shift + waited})

    def level(self, dimension: str | None, code: str = "") -> float:
        """The latent level behind item ``code`` of ``dimension`` (overall satisfaction when it has none)."""
        return self.dimensions.get(dimension or "", self.satisfaction) + self.items.get(code, 0.0)


def _item_offset(code: str) -> float:
    """A small, stable difference between items of one dimension (some are rated a little higher)."""
    return ((zlib.crc32(code.encode()) % 9) - 4) * 0.05


def _scale_answer(question: Question, who: Respondent | float, rng: random.Random) -> AnswerRow | None:
    scale = question.effective_scale
    if scale.na is not None and rng.random() < 0.03:
        return AnswerRow(question.code, value_num=float(scale.na.value), choice=str(scale.na.value))
    dimension = question.scoring.dimension if question.scoring else None
    mood = who if isinstance(who, float) else who.level(dimension, question.code) + _item_offset(question.code)
    centre = scale.low + (scale.high - scale.low) * 0.68
    value = round(centre + mood * (scale.high - scale.low) * 0.17 + rng.gauss(0, (scale.high - scale.low) * 0.11))
    value = min(max(value, scale.low), scale.high)
    if question.scoring and question.scoring.reverse:
        value = scale.low + scale.high - value
    return AnswerRow(question.code, value_num=float(value), choice=str(value))  # as the respondent pages store it


def _shares(question: Question, count: int) -> tuple[float, ...] | None:
    """Known shares of a choice list: age bands and postal services as a post office sees them."""
    known = {"age_band": AGE_SHARES, "postal_services": SERVICE_SHARES}.get(question.choices.name or "")
    return known if known is not None and len(known) == count else None


def _choice_rows(question: Question, rng: random.Random) -> list[AnswerRow]:
    options = [c for c in question.choices if not c.na] if question.choices else []
    if not options:
        return []
    shares = _shares(question, len(options))
    if question.type == vocab.MULTIPLE_CHOICE and shares is not None:
        picked = [c for c, p in zip(options, shares, strict=True) if rng.random() < p] or [options[2]]
    elif question.type == vocab.SINGLE_CHOICE and shares is not None:
        picked = [rng.choices(options, weights=shares)[0]]
    elif question.type == vocab.SINGLE_CHOICE:
        picked = [rng.choices(options, weights=[(len(options) - i) ** 2 for i in range(len(options))])[0]]
    elif question.type == vocab.RANKING:
        picked = rng.sample(options, len(options))
    else:
        low, high = question.min_selected or 1, question.max_selected or min(3, len(options))
        picked = rng.sample(options, rng.randint(low, max(low, min(high, len(options)))))
    rows = [AnswerRow(question.code, position=i, choice=str(c.value),
                      value_num=float(c.value) if isinstance(c.value, int) else None) for i, c in enumerate(picked)]
    if any(c.other for c in picked):  # 기타 comes with what it was, as the respondent page asks
        rows.append(AnswerRow(other_code(question.code), value_text=rng.choice(OTHER_SERVICES)))
    return rows


def answers_for(question: Question, who: Respondent, rng: random.Random) -> list[AnswerRow]:
    """Plausible answers to one question by one respondent (possibly none)."""
    kind = question.type
    if kind in vocab.SCALE_TYPES:
        row = _scale_answer(question, who, rng)
        return [row] if row else []
    if kind == vocab.MATRIX:
        return [r for row in question.rows
                if (r := _scale_answer(Question(code=row.code, type=vocab.LIKERT, scale=question.scale,
                                                scoring=row.scoring), who, rng))]
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
