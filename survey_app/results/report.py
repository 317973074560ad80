"""One wave's scores from its loaded arrays: the pure part of a wave result (no database).

:func:`score_loaded_wave` is what the benchmark times as "compute": everything the results page
shows except the response rate and the trend, which need the database (see :mod:`.build`).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from analysis import Estimate, estimate
from questionnaires import Questionnaire

from .courtesy import Directory, courtesy_scores
from .coverage import coverage
from .loading import WaveData
from .model import ChecklistResult, Coverage, DimensionScore, Drivers, Figure, IndexScore, ItemScore, Kpi, SegmentTable
from .scoring import (
    dimension_points,
    dimension_results,
    driver_results,
    index_scores,
    item_results,
    kpi_results,
    score_core,
    scoring_plan,
)
from .segments import segment_tables

NO_RESPONSES = "완료된 응답이 없습니다 (no complete responses yet)."


@dataclass(frozen=True, eq=False)
class ScoredWave:
    """The computed part of a :class:`~.model.WaveResult`."""

    n: int
    headline: Figure | None
    headline_code: str | None
    indices: tuple[IndexScore, ...] = ()
    dimensions: tuple[DimensionScore, ...] = ()
    items: tuple[ItemScore, ...] = ()
    kpis: dict[str, Kpi] = field(default_factory=dict)
    segments: tuple[SegmentTable, ...] = ()
    courtesy: tuple[ChecklistResult, ...] = ()
    drivers: Drivers | None = None
    warnings: tuple[str, ...] = ()
    dimension_points: dict[str, float] = field(default_factory=dict)
    coverage: Coverage | None = None

    def headline_estimate(self) -> Estimate | None:
        """The headline as an :class:`analysis.Estimate` (for ``compare.wave_change``)."""
        h = self.headline
        if h is None or not np.isfinite(h.value) or not np.isfinite(h.se):
            return None
        return h.as_estimate()


def score_loaded_wave(data: WaveData, questionnaire: Questionnaire, *,
                      segment_names: Mapping[str, Mapping[str, str]] | None = None,
                      directory: Directory | None = None, full: bool = True, min_evaluations: int = 3,
                      confidence: float = 0.95) -> ScoredWave:
    """Score a loaded wave; ``full=False`` computes only the headline, the KPIs and dimension scores (for trends).

    Linear algebra runs on one thread: the products here are thin (n x 30) and memory-bound, and a
    multi-threaded BLAS on a busy machine spends longer synchronising its threads than computing (the
    report of a 200k wave took 14.4 s with OpenBLAS's threads and 8.8 s with one at load 6 on 2 cores)."""
    with threadpool_limits(limits=1, user_api="blas"):
        return _score(data, questionnaire, segment_names, directory, full, min_evaluations, confidence)


def _score(data: WaveData, questionnaire: Questionnaire, segment_names: Mapping[str, Mapping[str, str]] | None,
           directory: Directory | None, full: bool, min_evaluations: int, confidence: float) -> ScoredWave:
    if data.n == 0:
        return ScoredWave(n=0, headline=None, headline_code=None, warnings=data.warnings + (NO_RESPONSES,))
    plan = scoring_plan(questionnaire, data.codes)
    core = score_core(data, plan, confidence)
    courtesy = courtesy_scores(data, questionnaire, core.design, directory if full else None,
                               min_evaluations=min_evaluations, confidence=confidence)
    kpis = kpi_results(data, core, plan, confidence)
    headline, code, respondent = _headline(core, plan, courtesy)
    notes = data.warnings + plan.warnings + core.warnings + courtesy.warnings
    if not full:
        return ScoredWave(n=data.n, headline=headline, headline_code=code, kpis=kpis, warnings=notes,
                          dimension_points=dimension_points(core, plan))
    dimensions, items = dimension_results(core, plan), item_results(core, plan)
    scored_questions = _scored_questions(questionnaire, plan, courtesy)
    segments = segment_tables(data, respondent, core.design, core.dimension_scores, plan.dimensions,
                              segment_names or {})
    drivers = driver_results(data, core, plan, dimensions, items)  # last: it overwrites core.scores
    return ScoredWave(
        n=data.n, headline=headline, headline_code=code, indices=index_scores(core, plan), dimensions=dimensions,
        items=items, kpis=kpis, segments=segments, courtesy=courtesy.checklists, drivers=drivers, warnings=notes,
        dimension_points={d.code: d.score.value for d in dimensions},
        # a survey with nothing scored (only choices and texts) has no "who is scored": every response is counted
        coverage=coverage(data, questionnaire, scored_questions, respondent) if scored_questions else None)


def _scored_questions(questionnaire: Questionnaire, plan, courtesy) -> set[str]:
    """Codes of the questions whose answers make the headline (the dimension items, else the checklist's)."""
    if plan.items:
        return {i.question for i in plan.items}
    return {i.question for i in questionnaire.scored_items() if i.checklist}


def _headline(core, plan, courtesy) -> tuple[Figure | None, str | None, np.ndarray]:
    """The headline figure, its code and each respondent's own headline score."""
    if plan.headline is not None and plan.headline.code in core.indices:
        return Figure.of(core.indices[plan.headline.code].index), plan.headline.code, core.respondent
    if courtesy.checklists:
        est = estimate.mean(courtesy.scores, design=core.design)
        return Figure.of(est), "courtesy", courtesy.scores
    return None, None, core.respondent
