"""Targets per index and dimension, set by CS staff, compared with a result's scores when it is shown.

A target is kept for a survey (every wave) or for one wave (which then takes precedence). It is judged
with :func:`analysis.targets.target_status` on the score's confidence interval: 달성 (the whole interval
is at or above the target), 미달 (the whole interval is below it) or 판단 보류 (the interval contains the
target). Targets are not part of a stored result: a changed target shows at once, without recomputing.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from analysis.targets import MET, NOT_MET, UNDECIDED, target_status
from questionnaires import Questionnaire

from ..database import db
from ..models import IndexTarget, Survey
from .model import Figure, WaveResult
from .scoring import scoring_plan

INDEX, DIMENSION = "index", "dimension"
STATUS_NAMES = {MET: _l("달성"), NOT_MET: _l("미달"), UNDECIDED: _l("판단 보류 (구간이 목표를 포함)")}
#: The workbook speaks Korean whatever the viewer's language.
STATUS_KO = {MET: "달성", NOT_MET: "미달", UNDECIDED: "판단 보류 (구간이 목표를 포함)"}
#: Every index and dimension score is on 0–100 (100-point mean or top-box percent).
SCALE = (0.0, 100.0)


@dataclass(frozen=True)
class Measure:
    """An index or dimension a target can be set for."""

    kind: str
    code: str
    name: str

    @property
    def key(self) -> str:
        """The form field's name."""
        return f"{self.kind}:{self.code}"


@dataclass(frozen=True)
class TargetCheck:
    """A score against its target: ``status`` is "met", "not_met", "undecided" or None (no interval)."""

    measure: Measure
    target: float
    score: Figure
    status: str | None
    for_wave: bool

    @property
    def status_name(self) -> str:
        """The judgement in the viewer's language."""
        return str(STATUS_NAMES[self.status]) if self.status else "–"


def measures(questionnaire: Questionnaire) -> list[Measure]:
    """The questionnaire's indices (declared, else the equal-weight one) and its scored dimensions."""
    plan = scoring_plan(questionnaire, tuple(i.code for i in questionnaire.scored_items()))
    out = [Measure(INDEX, idx.code, idx.name.get("ko") or idx.code) for idx in plan.indices]
    return out + [Measure(DIMENSION, d, plan.dimension_names[d].get("ko") or d) for d in plan.dimensions]


def stored_targets(survey_id: int, wave_id: int | None) -> dict[str, IndexTarget]:
    """The targets in force for a wave (``wave_id`` None: the survey-wide ones), by measure key; a wave's own
    target takes precedence over the survey's."""
    rows = db.session.scalars(select(IndexTarget).where(
        IndexTarget.survey_id == survey_id,
        or_(IndexTarget.wave_id.is_(None), IndexTarget.wave_id == wave_id) if wave_id else IndexTarget.wave_id.is_(None),
    ).order_by(IndexTarget.id)).all()
    found: dict[str, IndexTarget] = {}
    for row in sorted(rows, key=lambda r: r.wave_id is not None):  # the wave's own target last, so it wins
        found[f"{row.kind}:{row.code}"] = row
    return found


def _scores(result: WaveResult) -> dict[str, tuple[Measure, Figure]]:
    found = {f"{INDEX}:{i.code}": (Measure(INDEX, i.code, i.name), i.score) for i in result.indices}
    found.update({f"{DIMENSION}:{d.code}": (Measure(DIMENSION, d.code, d.name), d.score) for d in result.dimensions})
    return found


def target_checks(result: WaveResult, survey: Survey) -> tuple[TargetCheck, ...]:
    """Each index and dimension of ``result`` that has a target, judged by its interval (indices first)."""
    targets = stored_targets(survey.id, result.wave.id)
    checks = []
    for key, (measure, score) in _scores(result).items():
        row = targets.get(key)
        if row is None:
            continue
        status = target_status(score.ci_low, score.ci_high, row.target) if math.isfinite(score.value) else None
        checks.append(TargetCheck(measure, row.target, score, status, for_wave=row.wave_id is not None))
    return tuple(checks)


def parse_target(text: str, name: str) -> tuple[float | None, str | None]:
    """A typed target (blank: none) and a Korean problem, if any."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None, None
    try:
        value = float(text)
    except ValueError:
        return None, f"{name}: 목표는 숫자로 적어 주십시오 — '{text}'"
    if not math.isfinite(value) or not SCALE[0] <= value <= SCALE[1]:
        return None, f"{name}: 목표는 0에서 100 사이의 점수여야 합니다 (지수와 차원은 100점 만점입니다) — {text}"
    return round(value, 1), None
