"""Courtesy (친절도) checklists: evaluation scores, stage percents and rankings of staff, units and regions.

Evaluations are complete responses to a staff-courtesy survey. For each checklist of the
questionnaire, the evaluations that rated at least one of its items are scored with
``analysis.courtesy.score_answers`` under the checklist's credit rule (default ``linear``: an item
earns ``points x (level - lowest) / (highest - lowest)``, 탁월 100% … 부진 0% on 5 levels);
unrated items and answers off the scale are left out and the evaluation is rescaled to the
checklist's total. A checklist whose items have different scales is not scored. Scores are ranked
with ``analysis.courtesy.aggregate`` (ties share the better rank; units with fewer than ``min_evaluations`` evaluations are listed but not ranked) for the
evaluated staff member, their unit (evaluated unit, staff member's unit or the office in the link)
and that unit's region.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from analysis import courtesy, estimate
from analysis.courtesy import CheckItem, EvaluationScores, aggregate, evaluations_needed
from analysis.design import SurveyDesign
from questionnaires import ChecklistSpec, Questionnaire, checklist_specs

from .loading import UNKNOWN, WaveData
from .model import ChecklistResult, Figure, UnitRank

MIN_EVALUATIONS = 3
LEVELS = ("staff", "unit", "region")


@dataclass(frozen=True)
class Directory:
    """Names of the staff and units a ranking may show, and each unit's region."""

    staff: Mapping[int, tuple[str, str]] = field(default_factory=dict)
    units: Mapping[int, tuple[str, str]] = field(default_factory=dict)
    region_of: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class CourtesyScores:
    """Each checklist's result and every evaluation's score (NaN when it rated nothing)."""

    checklists: tuple[ChecklistResult, ...]
    scores: np.ndarray
    warnings: tuple[str, ...] = ()


def checklist_scale(spec: ChecklistSpec) -> tuple[int, int] | None:
    """The one answer scale (lowest, highest) of the checklist's items, or None if they differ."""
    scales = {(i.scale_min, i.scale_max) for i in spec.items}
    if len(scales) != 1 or None in next(iter(scales)):
        return None
    return scales.pop()


def score_answers(answers: np.ndarray, spec: ChecklistSpec) -> EvaluationScores | None:
    """The checklist's scores of ``answers`` (one column per item) under its credit rule, or None
    if its items have different scales."""
    scale = checklist_scale(spec)
    if not spec.items or scale is None:
        return None
    checklist = [CheckItem(i.code, i.stage, float(i.points)) for i in spec.items]
    with np.errstate(invalid="ignore", divide="ignore"):  # an evaluation that rated nothing scores NaN
        scores, _off = courtesy.score_answers(answers, checklist, low=scale[0], high=scale[1], rule=spec.credit,
                                              total=float(spec.total))
    return scores


def score_checklist(data: WaveData, spec: ChecklistSpec) -> tuple[np.ndarray, dict[str, np.ndarray]] | None:
    """Every evaluation's score on the checklist (NaN if it rated none of its items) and stage percents."""
    if not spec.items or any(i.code not in data.codes for i in spec.items):
        return None
    result = score_answers(np.column_stack([data.column(i.code) for i in spec.items]), spec)
    if result is None:
        return None
    return result.total, dict(result.stage_percent)


def unit_stage_means(labels: np.ndarray, stage_percent: Mapping[str, np.ndarray]) -> dict[Any, dict[str, float]]:
    """Each unit's mean stage percents over its evaluations that rated the stage (stages none rated left out)."""
    units, codes = np.unique(np.asarray(labels), return_inverse=True)
    plain = [u.item() if hasattr(u, "item") else u for u in units]
    means: dict[Any, dict[str, float]] = {unit: {} for unit in plain}
    for stage, percent in stage_percent.items():
        percent = np.asarray(percent, dtype=float)
        rated = ~np.isnan(percent)
        count = np.bincount(codes[rated], minlength=len(units))
        total = np.bincount(codes[rated], weights=percent[rated], minlength=len(units))
        for j in np.flatnonzero(count):
            means[plain[j]][stage] = float(total[j] / count[j])
    return means


