"""Uplift of a retention action: retained share among treated customers minus a randomised control.

Interval: Newcombe's hybrid score interval for a difference of two independent proportions
(Newcombe 1998, "Interval estimation for the difference between independent proportions: comparison
of eleven methods", Statistics in Medicine 17:873–890, method 10), built from the two Wilson score
intervals. It keeps its coverage with the small control groups a 10% holdout gives, where the Wald
interval does not. Checked against Newcombe's worked example 56/70 − 48/80: 0.0524 to 0.3339.

p-value: the two-sided pooled two-proportion z test, identical to R's
``prop.test(c(x1, x2), c(n1, n2), correct = FALSE)``.

Holdout: :func:`assign_holdout` draws exactly ``round(share · n)`` customers by a seeded random
permutation (complete randomisation), so the assignment can be recorded and reproduced.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from .._validate import as_float_1d, check_confidence

__all__ = ["Uplift", "retention_uplift", "wilson_interval", "assign_holdout"]


@dataclass(frozen=True)
class Uplift:
    """Retained shares, their difference (treated − control) with its interval and p-value."""

    treated_n: int
    treated_retained: int
    control_n: int
    control_retained: int
    treated_share: float
    control_share: float
    difference: float
    ci: tuple[float, float]
    pvalue: float
    confidence: float
    warnings: tuple[str, ...] = ()


def wilson_interval(x: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion x/n."""
    z = stats.norm.ppf(0.5 + confidence / 2)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def _counts(outcome: Any, name: str) -> tuple[int, int]:
    values = as_float_1d(outcome, name, allow_nan=False)
    if values.size == 0:
        raise ValueError(f"{name}: the group is empty, so the action's effect cannot be measured "
                         "(a retention action needs a control group that got nothing)")
    if not np.isin(values, (0, 1)).all():
        raise ValueError(f"{name} must be 1 (retained) or 0 (left)")
    return int(values.sum()), int(values.size)


def retention_uplift(treated: Any, control: Any, *, confidence: float = 0.95) -> Uplift:
    """Retained share treated vs control (arrays of 1 = retained, 0 = left) with Newcombe's interval."""
    check_confidence(confidence)
    x1, n1 = _counts(treated, "treated")
    x2, n2 = _counts(control, "control")
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_interval(x1, n1, confidence)
    l2, u2 = wilson_interval(x2, n2, confidence)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    notes = []
    if se == 0:
        pvalue = 1.0
        notes.append("두 집단의 결과가 모두 같아(전원 유지 또는 전원 이탈) 차이를 검정할 수 없습니다")
    else:
        pvalue = float(2 * stats.norm.sf(abs(d) / se))
    if min(n1, n2) < 30:
        notes.append(f"작은 집단이 {min(n1, n2)}명뿐이라 구간이 넓습니다")
    return Uplift(n1, x1, n2, x2, p1, p2, d, (low, high), pvalue, confidence, tuple(notes))


def assign_holdout(n: int, share: float = 0.10, *, seed: int) -> np.ndarray:
    """A boolean mask of ``n`` customers, True for the ``round(share·n)`` held out (get nothing)."""
    if not 0 < share < 1:
        raise ValueError(f"share must be between 0 and 1 (exclusive): {share}")
    if n < 2:
        raise ValueError(f"n must be at least 2 to have both a treated and a control group: {n}")
    size = min(n - 1, max(1, round(share * n)))
    mask = np.zeros(n, dtype=bool)
    mask[np.random.default_rng(seed).permutation(n)[:size]] = True
    return mask
