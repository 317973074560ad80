"""Headline KPIs: Net Promoter Score, CSAT (top-2-box) and Customer Effort Score.

All three are reported in percent points (NPS on -100..100, CSAT and CES share
on 0..100; CES mean on the answer scale). Missing answers (``NaN``, including
모름/해당없음 mapped by :func:`analysis.scales.as_missing`) are left out.

Weighted data
-------------
With ``weights`` the shares are weighted and the closed-form variances use
Kish's effective sample size :math:`n_{eff} = (\\sum w)^2 / \\sum w^2`. For a
full design-based SE (strata, clusters, calibration) pass ``design=`` and the
NPS / CES mean use Taylor linearisation through :mod:`analysis.estimate`.

When every answer has weight zero the KPI is 0/0: it is returned as ``NaN``
with a note in ``warnings`` and a :class:`~analysis.results.DegenerateDataWarning`
(as :func:`analysis.estimate.mean`), not as an error about the interval.
"""
from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any

import numpy as np
from scipy import stats

from ._validate import as_float_1d, check_confidence, check_length, check_weights
from .design import SurveyDesign
from .estimate import mean as design_mean
from .estimate import zero_weight_note
from .results import DegenerateDataWarning, Estimate, small_sample_warnings

__all__ = ["nps", "csat", "ces", "wilson_interval", "effective_n"]


def effective_n(weights: np.ndarray) -> float:
    """Kish's effective sample size :math:`(\\sum w)^2 / \\sum w^2`."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w ** 2).sum()) if w.size else 0.0


def _answered(scores: Any, weights: Any, name: str = "scores") -> tuple[np.ndarray, np.ndarray]:
    """Return the non-missing scores and their weights."""
    x = as_float_1d(scores, name)
    w = check_weights(weights, len(x))
    keep = ~np.isnan(x)
    if not keep.any():
        raise ValueError(f"{name} has no non-missing answers")
    return x[keep], w[keep]


def wilson_interval(p: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``p`` observed on ``n`` cases.

    .. math::

        \\frac{p + z^2/2n \\pm z\\sqrt{p(1-p)/n + z^2/4n^2}}{1 + z^2/n}

    References: Wilson (1927); Newcombe (1998), *Stat. Med.* 17, 857-872 —
    checked against Newcombe's Table I (e.g. 81/263 -> 0.2553 to 0.3662).
    """
    if not n > 0:
        raise ValueError(f"n must be positive, got {n!r}")
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a proportion between 0 and 1, got {p!r}")
    z = stats.norm.ppf(0.5 + check_confidence(confidence) / 2)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(centre - half, 0.0)), float(min(centre + half, 1.0))


def _zero_weight(n: int, statistic: str, method: str, confidence: float, wsum: float) -> Estimate | None:
    """The ``NaN`` estimate (with a warning saying why) when the answers carry no weight, else None."""
    if wsum > 0:
        return None
    note = zero_weight_note(n)
    warnings.warn(note, DegenerateDataWarning, stacklevel=3)
    return Estimate(value=np.nan, se=np.nan, ci=(np.nan, np.nan), n=n, weighted_n=0.0, statistic=statistic,
                    confidence=confidence, method=method, warnings=small_sample_warnings(n) + (note,))


