"""Frozen result types shared by every module of :mod:`analysis`.

Results are plain frozen dataclasses so that they are hashable-free value
objects an app can serialise field by field. Only the fields that apply to a
result are filled; the rest stay ``None``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Estimate", "TestResult", "SMALL_N", "MIN_EXPECTED", "small_sample_warnings",
           "AnalysisWarning", "ConvergenceWarning", "DegenerateDataWarning"]

#: Below this many responses a result carries a small-sample warning.
SMALL_N = 30
#: Below this expected cell count a chi-square result carries a warning.
MIN_EXPECTED = 5.0


class AnalysisWarning(UserWarning):
    """Base class of the warnings :mod:`analysis` emits with :func:`warnings.warn`."""


class ConvergenceWarning(AnalysisWarning):
    """An iterative fit (raking) stopped without meeting its targets."""


class DegenerateDataWarning(AnalysisWarning):
    """The data leave a statistic undefined, so it is returned as ``NaN`` (the message says why)."""


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its uncertainty.

    Attributes
    ----------
    value : float
        The estimate (mean, proportion, total, index, ...).
    se : float
        Standard error (Taylor-linearised for design-based estimates).
    ci : tuple of float
        ``(low, high)`` confidence interval at level ``confidence``.
    n : int
        Number of responses that entered the estimate (after dropping missing).
    weighted_n : float
        Sum of the weights of those responses (the estimated population size).
    statistic : str
        What was estimated: ``"mean"``, ``"total"``, ``"proportion"``, ``"nps"``, ...
    df : float or None
        Degrees of freedom of the design (number of PSUs minus number of strata).
    confidence : float
        Confidence level of ``ci``.
    method : str
        How the interval was computed (``"taylor"``, ``"wilson"``, ...).
    warnings : tuple of str
        Plain-language cautions (small samples, lonely PSUs, non-convergence).
    """

    value: float
    se: float
    ci: tuple[float, float]
    n: int
    weighted_n: float
    statistic: str
    df: float | None = None
    confidence: float = 0.95
    method: str = "taylor"
    warnings: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class TestResult:
    """The outcome of a significance test.

    Attributes
    ----------
    statistic : float
        Test statistic (t, F, H, chi-square or z).
    pvalue : float
        Two-sided p-value.
    df : float or tuple of float or None
        Degrees of freedom (a pair for F tests).
    effect_size : float
        Size of the effect, named by ``effect_size_name``.
    effect_size_name : str
        ``"cohen_d"``, ``"eta_squared"``, ``"epsilon_squared"``, ``"cramer_v"``, ...
    n : int
        Total number of observations used.
    method : str
        Name of the test.
    estimate : float or None
        Estimated difference where the test has one (e.g. mean difference).
    se : float or None
        Standard error of ``estimate``.
    ci : tuple of float or None
        Confidence interval of ``estimate``.
    warnings : tuple of str
        Plain-language cautions (small groups, small expected counts).
    """

    statistic: float
    pvalue: float
    df: float | tuple[float, float] | None
    effect_size: float
    effect_size_name: str
    n: int
    method: str
    estimate: float | None = None
    se: float | None = None
    ci: tuple[float, float] | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)


def small_sample_warnings(n: int | float, what: str = "responses") -> tuple[str, ...]:
    """Return a warning when fewer than :data:`SMALL_N` observations were used."""
    if n < SMALL_N:
        return (f"small sample: {int(n)} {what} (< {SMALL_N}); treat the estimate with caution",)
    return ()


def expected_count_warnings(expected: np.ndarray) -> tuple[str, ...]:
    """Return a warning when any expected cell count is below :data:`MIN_EXPECTED`."""
    low = int((np.asarray(expected) < MIN_EXPECTED).sum())
    if low:
        return (f"{low} cell(s) have an expected count below {MIN_EXPECTED:g}; "
                "the chi-square approximation may be poor",)
    return ()
