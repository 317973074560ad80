"""Courtesy scores of stored evaluations: checklist levels → stage and 100-point scores → ranks.

Item credit follows the questionnaire's scoring rule (``ScoredItem``): an item earns
``points × (level − lowest) / (highest − lowest)``, so 탁월 earns all its points and 부진 none
(the bundled checklist's "배점 × (등급 − 1) / 4"); 모름/해당없음 leaves the item out and the
evaluation is rescaled to 100 over the rated items (``analysis.courtesy.score_evaluations``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.courtesy import CheckItem, EvaluationScores, UnitScore, aggregate, score_evaluations
from questionnaires import ChecklistSpec, Questionnaire, checklist_specs

from ..results.courtesy import unit_stage_means

STAGES = ("맞이", "응대", "마무리", "전체")


@dataclass(frozen=True)
class ChecklistScores:
    """Scores of the evaluations that used one checklist (e.g. counter or phone)."""

    spec: ChecklistSpec
    response_ids: list[int]
    scores: EvaluationScores


def _levels(spec: ChecklistSpec, answers: list[dict[str, Any]]) -> np.ndarray:
    matrix = np.full((len(answers), len(spec.items)), np.nan)
    for row, given in enumerate(answers):
        for col, item in enumerate(spec.items):
            value = given.get(item.code)
            if isinstance(value, (int, float)) and value not in item.na_codes:
                matrix[row, col] = value
    return matrix


def _credit(spec: ChecklistSpec) -> tuple[dict[int, float], int]:
    low = min(i.scale_min for i in spec.items)
    high = max(i.scale_max for i in spec.items)
    return {level: (level - low) / (high - low) for level in range(max(low, 1), high + 1)}, high


def score_checklists(questionnaire: Questionnaire, evaluations: list[tuple[int, dict[str, Any]]]) -> list[ChecklistScores]:
    """Score each evaluation against the checklist whose items it rated (one evaluation, one checklist)."""
    results = []
    for spec in checklist_specs(questionnaire):
        codes = {i.code for i in spec.items}
        mine = [(rid, given) for rid, given in evaluations if codes & {k for k, v in given.items() if v is not None}]
        if not mine or not spec.items:
            continue
        levels = _levels(spec, [given for _rid, given in mine])
        credit, high = _credit(spec)
        items = [CheckItem(i.code, i.stage or "전체", float(i.points or 0)) for i in spec.items]
        scores = score_evaluations(levels, items, credit=credit, max_level=high, total=float(spec.total))
        results.append(ChecklistScores(spec, [rid for rid, _g in mine], scores))
    return results


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
