"""Courtesy scores of stored evaluations: checklist levels → stage and 100-point scores → ranks.

Item credit follows the checklist's credit rule (``scoring.checklists[].credit``, by default
``linear``: ``points × (level − lowest) / (highest − lowest)``, so 탁월 earns all its points and 부진
none), computed by ``analysis.courtesy.score_answers`` exactly as on the results page: 모름/해당없음
and answers off the scale leave the item out and the evaluation is rescaled over the rated items.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.courtesy import EvaluationScores, UnitScore, aggregate, evaluations_needed
from questionnaires import ChecklistSpec, Questionnaire, checklist_specs

from ..results.courtesy import score_answers, unit_stage_means

STAGES = ("맞이", "응대", "마무리", "전체")


@dataclass(frozen=True)
class ChecklistScores:
    """Scores of the evaluations that used one checklist (e.g. counter or phone)."""

    spec: ChecklistSpec
    response_ids: list[int]
    scores: EvaluationScores


def _answers(spec: ChecklistSpec, answers: list[dict[str, Any]]) -> np.ndarray:
    """The stored answers to the checklist's items (NaN when unrated or 모름/해당없음)."""
    matrix = np.full((len(answers), len(spec.items)), np.nan)
    for row, given in enumerate(answers):
        for col, item in enumerate(spec.items):
            value = given.get(item.code)
            if isinstance(value, (int, float)) and value not in item.na_codes:
                matrix[row, col] = value
    return matrix


def score_checklists(questionnaire: Questionnaire, evaluations: list[tuple[int, dict[str, Any]]]) -> list[ChecklistScores]:
    """Score each evaluation against the checklist whose items it rated (one evaluation, one checklist);
    a checklist whose items have different scales is not scored (as on the results page)."""
    results = []
    for spec in checklist_specs(questionnaire):
        codes = {i.code for i in spec.items}
        mine = [(rid, given) for rid, given in evaluations if codes & {k for k, v in given.items() if v is not None}]
        scores = score_answers(_answers(spec, [given for _rid, given in mine]), spec) if mine else None
        if scores is not None:
            results.append(ChecklistScores(spec, [rid for rid, _g in mine], scores))
    return results


def needed_for(totals: np.ndarray) -> int | None:
    """Evaluations per unit for a 5-point difference to separate two units (``evaluations_needed``)."""
    known = totals[~np.isnan(totals)]
    return evaluations_needed(float(np.std(known, ddof=1))) if len(known) > 1 else None


@dataclass(frozen=True)
class UnitRow:
    """One office or staff member: the ranked mean total and the mean stage percentages."""

    unit: Any
    score: UnitScore
    stages: dict[str, float]


def unit_rows(ids: list[int], totals: np.ndarray, stage_percent: dict[str, np.ndarray], units: list[Any],
              min_evaluations: int) -> list[UnitRow]:
    """Ranked rows per unit (ties share the better rank; units below the minimum are listed, not ranked)."""
    keep = [i for i, unit in enumerate(units) if unit is not None and not np.isnan(totals[i])]
    if not keep:
        return []
    labels = [str(units[i]) for i in keep]
    ranked = aggregate(totals[keep], labels, min_evaluations=min_evaluations)
    means = unit_stage_means(np.array(labels), {s: stage_percent[s][keep] for s in STAGES if s in stage_percent})
    return [UnitRow(score.unit, score, means.get(score.unit, {})) for score in ranked]
