"""Case rules on a computed score: one response's dimension score (e.g. 과정품질) or overall index (e.g. the
PCSI-style 종합 지수), on the 0–100 scale, at or below a threshold.

The arithmetic is the results' own (:mod:`survey_app.results.scoring`, which calls
``analysis.index.item_scores``): 100-point item scores after reverse coding, a dimension as the item-weighted
mean of the items the respondent answered (모름 and off-scale answers left out), an index as the weighted
mean of the dimensions answered. So a case opens on the same number the report gives that respondent.
A target is written ``dimension:<code>`` or ``index:<code>`` in the rule's question column.
"""
from __future__ import annotations

import numpy as np
from flask_babel import gettext as _

from questionnaires import Questionnaire

from ..models import Answer
from ..results.scoring import (
    ScoringPlan,
    item_scores,
    on_scale,
    respondent_dimensions,
    respondent_index,
    scoring_plan,
)

DIMENSION, INDEX = "dimension:", "index:"
INDEX_LOW, INDEX_HIGH = 0, 100


def _plan(questionnaire: Questionnaire) -> ScoringPlan:
    return scoring_plan(questionnaire, tuple(questionnaire.answer_codes()))


def index_targets(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """(target, label) of every dimension with scored items and every usable index of the questionnaire."""
    plan = _plan(questionnaire)
    found = [(DIMENSION + code, _("차원 점수 · %(name)s", name=name.ko or code))
             for code, name in plan.dimension_names.items()]
    return found + [(INDEX + idx.code, _("종합 지수 · %(name)s", name=idx.name.ko or idx.code)) for idx in plan.indices]


def is_index_target(code: str) -> bool:
    """Whether a rule's question column names a computed score rather than a question."""
    return code.startswith((DIMENSION, INDEX))


def index_problem(questionnaire: Questionnaire, target: str, threshold: float | None) -> str | None:
    """Why an index rule cannot work (Korean), or None."""
    if target not in dict(index_targets(questionnaire)):
        return _("%(code)s은(는) 이 설문에서 계산하는 차원 점수나 종합 지수가 아닙니다.", code=target)
    if threshold is None or not INDEX_LOW <= threshold <= INDEX_HIGH:
        return _("지수 기준 점수는 지수 척도(0~100점) 안이어야 합니다.")
    return None


def response_score(questionnaire: Questionnaire, target: str, answers: dict[str, list[Answer]]) -> float | None:
    """One response's score on ``target`` (0–100), or None when it answered none of its items."""
    plan = _plan(questionnaire)
    if not plan.specs:
        return None
    row = [[_number(answers.get(spec.code)) for spec in plan.specs]]
    y = np.array(row, dtype=float)
    low = np.array([s.low for s in plan.specs], dtype=float)
    y, _off = on_scale(y, low, low + np.array([s.points - 1 for s in plan.specs], dtype=float))
    code = target.split(":", 1)[1]
    if target.startswith(DIMENSION):
        dims = respondent_dimensions(item_scores(y, plan.specs), plan)
        value = dims[0, plan.dimensions.index(code)] if code in plan.dimensions else np.nan
    else:
        idx = next((i for i in plan.indices if i.code == code), None)
        if idx is None:
            return None
        dims = respondent_dimensions(item_scores(y, plan.specs, idx.method), plan)
        value = respondent_index(dims, plan, idx)[0]
    return None if np.isnan(value) else float(value)


def _number(rows: list[Answer] | None) -> float:
    return rows[0].value_num if rows and rows[0].value_num is not None else np.nan