def _ranks(level: str, scores: np.ndarray, labels: np.ndarray, names: Mapping[int, tuple[str, str]],
           min_evaluations: int, stage_percent: Mapping[str, np.ndarray]) -> tuple[UnitRank, ...]:
    """A ranking of the units in ``labels`` (ids; -1 unknown) by their mean score, with mean stage percents."""
    keep = ~np.isnan(scores) & (labels != UNKNOWN)
    if not keep.any():
        return ()
    rows = aggregate(scores[keep], labels[keep], min_evaluations=min_evaluations)
    stages = unit_stage_means(labels[keep], {s: p[keep] for s, p in stage_percent.items()})
    return tuple(UnitRank(level=level, unit_id=int(r.unit), code=names.get(int(r.unit), ("", ""))[0],
                          name=names.get(int(r.unit), ("", str(r.unit)))[1], n=r.n, mean=r.mean, se=r.se,
                          ci_low=r.ci[0], ci_high=r.ci[1], rank=r.rank, below_minimum=r.below_minimum,
                          stages=stages.get(int(r.unit), {}), rank_best=r.rank_best, rank_worst=r.rank_worst)
                 for r in rows)


def rankings(data: WaveData, scores: np.ndarray, directory: Directory, min_evaluations: int = MIN_EVALUATIONS,
             stage_percent: Mapping[str, np.ndarray] | None = None) -> dict[str, tuple[UnitRank, ...]]:
    """Rankings of staff, units and regions by their evaluations' mean score (and mean stage percents)."""
    regions = np.array([directory.region_of.get(int(u), UNKNOWN) for u in data.units], dtype=np.int64)
    labels = {"staff": data.staff, "unit": data.units, "region": regions}
    names = {"staff": directory.staff, "unit": directory.units, "region": directory.units}
    with np.errstate(invalid="ignore", divide="ignore"):
        return {level: _ranks(level, scores, labels[level], names[level], min_evaluations, stage_percent or {})
                for level in LEVELS}


def _stage_points(spec: ChecklistSpec) -> dict[str, float]:
    """The checklist's points per stage (맞이 20, 응대 50, ...)."""
    points: dict[str, float] = {}
    for item in spec.items:
        points[item.stage] = points.get(item.stage, 0.0) + float(item.points)
    return points


def courtesy_scores(data: WaveData, questionnaire: Questionnaire, design: SurveyDesign,
                    directory: Directory | None = None, *, min_evaluations: int = MIN_EVALUATIONS,
                    confidence: float = 0.95) -> CourtesyScores:
    """Score every checklist; rankings only when a ``directory`` is given."""
    results, notes, combined = [], [], []
    for spec in checklist_specs(questionnaire):
        scored = score_checklist(data, spec)
        if scored is None:
            notes.append(f"checklist {spec.code}: items missing or on different scales; not scored")
            continue
        total, stages = scored
        if np.isnan(total).all():
            continue
        combined.append(total)
        est = estimate.mean(total, design=design, confidence=confidence)
        results.append(ChecklistResult(
            code=spec.code, name=spec.name.get("ko"), name_en=spec.name.get("en"), n=est.n, score=Figure.of(est),
            stages={s: float(np.nanmean(p)) for s, p in stages.items() if not np.isnan(p).all()},
            rankings=rankings(data, total, directory, min_evaluations, stages) if directory is not None else {},
            min_evaluations=min_evaluations, stage_points=_stage_points(spec),
            evaluations_needed=evaluations_needed(float(np.nanstd(total, ddof=1))) if est.n > 1 else None))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rows no checklist rated stay NaN
        scores = np.nanmean(np.vstack(combined), axis=0) if combined else np.full(data.n, np.nan)
    return CourtesyScores(checklists=tuple(results), scores=scores, warnings=tuple(notes))
