"""One respondent's scores for the customer page: the headline index, NPS answer and item mean of a response.

The same arithmetic as the results pages (``survey_app.results.scoring``, which calls :mod:`analysis`):
100-point item scores with ``analysis.index.item_scores``, the respondent's dimension scores and headline
index with the results' own helpers, so a customer's score is the number their row contributes to a report.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from analysis.index import item_scores
from questionnaires import Text

from ..database import db
from ..models import Answer, SurveyVersion
from ..results.loading import missing_to_nan, numeric_codes
from ..results.scoring import on_scale, respondent_dimensions, respondent_index, scoring_plan


@dataclass(frozen=True)
class ResponseScores:
    """A response's headline index (0-100), its NPS answer (0-10) and the mean of its item scores (0-100)."""

    index: float | None
    index_name: Text | None
    nps: float | None
    nps_group: str | None
    item_mean: float | None
    items: int


def _nps_group(score: float) -> str:
    return "promoter" if score >= 9 else "detractor" if score <= 6 else "passive"


def _finite(value: float) -> float | None:
    return None if value is None or np.isnan(value) else round(float(value), 1)


def score_response(version: SurveyVersion, answers: dict[str, float]) -> ResponseScores | None:
    """The scores of one response from its numeric answers (code → value); None when nothing is scored."""
    questionnaire = version.questionnaire
    codes = tuple(numeric_codes(questionnaire))
    if not codes:
        return None
    row = np.array([[answers.get(c, np.nan) for c in codes]], dtype=float)
    missing_to_nan(row, codes, questionnaire)
    plan = scoring_plan(questionnaire, codes)
    index = item_mean = None
    if len(plan.specs):
        low = np.array([s.low for s in plan.specs], dtype=float)
        y, _ = on_scale(row[:, plan.columns], low, low + np.array([s.points - 1 for s in plan.specs], dtype=float))
        scores = item_scores(y, plan.specs)
        item_mean = _finite(np.nanmean(scores)) if not np.isnan(scores).all() else None
        if plan.headline is not None:
            own = scores if plan.headline.method == "mean100" else item_scores(y, plan.specs, plan.headline.method)
            index = _finite(respondent_index(respondent_dimensions(own, plan), plan, plan.headline)[0])
    nps_item = plan.kpis.get("nps")
    nps = _finite(row[0, codes.index(nps_item.code)]) if nps_item is not None else None
    return ResponseScores(index=index, index_name=plan.headline.name if plan.headline and index is not None
                          else None, nps=nps, nps_group=_nps_group(nps) if nps is not None else None,
                          item_mean=item_mean, items=int((~np.isnan(row)).sum()))


def numeric_answers(response_ids: list[int]) -> dict[int, dict[str, float]]:
    """Each response's numeric answers, code → value, read in one query."""
    found: dict[int, dict[str, float]] = defaultdict(dict)
    if response_ids:
        rows = db.session.execute(select(Answer.response_id, Answer.question_code, Answer.value_num)
                                  .where(Answer.response_id.in_(response_ids), Answer.value_num.is_not(None)))
        for response_id, code, value in rows:
            found[response_id][code] = value
    return found