def _nps_parts(x: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    """Weighted promoter share, detractor share and effective n."""
    if ((x < 0) | (x > 10) | (x != np.round(x))).any():
        raise ValueError("scores must be whole numbers from 0 to 10")
    total = w.sum()
    return float(w[x >= 9].sum() / total), float(w[x <= 6].sum() / total), effective_n(w)


def nps(scores: Any, weights: Any = None, method: str = "wald", *, confidence: float = 0.95,
        design: SurveyDesign | None = None) -> Estimate:
    """Net Promoter Score with a confidence interval.

    Parameters
    ----------
    scores : array_like
        0-10 likelihood-to-recommend answers, ``NaN`` for missing.
    weights : array_like, optional
        Response weights (variance then uses Kish's effective n).
    method : {"wald", "adjusted-wald"}
        ``"wald"``: :math:`Var = (p + d - (p - d)^2) / n`.
        ``"adjusted-wald"`` (Sauro & Lewis): add 0.75 promoters and 0.75
        detractors and 3 to n before computing the interval.
    confidence : float
        Interval level.
    design : SurveyDesign, optional
        Full design: the SE is then Taylor-linearised (the NPS is the mean of
        +100 / 0 / -100 per respondent) and ``method`` must be ``"wald"``.

    Returns
    -------
    Estimate
        ``value`` = 100 (p - d); ``se`` and ``ci`` in the same points.

    Notes
    -----
    Promoters answer 9-10, detractors 0-6. The adjusted-Wald interval is centred
    on the adjusted NPS :math:`100(\\tilde p - \\tilde d)` with
    :math:`\\tilde p = (P + 0.75)/(n + 3)`.
    """
    if method not in ("wald", "adjusted-wald"):
        raise ValueError(f"method must be 'wald' or 'adjusted-wald', got {method!r}")
    confidence = check_confidence(confidence)
    if design is not None:
        return _nps_design(scores, method, confidence, design)
    x, w = _answered(scores, weights)
    _nps_parts(x, np.ones(len(x)))  # refuse scores off the 0-10 scale whatever the weights
    undefined = _zero_weight(len(x), "nps", method, confidence, float(w.sum()))
    if undefined is not None:
        return undefined
    p, d, n = _nps_parts(x, w)
    value = 100.0 * (p - d)
    if method == "adjusted-wald":
        p, d, n = (p * n + 0.75) / (n + 3), (d * n + 0.75) / (n + 3), n + 3
    se = 100.0 * np.sqrt((p + d - (p - d) ** 2) / n)
    z = stats.norm.ppf(0.5 + confidence / 2)
    centre = 100.0 * (p - d)
    ci = (max(centre - z * se, -100.0), min(centre + z * se, 100.0))
    return Estimate(value=value, se=float(se), ci=ci, n=len(x), weighted_n=float(w.sum()),
                    statistic="nps", confidence=confidence, method=method,
                    warnings=small_sample_warnings(len(x)))


def _nps_design(scores: Any, method: str, confidence: float, design: SurveyDesign) -> Estimate:
    """NPS as a design-based mean of +100 / 0 / -100."""
    if method != "wald":
        raise ValueError("method must be 'wald' when a design is given")
    x = as_float_1d(scores, "scores")
    check_length(x, design.n, "scores")
    _nps_parts(x[~np.isnan(x)], np.ones(int((~np.isnan(x)).sum())))
    points = np.where(np.isnan(x), np.nan, np.where(x >= 9, 100.0, np.where(x <= 6, -100.0, 0.0)))
    est = design_mean(points, design=design, confidence=confidence)
    return replace(est, statistic="nps")


def csat(scores: Any, points: int, top: int = 2, weights: Any = None, *,
         confidence: float = 0.95) -> Estimate:
    """CSAT: share of answers in the top ``top`` boxes, with a Wilson interval.

    Parameters
    ----------
    scores : array_like
        Satisfaction answers on 1..``points``, ``NaN`` for missing.
    points : int
        Number of scale points (5 or 7 usually).
    top : int
        How many top categories count as satisfied (2: "6 or 7" on 7 points).
    weights : array_like, optional
        Response weights (Wilson interval on Kish's effective n).
    confidence : float
        Interval level.

    Returns
    -------
    Estimate
        ``value`` in percent; ``se`` = :math:`100\\sqrt{p(1-p)/n}`; ``method="wilson"``.
    """
    if not isinstance(points, (int, np.integer)) or points < 2:
        raise ValueError(f"points must be an integer >= 2, got {points!r}")
    if not isinstance(top, (int, np.integer)) or not 1 <= top < points:
        raise ValueError(f"top must be between 1 and points - 1, got {top!r}")
    x, w = _answered(scores, weights)
    if ((x < 1) | (x > points)).any():
        raise ValueError(f"scores must lie on the scale 1..{points}")
    return _share(x > points - top, w, confidence, "csat")


def _share(hit: np.ndarray, w: np.ndarray, confidence: float, statistic: str) -> Estimate:
    """Weighted share of ``hit`` in percent with a Wilson interval on the effective n."""
    undefined = _zero_weight(len(hit), statistic, "wilson", confidence, float(w.sum()))
    if undefined is not None:
        return undefined
    p = float(w[hit].sum() / w.sum())
    n = effective_n(w)
    low, high = wilson_interval(p, n, confidence)
    return Estimate(value=100.0 * p, se=float(100.0 * np.sqrt(p * (1 - p) / n)),
                    ci=(100.0 * low, 100.0 * high), n=len(hit), weighted_n=float(w.sum()),
                    statistic=statistic, confidence=confidence, method="wilson",
                    warnings=small_sample_warnings(len(hit)))


def ces(scores: Any, points: int = 7, method: str = "mean", weights: Any = None, *,
        threshold: int = 5, confidence: float = 0.95, design: SurveyDesign | None = None) -> Estimate:
    """Customer Effort Score on an agreement scale ("it was easy to ...").

    Parameters
    ----------
    scores : array_like
        Agreement answers on 1..``points`` (7 by default), ``NaN`` for missing.
    method : {"mean", "share"}
        ``"mean"``: mean agreement with a Taylor SE (R ``svymean``);
        ``"share"``: percent answering ``threshold`` or more (5-7 on 7 points),
        with a Wilson interval.
    weights, design : optional
        Response weights, or a full design for the mean.
    threshold : int
        Lowest answer that counts as "easy" for ``method="share"``.
    confidence : float
        Interval level.

    Returns
    -------
    Estimate
        ``statistic="ces"``.
    """
    if method not in ("mean", "share"):
        raise ValueError(f"method must be 'mean' or 'share', got {method!r}")
    if not isinstance(points, (int, np.integer)) or points < 2:
        raise ValueError(f"points must be an integer >= 2, got {points!r}")
    if not isinstance(threshold, (int, np.integer)) or not 1 < threshold <= points:
        raise ValueError(f"threshold must be between 2 and points, got {threshold!r}")
    x = as_float_1d(scores, "scores")
    observed = x[~np.isnan(x)]
    if ((observed < 1) | (observed > points)).any():
        raise ValueError(f"scores must lie on the scale 1..{points}")
    if method == "mean":
        est = design_mean(x, weights, design=design, confidence=confidence)
        return replace(est, statistic="ces")
    if design is not None:
        raise ValueError("design is supported for method='mean' only")
    xs, w = _answered(x, weights)
    return _share(xs >= threshold, w, check_confidence(confidence), "ces")
