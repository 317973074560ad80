"""Significance tests with effect sizes, multiple-comparison corrections and wave change.

Each test returns a :class:`~analysis.results.TestResult`. Missing values
(``NaN``) are dropped from every sample. Reference implementations the numbers
are checked against are named in each docstring.

Degenerate data (no variation where a test needs it)
----------------------------------------------------
A test never fails with ``ZeroDivisionError`` and never returns a silent
``NaN``. Each follows the reference implementation it is checked against:

* where the reference refuses the data, ``ValueError`` naming the argument:
  :func:`welch_t` when both samples are (essentially) constant, as R's
  ``t.test`` ("data are essentially constant"); :func:`chi2_independence` on a
  table without counts, as R's ``chisq.test`` ("at least one entry of 'x'
  must be positive") or with an empty row or column, as scipy's
  ``chi2_contingency`` (zero expected frequency);
* where the reference returns ``NaN`` (or its limit), the same value plus a
  :class:`~analysis.results.DegenerateDataWarning` whose message, also in the
  result's ``warnings``, says why: :func:`anova_oneway` as scipy's
  ``f_oneway`` (all values identical: F and p ``NaN``; no variation within
  groups but different group values: F = inf, p = 0), :func:`welch_anova` as
  R's ``oneway.test(var.equal = FALSE)`` and scipy (a group with zero
  variance: F and p ``NaN``), :func:`kruskal` as R's ``kruskal.test`` and
  scipy (all values identical: H and p ``NaN``).
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy import stats

from ._validate import as_float_1d, as_labels, check_confidence
from .design import SurveyDesign, as_design, linearised_variance
from .estimate import linearised_estimates
from .results import (
    SMALL_N,
    DegenerateDataWarning,
    Estimate,
    TestResult,
    expected_count_warnings,
    small_sample_warnings,
)

__all__ = ["welch_t", "anova_oneway", "welch_anova", "kruskal", "chi2_independence",
           "adjust_pvalues", "AdjustedPValues", "samples_by", "segment_comparisons",
           "SegmentComparisons", "svyttest_df", "wave_change"]


def samples_by(y: Any, groups: Any) -> dict[Any, np.ndarray]:
    """Split answers ``y`` by segment label into ``{label: answers}`` (NaN dropped)."""
    values = as_float_1d(y, "y")
    labels = as_labels(groups, "groups", len(values))
    return {k: values[(labels == k) & ~np.isnan(values)] for k in np.unique(labels).tolist()}


def _samples(samples: Sequence[Any], minimum: int = 2) -> list[np.ndarray]:
    """Validate the samples of a k-sample test, dropping NaN."""
    if len(samples) < 2:
        raise ValueError("samples: at least two groups are required")
    out = []
    for i, s in enumerate(samples):
        arr = as_float_1d(s, f"samples[{i}]")
        arr = arr[~np.isnan(arr)]
        if arr.size < minimum:
            raise ValueError(f"samples[{i}] needs at least {minimum} non-missing values")
        out.append(arr)
    return out


def _group_warnings(samples: list[np.ndarray]) -> tuple[str, ...]:
    """Small-sample warning naming the smallest group."""
    smallest = min(len(s) for s in samples)
    return small_sample_warnings(smallest, "responses in the smallest group")


def _degenerate(note: str) -> tuple[str, ...]:
    """Emit ``note`` as a :class:`DegenerateDataWarning` and return it for the result's warnings."""
    warnings.warn(note, DegenerateDataWarning, stacklevel=3)
    return (note,)


