"""Scale conversions: 100-point scores, reverse coding, top-box shares, missing codes.

Missing answers
---------------
Every function passes ``NaN`` through unchanged. Questionnaires often code
"모름" (don't know) and "해당없음" (not applicable) as numbers outside the scale
(e.g. 8 or 9 on a 7-point item, 99); :func:`as_missing` turns such codes into
``NaN`` so that they are excluded from every estimate (they are *not* scored
as the lowest or middle category).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ._validate import as_float_1d

__all__ = ["to_100", "reverse", "top_box", "bottom_box", "as_missing", "MISSING_LABELS"]

#: Korean answer labels that mean "no substantive answer"; map their codes to NaN.
MISSING_LABELS = ("모름", "해당없음", "무응답", "잘 모르겠음")


def _points(points: Any, low: float) -> int:
    """Validate the number of scale points."""
    if not isinstance(points, (int, np.integer)) or isinstance(points, bool) or points < 2:
        raise ValueError(f"points must be an integer >= 2, got {points!r}")
    if not np.isfinite(low):
        raise ValueError(f"low must be finite, got {low!r}")
    return int(points)


def _on_scale(x: Any, points: int, low: float) -> np.ndarray | float:
    """Return ``x`` as float (array or scalar), checking it lies on the scale."""
    arr = np.asarray(x, dtype=np.float64)
    observed = arr[~np.isnan(arr)]
    if observed.size and (observed.min() < low or observed.max() > low + points - 1):
        raise ValueError(f"x has values outside the scale {low:g}..{low + points - 1:g}; "
                         "map 모름/해당없음 codes to NaN with as_missing() first")
    return arr


def to_100(x: Any, points: int, *, low: float = 1) -> Any:
    """Convert scale values (or means) to a 0-100 score.

    Parameters
    ----------
    x : float or array_like
        Answer(s) or mean(s) on a ``points``-point scale starting at ``low``.
    points : int
        Number of scale points (7 for the PCSI 7-point scale, 11 for 0-10).
    low : float
        Value of the lowest point (1 by default; 0 for 0-10 scales).

    Returns
    -------
    float or ndarray
        :math:`(x - low) / (points - 1) \\times 100`; for ``low=1`` this is the
        PCSI conversion :math:`(\\bar x - 1)/(k - 1) \\times 100`.
    """
    k = _points(points, low)
    arr = _on_scale(x, k, low)
    out = (arr - low) / (k - 1) * 100.0
    return float(out) if np.ndim(out) == 0 else out


def reverse(x: Any, points: int, *, low: float = 1) -> Any:
    """Reverse-code answers: :math:`x' = (2\\,low + points - 1) - x` (7 -> 1 on 1..7)."""
    k = _points(points, low)
    arr = _on_scale(x, k, low)
    out = 2 * low + k - 1 - arr
    return float(out) if np.ndim(out) == 0 else out


def top_box(x: Any, points: int, top: int = 2, *, low: float = 1) -> np.ndarray:
    """Indicator of the top ``top`` categories (1.0 / 0.0), ``NaN`` kept for missing.

    With ``points=7, top=2`` an answer of 6 or 7 counts (the KCSI and CSAT convention).
    """
    k = _points(points, low)
    if not isinstance(top, (int, np.integer)) or not 1 <= top < k:
        raise ValueError(f"top must be an integer between 1 and points - 1, got {top!r}")
    arr = np.atleast_1d(_on_scale(x, k, low))
    return np.where(np.isnan(arr), np.nan, (arr > low + k - 1 - top).astype(float))


def bottom_box(x: Any, points: int, bottom: int = 2, *, low: float = 1) -> np.ndarray:
    """Indicator of the bottom ``bottom`` categories (1.0 / 0.0), ``NaN`` kept."""
    k = _points(points, low)
    if not isinstance(bottom, (int, np.integer)) or not 1 <= bottom < k:
        raise ValueError(f"bottom must be an integer between 1 and points - 1, got {bottom!r}")
    arr = np.atleast_1d(_on_scale(x, k, low))
    return np.where(np.isnan(arr), np.nan, (arr < low + bottom).astype(float))


def as_missing(x: Any, codes: Iterable[float]) -> np.ndarray:
    """Return ``x`` as float with every value in ``codes`` (모름/해당없음 codes) set to ``NaN``."""
    arr = as_float_1d(x, "x").copy()
    codes_arr = as_float_1d(list(codes), "codes")
    arr[np.isin(arr, codes_arr)] = np.nan
    return arr
