"""Which dimensions really differ: each dimension against the mean of the others, and importance intervals.

A report may call a dimension strong or weak, highest or lowest, or put it in an
importance-performance action quadrant only when the data separate it from the
rest. Two tools decide that:

* :func:`dimension_contrasts` — for each dimension *j* and respondent *i*, the paired difference
  :math:`d_{ij} = s_{ij} - \\bar s_{i,-j}` between the respondent's score on *j* and their mean
  score on the other dimensions they answered. Its weighted mean, with the Taylor-linearised
  standard error of :func:`analysis.estimate.mean` (the design-based paired t test, R
  ``svymean(~d, design)``), says whether *j* sits above or below the others; p-values are
  Holm-adjusted over the dimensions. Respondents answer every dimension, so the paired test
  is much sharper than comparing two intervals — and still calls 73.56 against 73.73 "no
  difference" when the respondents' differences scatter around zero.
* :func:`importance_intervals` — normal bootstrap intervals (respondents resampled) of
  Johnson's relative-weight shares from :func:`analysis.drivers.driver_importance`, so an
  item is called more or less important than average only when its interval excludes the cut.

References
----------
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*, ch. 2-3 (``svymean`` of a
derived variable). Efron, B. & Tibshirani, R. (1993). *An Introduction to the Bootstrap*, ch. 13
(percentile intervals). Bickel, P. J., Götze, F. & van Zwet, W. R. (1997). Resampling fewer than n
observations. *Statistica Sinica* 7, 1-31. Holm, S. (1979). A simple sequentially rejective multiple test procedure.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats
from threadpoolctl import threadpool_limits

from . import estimate
from ._validate import as_float_1d, as_float_2d, check_length
from .compare import adjust_pvalues
from .design import SurveyDesign, as_design
from .drivers import DriverResult, driver_importance

__all__ = ["DimensionContrasts", "dimension_contrasts", "ImportanceIntervals", "importance_intervals", "batched_shares",
           "CONTRAST_METHOD"]

#: How the contrasts are tested, in the words the workbook and the results page print.
CONTRAST_METHOD = ("차원 간 비교: 응답자마다 한 차원 점수에서 나머지 차원 평균을 뺀 차이의 가중 평균을 "
                   "대응 t 검정(테일러 선형화 표준오차)으로 검정하고, 차원 수만큼 Holm 보정했습니다")


@dataclass(frozen=True, eq=False)
class DimensionContrasts:
    """Each dimension against the mean of the other dimensions (paired, respondent level).

    Attributes
    ----------
    names : tuple of str
        Dimension names in column order.
    difference, se, pvalue, adjusted : ndarray
        Mean paired difference (points), its standard error, the two-sided p-value and the
        Holm-adjusted p-value (``NaN`` where a dimension has fewer than two usable respondents).
    ci : ndarray, shape (p, 2)
        Confidence interval of each difference.
    above, below : ndarray of bool
        Significantly above / below the other dimensions after adjustment.
    n : ndarray of int
        Respondents with the dimension and at least one other.
    alpha : float
        Family-wise error rate of the Holm adjustment.
    """

    names: tuple[str, ...]
    difference: np.ndarray
    se: np.ndarray
    ci: np.ndarray
    pvalue: np.ndarray
    adjusted: np.ndarray
    above: np.ndarray
    below: np.ndarray
    n: np.ndarray
    alpha: float

    @property
    def any_differ(self) -> bool:
        """Whether at least one dimension differs significantly from the others."""
        return bool(self.above.any() or self.below.any())


#: Rows (for the row totals) and columns (for the differences and their estimates) per block in
#: :func:`dimension_contrasts`: its temporaries stay a block's size, not (n, p).
ROW_BLOCK, COLUMN_BLOCK = 65_536, 2


def _row_totals(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each respondent's sum (n, 1) and number (n,) of answered dimensions, a block of rows at a time."""
    total, count = np.empty((x.shape[0], 1)), np.empty(x.shape[0], dtype=np.intp)
    for start in range(0, x.shape[0], ROW_BLOCK):
        block = x[start:start + ROW_BLOCK]
        answered = ~np.isnan(block)
        total[start:start + ROW_BLOCK] = np.where(answered, block, 0.0).sum(axis=1, keepdims=True)
        count[start:start + ROW_BLOCK] = answered.sum(axis=1)
    return total, count