def welch_t(a: Any, b: Any, *, confidence: float = 0.95) -> TestResult:
    """Welch's two-sample t-test (unequal variances) with Cohen's d.

    .. math::

        t = \\frac{\\bar a - \\bar b}{\\sqrt{s_a^2/n_a + s_b^2/n_b}},\\quad
        \\nu = \\frac{(s_a^2/n_a + s_b^2/n_b)^2}{\\frac{(s_a^2/n_a)^2}{n_a-1} + \\frac{(s_b^2/n_b)^2}{n_b-1}}

    Cohen's d uses the pooled SD (as pingouin). Checked against R
    ``t.test(extra ~ group, data = sleep)``: t = -1.8608, df = 17.776,
    p = 0.07939, CI (-3.3654832, 0.2054832), and scipy ``ttest_ind(equal_var=False)``.

    Raises
    ------
    ValueError
        Naming ``a, b`` when both samples are constant, so the standard error is
        zero (below ``10 * eps * max(|mean a|, |mean b|)``): R's ``t.test`` stops
        with "data are essentially constant" (scipy would return t = -inf).
    """
    x, y = _samples([a, b])
    confidence = check_confidence(confidence)
    va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    diff, se = x.mean() - y.mean(), np.sqrt(va + vb)
    if se < 10 * np.finfo(float).eps * max(abs(x.mean()), abs(y.mean())) or se == 0:
        raise ValueError("a, b: data are essentially constant (both samples have zero variance); "
                         "the t statistic is undefined")
    df = (va + vb) ** 2 / (va ** 2 / (len(x) - 1) + vb ** 2 / (len(y) - 1))
    t = diff / se
    half = stats.t.ppf(0.5 + confidence / 2, df) * se
    pooled = np.sqrt(((len(x) - 1) * x.var(ddof=1) + (len(y) - 1) * y.var(ddof=1)) / (len(x) + len(y) - 2))
    return TestResult(statistic=float(t), pvalue=float(2 * stats.t.sf(abs(t), df)), df=float(df),
                      effect_size=float(diff / pooled), effect_size_name="cohen_d",
                      n=len(x) + len(y), method="Welch two-sample t-test", estimate=float(diff),
                      se=float(se), ci=(float(diff - half), float(diff + half)),
                      warnings=_group_warnings([x, y]))


def _sums_of_squares(samples: list[np.ndarray]) -> tuple[float, float]:
    """Between-group and total sums of squares."""
    grand = np.concatenate(samples).mean()
    between = sum(len(s) * (s.mean() - grand) ** 2 for s in samples)
    total = sum(((s - grand) ** 2).sum() for s in samples)
    return float(between), float(total)


def anova_oneway(*samples: Any) -> TestResult:
    """Classical one-way ANOVA F test with eta squared (:math:`SS_B / SS_T`).

    Checked against scipy ``f_oneway`` documented example (mussel shells):
    F = 7.121019471642447, p = 0.0002812242314534544.

    Warns
    -----
    DegenerateDataWarning
        As scipy ``f_oneway``: when every value is identical, F, p and eta
        squared are ``NaN``; when no group varies but the groups differ, F = inf
        and p = 0 (eta squared 1). The reason is also in ``warnings``.
    """
    groups = _samples(samples)
    k, n = len(groups), sum(len(s) for s in groups)
    between, total = _sums_of_squares(groups)
    within = max(total - between, 0.0)
    notes = _group_warnings(groups)
    if total == 0:
        notes += _degenerate("samples: all values are identical; F is undefined (NaN), as scipy f_oneway")
        return TestResult(statistic=np.nan, pvalue=np.nan, df=(float(k - 1), float(n - k)),
                          effect_size=np.nan, effect_size_name="eta_squared", n=n,
                          method="one-way ANOVA", warnings=notes)
    if within == 0:
        notes += _degenerate("samples: no group varies but the groups differ; F is infinite and p = 0, "
                             "as scipy f_oneway")
    with np.errstate(divide="ignore"):
        f = np.float64(between / (k - 1)) / np.float64(within / (n - k))
    return TestResult(statistic=float(f), pvalue=float(stats.f.sf(f, k - 1, n - k)),
                      df=(float(k - 1), float(n - k)), effect_size=between / total,
                      effect_size_name="eta_squared", n=n, method="one-way ANOVA", warnings=notes)


