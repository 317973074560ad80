"""Attitude segments of a wave: its respondents clustered on their dimension scores
(:func:`analysis.customers.segments.attitude_segments`: k by the largest mean silhouette, stability by the
adjusted Rand index over bootstrap resamples), each segment profiled by size, mean dimension scores and the
dimensions where it differs most from all respondents. Respondents missing a dimension score are left out.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from analysis.customers.segments import attitude_segments

from ..models import Wave
from .build import load_for
from .scoring import score_core, scoring_plan

#: Fewer respondents with every dimension score than this, and no segments are formed.
MIN_RESPONDENTS = 30
#: Segments looked for (2 to 6); fewer when respondents are few (at least 5 per segment looked for).
K_RANGE = range(2, 7)


class AttitudeError(ValueError):
    """Segments cannot be formed for this wave; the message is for the user (Korean)."""


@dataclass(frozen=True)
class SegmentProfile:
    """One attitude segment: its size, mean score per dimension and its largest differences from everyone."""

    number: int
    size: int
    share: float
    means: tuple[float, ...]
    differences: tuple[float, ...]
    top: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class AttitudeReport:
    """The wave's attitude segments and how they were chosen and checked."""

    used: int
    left_out: int
    dimensions: tuple[str, ...]
    overall: tuple[float, ...]
    k: int
    silhouettes: dict[int, float]
    stability: float
    profiles: tuple[SegmentProfile, ...]
    warnings: tuple[str, ...]


def _scores(wave: Wave, units: Collection[int] | None) -> tuple[np.ndarray, list[str]]:
    questionnaire = wave.version.questionnaire
    data = load_for(wave, questionnaire, units)
    plan = scoring_plan(questionnaire, data.codes)
    if len(plan.dimensions) < 2:
        raise AttitudeError("차원이 두 개 이상인 설문이어야 응답자를 태도 세분으로 나눌 수 있습니다.")
    core = score_core(data, plan)
    names = [plan.dimension_names[d].get("ko") or d for d in plan.dimensions]
    return core.dimension_scores, names


def _profile(c: int, size: int, n: int, means: np.ndarray, overall: np.ndarray, names: list[str]) -> SegmentProfile:
    diff = means - overall
    order = np.argsort(-np.abs(diff))[:2]
    return SegmentProfile(c + 1, size, size / n, tuple(means.tolist()), tuple(diff.tolist()),
                          tuple((names[j], float(diff[j])) for j in order))


def wave_attitudes(wave: Wave, units: Collection[int] | None = None, *, seed: int = 0) -> AttitudeReport:
    """Cluster the wave's respondents (only ``units``' when given) on their dimension scores."""
    scores, names = _scores(wave, units)
    complete = ~np.isnan(scores).any(axis=1) if scores.size else np.zeros(len(scores), dtype=bool)
    data = scores[complete]
    if len(data) < MIN_RESPONDENTS:
        raise AttitudeError(f"모든 차원에 응답한 분이 {len(data)}명뿐이라 태도 세분을 나눌 수 없습니다. "
                            f"{MIN_RESPONDENTS}명 이상 모이면 다시 보아 주십시오.")
    ks = [k for k in K_RANGE if len(data) >= 5 * k] or [2]
    try:
        result = attitude_segments(data, names, k_range=ks, seed=seed)
    except ValueError as exc:
        raise AttitudeError("응답자의 차원 점수가 모두 같아 태도 세분을 나눌 수 없습니다.") from exc
    overall = data.mean(axis=0)
    profiles = tuple(_profile(c, int(result.sizes[c]), len(data), result.profiles[c], overall, names)
                     for c in range(result.k))
    return AttitudeReport(len(data), int((~complete).sum()), tuple(names), tuple(overall.tolist()), result.k,
                          result.silhouettes, result.stability, profiles, result.warnings)