def _paired_differences(x: np.ndarray, total: np.ndarray, count: np.ndarray, cols: slice) -> np.ndarray:
    """(n, cols) differences: each score minus the mean of the respondent's other answered dimensions."""
    block = x[:, cols]
    answered = ~np.isnan(block)
    d = np.where(answered, block, 0.0)
    # in place, column by column: the same operations as ``x - (total - x) / (count - answered)``
    # (NaN where unanswered or nothing else answered) with one (n, cols) array
    np.subtract(total, d, out=d)
    with np.errstate(invalid="ignore", divide="ignore"):
        for j in range(d.shape[1]):
            others = count - answered[:, j]
            column = d[:, j]
            column /= others
            np.subtract(block[:, j], column, out=column)
            column[~(answered[:, j] & (others > 0))] = np.nan
    return d


def _difference_means(x: np.ndarray, design: SurveyDesign, confidence: float) -> tuple[np.ndarray, ...]:
    """(answered n, mean, se, ci low, ci high) of each column's paired differences, a block of columns at a time
    (each column is estimated alone: :func:`analysis.estimate.means` of the whole (n, p) matrix gives the same)."""
    total, count = _row_totals(x)
    parts = []
    for start in range(0, x.shape[1], COLUMN_BLOCK):
        d = _paired_differences(x, total, count, slice(start, start + COLUMN_BLOCK))
        est = estimate.means(d, design=design, confidence=confidence)
        parts.append(((~np.isnan(d)).sum(axis=0), est.value, est.se, est.ci_low, est.ci_high))
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))