def welch_anova(*samples: Any) -> TestResult:
    """Welch's one-way ANOVA for unequal variances (Welch 1951), with eta squared.

    .. math::

        F = \\frac{\\sum w_i(\\bar x_i - \\bar x_w)^2/(k-1)}
                 {1 + \\frac{2(k-2)}{k^2-1}\\sum \\frac{(1 - w_i/W)^2}{n_i - 1}},
        \\quad w_i = n_i / s_i^2

    Checked against R ``oneway.test(var.equal = FALSE)`` as quoted in scipy's
    tests: F = 0.609740409019517, p = 0.574838941286302.

    Warns
    -----
    DegenerateDataWarning
        When a group has zero variance its weight :math:`n_i / s_i^2` is
        infinite: F, p and the second df are ``NaN`` (as R ``oneway.test`` and
        scipy ``f_oneway(equal_var=False)``); the warning names the group.
        Eta squared is still the descriptive :math:`SS_B / SS_T` (``NaN`` when
        every value is identical). :func:`anova_oneway` or :func:`kruskal` suit
        such data.
    """
    groups = _samples(samples)
    constant = [i for i, s in enumerate(groups) if np.ptp(s) == 0]
    if constant:
        return _welch_anova_undefined(groups, constant)
    k = len(groups)
    n_i = np.array([len(s) for s in groups], dtype=float)
    means = np.array([s.mean() for s in groups])
    w = n_i / np.array([s.var(ddof=1) for s in groups])
    centre = (w * means).sum() / w.sum()
    tmp = (((1 - w / w.sum()) ** 2) / (n_i - 1)).sum()
    f = ((w * (means - centre) ** 2).sum() / (k - 1)) / (1 + 2 * (k - 2) / (k * k - 1) * tmp)
    df2 = (k * k - 1) / (3 * tmp)
    between, total = _sums_of_squares(groups)
    return TestResult(statistic=float(f), pvalue=float(stats.f.sf(f, k - 1, df2)),
                      df=(float(k - 1), float(df2)), effect_size=between / total,
                      effect_size_name="eta_squared", n=int(n_i.sum()), method="Welch ANOVA",
                      warnings=_group_warnings(groups))


def _welch_anova_undefined(groups: list[np.ndarray], constant: list[int]) -> TestResult:
    """Welch ANOVA result when ``constant`` groups have zero variance (infinite weights)."""
    between, total = _sums_of_squares(groups)
    named = ", ".join(f"samples[{i}]" for i in constant)
    notes = _group_warnings(groups) + _degenerate(
        f"{named}: zero variance, so Welch's weight n/s^2 is infinite and F is undefined (NaN), "
        "as R oneway.test; use anova_oneway or kruskal")
    return TestResult(statistic=np.nan, pvalue=np.nan, df=(float(len(groups) - 1), np.nan),
                      effect_size=between / total if total > 0 else np.nan,
                      effect_size_name="eta_squared", n=sum(len(s) for s in groups),
                      method="Welch ANOVA", warnings=notes)


