"""Rules on scoring metadata: dimensions, KPI roles, weights and courtesy checklists."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from .. import vocab
from ..model import Question, Questionnaire, Scoring
from ..problems import suggest
from ..reader import Reader, join

TOLERANCE = 1e-6
_KPI_TYPES = {"nps": {vocab.NPS}}


def scoring_sites(q: Questionnaire, r: Reader) -> Iterator[tuple[Scoring, str, Question, Any]]:
    """Yield (scoring, path, question, row-or-None) for every item that has scoring metadata."""
    for question in q.all_questions():
        if question.scoring is not None:
            yield question.scoring, join(r.path_of(question), "scoring"), question, None
        for row in question.rows:
            if row.scoring is not None:
                yield row.scoring, join(r.path_of(row), "scoring"), question, row


def is_scorable(question: Question, row: Any = None) -> bool:
    """Whether answers are numbers that can be scored (scales, or choices with whole-number values)."""
    if question.type in vocab.SCALE_TYPES:
        return True
    if question.type == vocab.MATRIX and row is None:
        return False  # a matrix is scored row by row
    if question.type not in (vocab.SINGLE_CHOICE, vocab.MATRIX):
        return False
    if question.scale is not None or (question.choices is not None and not question.choices.choices):
        return True  # a scale, or a missing list (reported where it is named)
    scored = [c.value for c in question.choices or () if not c.na]
    return bool(scored) and all(isinstance(v, int) for v in scored)


def check_scoring(q: Questionnaire, r: Reader) -> None:
    """Check every item's scoring and the questionnaire-wide declarations."""
    dimensions = {d.code for d in q.scoring.dimensions}
    used: set[str] = set()
    kpis: dict[str, str] = {}
    points: dict[str, float] = {}
    for scoring, path, question, row in scoring_sites(q, r):
        _check_item(scoring, path, question, row, dimensions, r)
        _check_kpi(scoring, path, question, kpis, r)
        _collect_points(scoring, path, q, points, r)
        if scoring.dimension:
            used.add(scoring.dimension)
    for dimension in q.scoring.dimensions:
        if dimension.code and dimension.code not in used:
            r.add("unused_dimension", r.path_of(dimension), value=dimension.code)
    _check_indices(q, dimensions, r)
    _check_checklists(q, points, r)


def _check_item(scoring: Scoring, path: str, question: Question, row: Any, dimensions: set[str], r: Reader) -> None:
    if not is_scorable(question, row):
        r.add("not_scorable", path, type=question.type)
    if scoring.dimension and scoring.dimension not in dimensions:
        r.add("unknown_dimension", join(path, "dimension"), value=scoring.dimension,
              suggestion=suggest(scoring.dimension, dimensions))
    if scoring.reverse and not scoring.dimension:
        r.add("reverse_without_dimension", join(path, "reverse"))
    if not scoring.weight > 0:
        r.add("weight_positive", join(path, "weight"), value=scoring.weight)


def _check_kpi(scoring: Scoring, path: str, question: Question, kpis: dict[str, str], r: Reader) -> None:
    role = scoring.kpi
    if role is None:
        return
    where = join(path, "kpi")
    if role not in vocab.KPI_ROLES:
        r.add("unknown_kpi", where, value=role, allowed=", ".join(vocab.KPI_ROLES))
        return
    if role in kpis:
        r.add("duplicate_kpi", where, value=role, first=kpis[role])
        return
    kpis[role] = path.rsplit(".scoring", 1)[0]
    needed = _KPI_TYPES.get(role)
    if needed and question.type not in needed:
        r.add("kpi_type", where, value=role, expected="/".join(sorted(needed)))


def _collect_points(scoring: Scoring, path: str, q: Questionnaire, points: dict[str, float], r: Reader) -> None:
    if scoring.points is None and scoring.stage is None and scoring.checklist is None:
        return
    if (scoring.points is None) != (scoring.stage is None):
        r.add("stage_and_points", join(path, "points" if scoring.points is None else "stage"))
    if scoring.stage is not None and scoring.stage not in vocab.STAGES:
        r.add("unknown_stage", join(path, "stage"), value=scoring.stage, allowed=", ".join(vocab.STAGES))
    if scoring.points is not None and not scoring.points > 0:
        r.add("weight_positive", join(path, "points"), value=scoring.points)
    checklist = _checklist_of(scoring, path, q, r)
    if checklist is not None and scoring.points is not None:
        points[checklist] = points.get(checklist, 0) + scoring.points


def _checklist_of(scoring: Scoring, path: str, q: Questionnaire, r: Reader) -> str | None:
    declared = [c.code for c in q.scoring.checklists]
    if not declared:
        r.add("no_checklist", join(path, "points"))
        return None
    if scoring.checklist is None:
        if len(declared) > 1:
            r.add("checklist_needed", join(path, "checklist"))
            return None
        return declared[0]
    if scoring.checklist not in declared:
        r.add("unknown_checklist", join(path, "checklist"), value=scoring.checklist)
        return None
    return scoring.checklist


def _check_indices(q: Questionnaire, dimensions: set[str], r: Reader) -> None:
    for index in q.scoring.indices:
        path = r.path_of(index)
        if index.method not in vocab.INDEX_METHODS:
            r.add("unknown_index_method", join(path, "method"), value=index.method)
        for name, weight in index.weights:
            where = join(join(path, "weights"), name)
            if name not in dimensions:
                r.add("unknown_dimension", where, value=name, suggestion=suggest(name, dimensions))
            if weight < 0:
                r.add("weight_nonnegative", where, value=weight)
        _check_sum([w for _, w in index.weights], index.total, join(path, "weights"), r, "weights_sum")


def _check_checklists(q: Questionnaire, points: dict[str, float], r: Reader) -> None:
    for checklist in q.scoring.checklists:
        path = r.path_of(checklist)
        if checklist.credit not in vocab.CHECKLIST_CREDITS:
            r.add("unknown_checklist_credit", join(path, "credit"), value=checklist.credit)
        if checklist.code not in points:
            r.add("empty_checklist", path, value=checklist.code)
            continue
        _check_sum([points[checklist.code]], checklist.total, join(path, "total"), r, "points_sum", checklist.code)


def _check_sum(values: list[float], declared: float, path: str, r: Reader, problem: str, name: str = "") -> None:
    actual = math.fsum(values)
    if abs(actual - declared) > TOLERANCE * max(1.0, abs(declared)):
        r.add(problem, path, value=name, actual=_fmt(actual), declared=_fmt(declared))


def _fmt(number: float) -> str:
    return f"{number:.6g}"