def dimension_contrasts(scores: Any, names: Sequence[str] | None = None, *, weights: Any = None,
                        design: SurveyDesign | None = None, alpha: float = 0.05,
                        confidence: float = 0.95) -> DimensionContrasts:
    """Test each dimension against the mean of the others with respondent-level paired differences.

    Parameters
    ----------
    scores : array_like, shape (n, p)
        Each respondent's 100-point dimension scores, ``NaN`` where a dimension was not answered.
    names : sequence of str, optional
        Dimension names (default ``"D1"``, ``"D2"``, ...).
    weights, design
        Sampling weights or a prebuilt design (as :func:`analysis.estimate.mean`).
    alpha : float
        Family-wise error rate of the Holm adjustment over the ``p`` dimensions.

    Notes
    -----
    Unweighted, each test is the one-sample t test of the differences (``scipy.stats.ttest_1samp``
    gives the same p-value up to the normal-vs-t reference, which the tests check).
    """
    x = as_float_2d(scores, "scores")
    p = x.shape[1]
    if p < 2:
        raise ValueError(f"scores: need at least two dimensions, got {p}")
    names = tuple(names) if names is not None else tuple(f"D{j + 1}" for j in range(p))
    check_length(names, p, "names")
    design = as_design(design, x.shape[0], weights if design is None else None, None, None, None, "fail", None)
    with warnings.catch_warnings():  # every column at once: each equals estimate.mean of that column
        warnings.simplefilter("ignore", RuntimeWarning)
        n, value, est_se, ci_low, ci_high = _difference_means(x, design, confidence)
    n = n.astype(int)
    usable = (n >= 2) & np.isfinite(est_se) & (est_se > 0)
    difference = np.where(n >= 2, value, np.nan)
    se = np.where(n >= 2, est_se, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        pvalue = np.where(usable, 2 * stats.t.sf(np.abs(difference / se), df=np.maximum(n - 1, 1)), np.nan)
    ci = np.column_stack([np.where(n >= 2, ci_low, np.nan), np.where(n >= 2, ci_high, np.nan)])
    adjusted = adjust_pvalues(pvalue, "holm", alpha=alpha)
    reject = adjusted.reject & ~np.isnan(pvalue)
    return DimensionContrasts(names=names, difference=difference, se=se, ci=ci, pvalue=pvalue,
                              adjusted=adjusted.adjusted, above=reject & (difference > 0), below=reject & (difference < 0),
                              n=n, alpha=alpha)


@dataclass(frozen=True, eq=False)
class ImportanceIntervals:
    """Bootstrap (normal) intervals of relative-weight shares (percent of R²)."""

    names: tuple[str, ...]
    share: np.ndarray
    low: np.ndarray
    high: np.ndarray
    replicates: int
    confidence: float


def batched_shares(data: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """Relative-weight shares (as :func:`analysis.drivers.driver_importance`) of many resamples at once.

    ``data`` is (n, p + 1) — predictors, then the outcome; ``picks`` (B, m) row indices of each resample.
    Returns (B, p) shares in percent; a resample with a constant column or collinear predictors is NaN.
    """
    z = data[picks]                                             # (B, m, p + 1)
    z = z - z.mean(axis=1, keepdims=True)
    cov = np.einsum("bni,bnj->bij", z, z, optimize=True)
    sd = np.sqrt(np.einsum("bii->bi", cov))
    corr = cov / (sd[:, :, None] * sd[:, None, :])
    p = data.shape[1] - 1
    rxx, rxy = corr[:, :p, :p], corr[:, :p, p]
    bad = ~np.isfinite(corr).all(axis=(1, 2))
    rxx = np.where(bad[:, None, None], np.eye(p), rxx)
    values, vectors = np.linalg.eigh(rxx)
    bad |= values.min(axis=1) < 1e-8
    lam = (vectors * np.sqrt(np.clip(values, 0, None))[:, None, :]) @ vectors.transpose(0, 2, 1)
    beta_star = np.linalg.solve(np.where(bad[:, None, None], np.eye(p), lam), np.nan_to_num(rxy)[:, :, None])[:, :, 0]
    raw = np.einsum("bjk,bk->bj", lam ** 2, beta_star ** 2)
    shares = 100 * raw / raw.sum(axis=1, keepdims=True)
    shares[bad] = np.nan
    return shares


def importance_intervals(overall: Any, dimensions: Any, names: Sequence[str] | None = None, *,
                         replicates: int = 100, confidence: float = 0.95, seed: int = 0,
                         max_rows: int | None = 1000, base: DriverResult | None = None) -> ImportanceIntervals:
    """Bootstrap intervals of :func:`analysis.drivers.driver_importance` relative shares.

    Respondents (complete rows) are resampled with replacement ``replicates`` times; a replicate whose
    predictors are collinear or constant is skipped. The interval is the share ± z × the replicates'
    standard deviation (the normal bootstrap interval, Efron & Tibshirani 1993 §13.2: a hundred replicates
    estimate a standard error well, where percentiles would need a thousand). Reproducible for a ``seed``.

    With more than ``max_rows`` rows each replicate draws ``m = max_rows`` rows (the m-out-of-n bootstrap,
    Bickel, Götze & van Zwet 1997) and its deviations from the full-sample share are scaled by
    :math:`\\sqrt{m/n}`, since :math:`\\sqrt m(\\hat\\theta^*_m - \\hat\\theta_n)` imitates
    :math:`\\sqrt n(\\hat\\theta_n - \\theta)`: 100,000 responses cost what 1,000 do. ``max_rows=None``
    always resamples all rows. ``base``: the full-sample ``driver_importance`` of the same data, when the
    caller has it already (it is not computed again).
    """
    y = as_float_1d(overall, "overall")
    x = as_float_2d(dimensions, "dimensions")
    check_length(x, len(y), "dimensions")
    keep = ~np.isnan(y) & ~np.isnan(x).any(axis=1)
    if not keep.all():
        y, x = y[keep], x[keep]
    base = base if base is not None else driver_importance(y, x, names)
    share = np.asarray(base.relative_share)
    n = len(y)
    m = n if max_rows is None else min(n, int(max_rows))
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n, size=(int(replicates), m))
    # Many tiny eigendecompositions: a multi-threaded BLAS spends 30x longer synchronising its threads
    # than computing (11 ms instead of 0.4 ms for 27 x 27 on a busy two-core machine), so one thread here.
    with threadpool_limits(limits=1, user_api="blas"), np.errstate(invalid="ignore", divide="ignore"):
        # only the rows some replicate draws (at most replicates x max_rows), not an (n, p + 1) copy
        rows, local = np.unique(picks, return_inverse=True)
        shares = batched_shares(np.column_stack([x[rows], y[rows]]), local.reshape(picks.shape))
    shares = shares[np.isfinite(shares).all(axis=1)]
    if len(shares) < 20:
        raise ValueError("dimensions: too few usable bootstrap replicates to give an interval")
    half = stats.norm.ppf(0.5 + confidence / 2) * np.std(np.asarray(shares), axis=0, ddof=1) * np.sqrt(m / n)
    return ImportanceIntervals(names=base.names, share=share, low=share - half, high=share + half,
                               replicates=len(shares), confidence=confidence)