def kruskal(*samples: Any) -> TestResult:
    """Kruskal-Wallis H test (tie-corrected) with epsilon squared :math:`H/(n-1)`.

    Checked against scipy ``kruskal`` documented examples:
    ``[1,3,5,7,9]`` vs ``[2,4,6,8,10]`` -> H = 0.2727272727272734, p = 0.6015081344405895;
    ``[1,1,1], [2,2,2], [2,2]`` -> H = 7.0, p = 0.0301973834223185.

    Warns
    -----
    DegenerateDataWarning
        When every value is identical (no ranks to compare): H, p and epsilon
        squared are ``NaN``, as R ``kruskal.test`` and scipy ``kruskal``.
    """
    groups = _samples(samples, minimum=1)
    pooled = np.concatenate(groups)
    n = len(pooled)
    ranks = stats.rankdata(pooled)
    bounds = np.cumsum([0] + [len(s) for s in groups])
    h = 12.0 / (n * (n + 1)) * sum(ranks[lo:hi].sum() ** 2 / (hi - lo)
                                  for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)) - 3 * (n + 1)
    _, ties = np.unique(pooled, return_counts=True)
    correction = 1 - (ties ** 3 - ties).sum() / (n ** 3 - n)
    notes = _group_warnings(groups)
    if correction <= 0:
        notes += _degenerate("samples: all values are identical; H is undefined (NaN), "
                             "as R kruskal.test and scipy kruskal")
        h = np.nan
    else:
        h /= correction
    return TestResult(statistic=float(h), pvalue=float(stats.chi2.sf(h, len(groups) - 1)),
                      df=float(len(groups) - 1), effect_size=float(h / (n - 1)),
                      effect_size_name="epsilon_squared", n=n, method="Kruskal-Wallis H test",
                      warnings=notes)


def _crosstab(table: Any, rows: Any, columns: Any) -> np.ndarray:
    """Return the contingency table from ``table`` or from two label arrays."""
    if table is not None:
        if rows is not None or columns is not None:
            raise ValueError("table: pass either table or rows and columns, not both")
        obs = np.asarray(table, dtype=float)
        if obs.ndim != 2 or min(obs.shape) < 2:
            raise ValueError("table must be a 2-D table with at least 2 rows and 2 columns")
        if (obs < 0).any() or not np.isfinite(obs).all():
            raise ValueError("table must hold non-negative finite counts")
        return obs
    r = as_labels(rows, "rows")
    c = as_labels(columns, "columns", len(r))
    _, ri = np.unique(r, return_inverse=True)
    _, ci = np.unique(c, return_inverse=True)
    obs = np.zeros((ri.max() + 1, ci.max() + 1))
    np.add.at(obs, (ri.reshape(-1), ci.reshape(-1)), 1.0)
    if min(obs.shape) < 2:
        raise ValueError("rows and columns must each have at least two categories")
    return obs


def chi2_independence(table: Any = None, *, rows: Any = None, columns: Any = None,
                      correction: bool = True) -> TestResult:
    """Pearson chi-square test of independence with Cramér's V.

    Parameters
    ----------
    table : array_like, optional
        Observed counts (r x c). Alternatively pass ``rows`` and ``columns`` labels.
    correction : bool
        Yates' continuity correction for 2 x 2 tables (scipy's default).

    Notes
    -----
    Cramér's V = :math:`\\sqrt{\\chi^2 / (N \\min(r-1, c-1))}` from the uncorrected
    statistic. Checked against scipy ``chi2_contingency`` documented examples
    (``[[10,10,20],[20,20,20]]`` -> 2.7777777777777777, p = 0.24935220877729619)
    and ``contingency.association`` (Cramér's V 0.18617813077483678).

    Raises
    ------
    ValueError
        Naming ``table`` when it has no counts at all (R ``chisq.test``: "at
        least one entry of 'x' must be positive"; scipy would return ``NaN``)
        or an empty row or column (expected count zero).
    """
    obs = _crosstab(table, rows, columns)
    n = obs.sum()
    if n == 0:
        raise ValueError("table has no counts (every cell is zero), as R chisq.test: "
                         "at least one entry must be positive")
    expected = obs.sum(axis=1, keepdims=True) * obs.sum(axis=0, keepdims=True) / n
    if (expected == 0).any():
        raise ValueError("table has an empty row or column")
    dof = (obs.shape[0] - 1) * (obs.shape[1] - 1)
    raw = float(((obs - expected) ** 2 / expected).sum())
    dev = np.abs(obs - expected)
    if correction and dof == 1:
        dev = np.maximum(dev - 0.5, 0.0)
    chi2 = float((dev ** 2 / expected).sum())
    v = np.sqrt(raw / (n * (min(obs.shape) - 1)))
    return TestResult(statistic=chi2, pvalue=float(stats.chi2.sf(chi2, dof)), df=float(dof),
                      effect_size=float(v), effect_size_name="cramer_v", n=int(n),
                      method="Pearson chi-square test of independence",
                      warnings=expected_count_warnings(expected) + small_sample_warnings(n))


@dataclass(frozen=True, eq=False)
class AdjustedPValues:
    """p-values adjusted for a family of comparisons.

    Attributes
    ----------
    adjusted : ndarray
        Adjusted p-values in the input order (``NaN`` stays ``NaN``).
    reject : ndarray of bool
        Whether each hypothesis is rejected at ``alpha``.
    method : str
        ``"holm"`` or ``"bh"``.
    alpha : float
        Family-wise error rate (Holm) or false discovery rate (BH).
    """

    adjusted: np.ndarray
    reject: np.ndarray
    method: str
    alpha: float


def adjust_pvalues(pvalues: Any, method: str = "holm", *, alpha: float = 0.05) -> AdjustedPValues:
    """Holm (family-wise) or Benjamini-Hochberg (false discovery rate) adjustment.

    Holm: :math:`\\tilde p_{(i)} = \\max_{j \\le i} \\min(1, (m - j + 1) p_{(j)})`.
    BH: :math:`\\tilde p_{(i)} = \\min_{j \\ge i} \\min(1, m p_{(j)} / j)`.

    Checked against scipy ``false_discovery_control`` documented example
    (Benjamini & Hochberg 1995, 15 p-values) and Holm's procedure as in R
    ``p.adjust(method = "holm")``.
    """
    if method not in ("holm", "bh"):
        raise ValueError(f"method must be 'holm' or 'bh', got {method!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    p = as_float_1d(pvalues, "pvalues")
    if ((p[~np.isnan(p)] < 0) | (p[~np.isnan(p)] > 1)).any():
        raise ValueError("pvalues must lie between 0 and 1")
    ok = np.flatnonzero(~np.isnan(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    m, ranks = len(order), np.arange(1, len(order) + 1)
    if method == "holm":
        adj = np.maximum.accumulate(np.minimum(1.0, (m - ranks + 1) * p[order]))
    else:
        adj = np.minimum.accumulate(np.minimum(1.0, m * p[order] / ranks)[::-1])[::-1]
    out = np.full(len(p), np.nan)
    out[order] = adj
    return AdjustedPValues(adjusted=out, reject=np.nan_to_num(out, nan=1.0) <= alpha, method=method,
                           alpha=alpha)


@dataclass(frozen=True, eq=False)
class SegmentComparisons:
    """Each segment's weighted mean against the rest (or a reference segment).

    Attributes
    ----------
    labels : ndarray
        Segment labels.
    difference, se, statistic, pvalue, adjusted : ndarray of float
        Segment mean minus comparison mean, its design SE, t statistic, raw and
        adjusted p-values.
    reject : ndarray of bool
        Significant after adjustment.
    n : ndarray of int
        Answers in each segment.
    df : ndarray of float
        Degrees of freedom of each comparison's t reference distribution, R
        ``svyttest``'s ``degf(design) - 1`` (``NaN`` when below 1).
    method : str
        Adjustment method.
    warnings : tuple of str
        Segments with fewer than 30 answers; comparisons without degrees of freedom.
    """

    labels: np.ndarray
    difference: np.ndarray
    se: np.ndarray
    statistic: np.ndarray
    pvalue: np.ndarray
    adjusted: np.ndarray
    reject: np.ndarray
    n: np.ndarray
    df: np.ndarray
    method: str
    warnings: tuple[str, ...] = ()

    @property
    def untestable(self) -> bool:
        """No comparison has degrees of freedom (every p-value is NaN)."""
        return bool(np.isnan(self.df).all())

    def by_code(self, n_levels: int) -> SegmentComparisons:
        """The comparisons laid out by integer label ``0..n_levels - 1`` (a label not compared gets NaN,
        not rejected and ``n`` 0), so that a caller with level codes can index them directly."""
        at = np.asarray(self.labels, dtype=np.int64)
        if at.size and (at.min() < 0 or at.max() >= n_levels):
            raise ValueError(f"n_levels must exceed every label; labels run to {at.max()}, n_levels is {n_levels}")
        fields = {}
        for name, fill in (("difference", np.nan), ("se", np.nan), ("statistic", np.nan), ("pvalue", np.nan),
                           ("adjusted", np.nan), ("reject", False), ("n", 0), ("df", np.nan)):
            column = np.full(n_levels, fill, dtype=np.asarray(getattr(self, name)).dtype)
            column[at] = getattr(self, name)
            fields[name] = column
        return replace(self, labels=np.arange(n_levels), **fields)


def svyttest_df(design: SurveyDesign, rows: Any) -> int:
    """Degrees of freedom of R's two-sample ``svyttest``: ``degf(design) - 1``.

    ``degf`` counts the first-stage PSUs minus the strata among ``rows`` (a
    boolean mask of the responses that enter the test: answered, in the
    compared groups) that have a non-zero weight — R's ``degf.survey.design2``
    on the design ``svyglm`` fits after dropping missing answers; ``svyttest``
    takes ``svyglm``'s ``df.residual`` = degf + 1 - 2 coefficients.
    A result below 1 means the test has no degrees of freedom.
    """
    inset = np.asarray(rows, dtype=bool) & (design.weights != 0)
    first = design.stages[0]
    # units and strata are codes 0..k-1: marking them counts the distinct ones in O(n), where np.unique
    # hashes or sorts a million units (0.4 s each of the many comparisons of a 1M wave)
    present = np.zeros(len(first.unit_group), dtype=bool)
    present[first.unit[inset]] = True
    units = np.flatnonzero(present)
    return int(len(units) - np.count_nonzero(np.bincount(first.unit_group[units])) - 1)


def segment_comparisons(y: Any, groups: Any, weights: Any = None, strata: Any = None,
                        psu: Any = None, fpc: Any = None, *, against: Any = None,
                        method: str = "holm", alpha: float = 0.05, design: SurveyDesign | None = None,
                        lonely_psu: str = "fail", calibration: Any = None) -> SegmentComparisons:
    """Design-based test of every segment against the rest, corrected for multiplicity.

    The difference of two domain means is linearised jointly (the two domains
    share one design, so their covariance is included) and referred to a t
    distribution with R ``svyttest``'s degrees of freedom, :func:`svyttest_df`:
    ``degf(design) - 1`` = (PSUs - strata) - 1, counted over the responses in
    the comparison that answered and have a non-zero weight. The test equals
    ``svyttest(y ~ I(g == segment), design)`` (against the rest) or the same on
    ``subset(design, g %in% c(segment, against))``: its t is the ``svyglm``
    slope over its SE, which for a 0/1 regressor is the domain-mean difference
    and its linearised SE.

    Parameters
    ----------
    y, groups : array_like
        Answers (``NaN`` missing) and segment labels.
    against : label, optional
        Compare with this segment instead of "all other respondents".
    method : {"holm", "bh"}
        Correction over the family of segment comparisons.
    Other parameters as in :func:`analysis.estimate.mean`.

    Notes
    -----
    For a weights-only design (one stratum, each response its own PSU, no
    ``fpc``, no calibration) the comparisons with the rest have a closed form,
    computed in O(n) with ``bincount`` (:func:`_weights_only_differences`);
    other designs use an n x segments block of linearisation values.

    References
    ----------
    Lumley, T. R package ``survey``, ``R/svyttest.R``, two-sample case:
    ``m <- svyglm(formula, design)``, statistic ``coef(m)[2] / SE(m)[2]``,
    ``parameter = m$df.resid``; ``svyglm`` drops rows with a missing answer
    (``design[-nas, ]``) and sets ``df.residual <- degf(design) + 1 - 2``;
    ``degf.survey.design2`` counts PSUs minus strata among rows with a
    non-zero weight. Checked in tests/analysis/test_compare.py on the api
    data (``dclus2``: df 36 for ``enroll ~ comp.imp``, 6 schools missing;
    ``apistrat``: df 196) and the difference and SE against
    ``svyby``/``svymean``.
    """
    values = as_float_1d(y, "y")
    labels = as_labels(groups, "groups", len(values))
    d = as_design(design, len(values), weights, strata, psu, fpc, lonely_psu, calibration)
    levels = np.unique(labels)
    if against is not None and against not in levels.tolist():
        raise ValueError(f"against: segment {against!r} not found in groups")
    tested = levels[levels != against] if against is not None else levels
    if against is None and _is_weights_only(d):
        diff, se, used = _weights_only_differences(values, labels, tested, d.weights)
    else:
        diff, se, used = _domain_differences(values, labels, tested, against, d)
    df = _comparison_df(values, labels, tested, against, d)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = diff / se
    p = np.where(df >= 1, 2 * stats.t.sf(np.abs(t), np.maximum(df, 1)), np.nan)
    adj = adjust_pvalues(p, method, alpha=alpha)
    return SegmentComparisons(labels=tested, difference=diff, se=se, statistic=t, pvalue=p,
                              adjusted=adj.adjusted, reject=adj.reject, n=used,
                              df=np.where(df >= 1, df, np.nan).astype(float), method=method,
                              warnings=d.warnings + _comparison_notes(tested, used, df))


def _comparison_df(values: np.ndarray, labels: np.ndarray, tested: np.ndarray, against: Any,
                   design: SurveyDesign) -> np.ndarray:
    """R ``svyttest``'s degrees of freedom of each comparison (see :func:`svyttest_df`)."""
    answered = ~np.isnan(values)
    if against is None:
        return np.full(len(tested), svyttest_df(design, answered))
    pair = [answered & ((labels == g) | (labels == against)) for g in tested.tolist()]
    return np.array([svyttest_df(design, rows) for rows in pair])


def _comparison_notes(tested: np.ndarray, used: np.ndarray, df: np.ndarray) -> tuple[str, ...]:
    """Small-segment notes, and a warning for comparisons without degrees of freedom."""
    small = [str(v) for v, k in zip(tested.tolist(), used, strict=True) if k < SMALL_N]
    notes = (f"small segments (< {SMALL_N} answers): {small[:10]}",) if small else ()
    none = [str(v) for v, k in zip(tested.tolist(), df, strict=True) if k < 1]
    if none:
        notes += _degenerate(f"segments {none[:10]}: too few PSUs for a design-based t test "
                             "(degf(design) - 1 < 1); p-values are NaN, as R svyttest")
    return notes


def _is_weights_only(design: SurveyDesign) -> bool:
    """True for one stratum, every response its own PSU, no fpc and no calibration."""
    if design.calibration is not None or design.n_strata != 1 or design.n_psu != design.n:
        return False
    if len(design.stages) != 1 or design.n < 2:
        return False
    stage = design.stages[0]
    return bool(stage.factor == 1.0 and (stage.unit_centre == 1.0).all()
                and (stage.unit_scale == design.n / (design.n - 1)).all())


def _weights_only_differences(values: np.ndarray, labels: np.ndarray, tested: np.ndarray,
                              weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Each segment's mean minus the rest's, its SE and answers, in O(n) for a weights-only design.

    The linearisation values of "this segment" and "the rest" have disjoint
    supports and each sums to zero, so
    :math:`Var(\hat\mu_g - \hat\mu_{-g}) = \frac{n}{n-1}\left(
    \frac{\sum_{i \in g} w_i^2 (y_i - \hat\mu_g)^2}{W_g^2} +
    \frac{\sum_{i \notin g} w_i^2 (y_i - \hat\mu_{-g})^2}{W_{-g}^2}\right)`,
    the same numbers as :func:`_domain_differences` on the design.
    """
    codes = np.searchsorted(tested, labels)
    k = len(tested)
    ok = ~np.isnan(values)
    w = np.where(ok, weights, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        yc = np.where(ok, values - (w @ np.where(ok, values, 0.0)) / w.sum(), 0.0)  # less cancellation
        sums = [np.bincount(codes, weights=v, minlength=k)
                for v in (w, w * yc, w * w, w * w * yc, w * w * yc * yc)]
        w_g, s1_g, q0_g, q1_g, q2_g = sums
        w_r, s1_r, q0_r, q1_r, q2_r = (v.sum() - v for v in sums)
        m_g, m_r = s1_g / w_g, s1_r / w_r
        inside = np.where(w_g > 0, (q2_g - 2 * m_g * q1_g + m_g ** 2 * q0_g) / w_g ** 2, 0.0)
        outside = np.where(w_r > 0, (q2_r - 2 * m_r * q1_r + m_r ** 2 * q0_r) / w_r ** 2, 0.0)
        n = len(values)
        se = np.sqrt(n / (n - 1) * np.maximum(inside + outside, 0.0))
    used = np.bincount(codes, weights=ok, minlength=k).astype(int)
    return m_g - m_r, se, used


def _domain_differences(values: np.ndarray, labels: np.ndarray, tested: np.ndarray, against: Any,
                        design: SurveyDesign, cells: int = 4_000_000
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean differences (segment minus comparison), their SEs and segment sizes, in blocks."""
    step = max(1, cells // max(len(values), 1))
    out = []
    for first in range(0, len(tested), step):
        block = tested[first:first + step]
        inside = labels[:, None] == block[None, :]
        other = (labels == against)[:, None] if against is not None else ~inside
        other = np.broadcast_to(other, inside.shape)
        y2 = np.broadcast_to(values[:, None], inside.shape)
        m1, x1, used, _ = linearised_estimates(y2, inside, design.weights)
        m2, x2, _, _ = linearised_estimates(y2, other, design.weights)
        out.append((m1 - m2, np.sqrt(linearised_variance(x1 - x2, design)), used))
    return tuple(np.concatenate([part[i] for part in out]) for i in range(3))


def wave_change(current: Estimate, previous: Estimate, *, confidence: float = 0.95) -> TestResult:
    """Change of an estimate between two independent waves, with a z test.

    :math:`\\Delta = \\hat\\theta_2 - \\hat\\theta_1`, :math:`SE = \\sqrt{SE_1^2 + SE_2^2}`
    (independent samples), two-sided p from the normal distribution.
    ``effect_size`` is the change itself (in the estimate's units).
    """
    for name, est in (("current", current), ("previous", previous)):
        if not isinstance(est, Estimate):
            raise ValueError(f"{name} must be an Estimate")
        if not np.isfinite(est.se) or est.se < 0:
            raise ValueError(f"{name} has no valid standard error")
    if current.statistic != previous.statistic:
        raise ValueError(f"previous is a {previous.statistic}, current a {current.statistic}")
    confidence = check_confidence(confidence)
    diff = current.value - previous.value
    se = float(np.hypot(current.se, previous.se))
    z = diff / se if se > 0 else np.nan
    half = stats.norm.ppf(0.5 + confidence / 2) * se
    return TestResult(statistic=float(z), pvalue=float(2 * stats.norm.sf(abs(z))), df=None,
                      effect_size=float(diff), effect_size_name="difference",
                      n=current.n + previous.n, method="wave-over-wave z test",
                      estimate=float(diff), se=se, ci=(diff - half, diff + half),
                      warnings=current.warnings + previous.warnings)
