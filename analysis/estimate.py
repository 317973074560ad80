"""Design-based means, proportions and totals with Taylor-linearised standard errors.

The estimators and their linearisation values are those of R's ``survey``
package (``svymean``, ``svytotal``, ``svyby``):

* total :math:`\\hat T = \\sum_i w_i y_i`, linearisation value :math:`w_i y_i`;
* mean :math:`\\hat\\mu = \\sum_i w_i y_i / \\sum_i w_i`, linearisation value
  :math:`w_i (y_i - \\hat\\mu) / \\sum_j w_j`;
* proportion: the mean of a 0/1 indicator.

The variance of the linearisation values over the design is computed by
:func:`analysis.design.linearised_variance`.

Missing answers and domains
---------------------------
``NaN`` marks a missing answer, including "모름/해당없음" (don't know / not
applicable; map such codes to ``NaN`` with :func:`analysis.scales.as_missing`).
A missing answer puts that response outside the estimation domain: the estimate
is over those who answered, and its standard error keeps the full design
(linearisation values of the other responses are zero), which is what R does
with ``na.rm=TRUE`` and with ``subset()``/``svyby()`` domains. Domain estimates
therefore have correct standard errors even when a stratum or cluster has no
respondent in the domain.

Confidence intervals are Wald intervals with the normal quantile, as R's
``confint()`` on these estimates.

Zero total weight
-----------------
A mean or proportion over responses whose weights are all zero is 0/0: it
is returned as ``NaN`` (as R's ``weighted.mean``), never silently: the
estimate's ``warnings`` say why and :func:`mean`, :func:`total` and
:func:`proportion` also emit a :class:`~analysis.results.DegenerateDataWarning`
(:func:`by` and :func:`means` put the note on the domains/items concerned).

References
----------
Lumley, T. (2004). Analysis of complex survey samples. *Journal of Statistical
Software* 9(1). Checked against R ``survey``'s published outputs in
``tests/api.Rout.save``, ``tests/fpc.Rout.save``, ``tests/lonely.psu.Rout.save``
and the ``svyby`` example (see tests/analysis/test_estimate.py).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy import stats

from ._validate import as_float_1d, as_float_2d, as_labels, check_confidence, check_length
from .design import SurveyDesign, as_design, domain_variances, linearised_variance
from .results import DegenerateDataWarning, Estimate, small_sample_warnings

__all__ = ["mean", "proportion", "total", "by", "means", "ItemEstimates", "wald_ci"]


@dataclass(frozen=True, eq=False)
class ItemEstimates:
    """Estimates for many items at once (one entry per column), from :func:`means`.

    Attributes
    ----------
    value, se, ci_low, ci_high, weighted_n : ndarray of float
        One value per item.
    n : ndarray of int
        Responses used per item (non-missing).
    statistic : str
        ``"mean"`` or ``"total"``.
    confidence : float
        Level of the intervals.
    df : int
        Design degrees of freedom.
    """

    value: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    n: np.ndarray
    weighted_n: np.ndarray
    statistic: str
    confidence: float
    df: int

    def item(self, j: int, warnings: tuple[str, ...] = ()) -> Estimate:
        """Return item ``j`` as an :class:`~analysis.results.Estimate`."""
        notes = warnings + small_sample_warnings(int(self.n[j]))
        if self.n[j] == 0:
            notes = notes + ("no responses in the domain",)
        elif self.weighted_n[j] == 0:
            notes = notes + (zero_weight_note(int(self.n[j])),)
        return Estimate(value=float(self.value[j]), se=float(self.se[j]),
                        ci=(float(self.ci_low[j]), float(self.ci_high[j])), n=int(self.n[j]),
                        weighted_n=float(self.weighted_n[j]), statistic=self.statistic, df=self.df,
                        confidence=self.confidence, method="taylor", warnings=notes)


def zero_weight_note(n: int) -> str:
    """Why an estimate over ``n`` responses that all have weight zero is ``NaN``."""
    return (f"the {n} response(s) in the estimate all have weight zero: the estimate is undefined "
            "(NaN), as a weighted mean with zero total weight")


def warn_zero_weight(est: Estimate) -> Estimate:
    """Emit a :class:`DegenerateDataWarning` when ``est`` has responses but zero total weight."""
    if est.n > 0 and est.weighted_n == 0:
        warnings.warn(zero_weight_note(est.n), DegenerateDataWarning, stacklevel=3)
    return est


def wald_ci(value: Any, se: Any, confidence: float) -> tuple[Any, Any]:
    """Return the normal-theory interval ``value -/+ z * se``."""
    z = stats.norm.ppf(0.5 + confidence / 2)
    return value - z * se, value + z * se

#: Columns per block in :func:`linearised_estimates`.
ESTIMATE_COLUMNS = 2


def linearised_estimates(y: np.ndarray, domain: np.ndarray, weights: np.ndarray, statistic: str = "mean", *,
                         out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Estimates of every column of ``y`` (n, k) in its ``domain`` and their linearisation values.

    Returns ``(value, x, n_used, weight_sum)`` where ``x`` (n, k) holds the
    linearisation values (zero outside the domain and for missing answers). ``out``: a float64
    (n, k) array to write ``x`` into; it may be ``y`` itself (each block is read before it is written).
    """
    y = np.asarray(y)
    n, k = y.shape
    domain = np.broadcast_to(domain, (n, k))
    value, x = np.empty(k), (np.empty((n, k)) if out is None else out)
    used, wsum = np.empty(k, dtype=np.intp), np.empty(k)
    # Blocks of columns (each column is estimated alone) bound the temporaries to (n, block); within a block
    # the same element-wise operations as ``(wd * y - wd * value) / wsum``, so the same numbers.
    for start in range(0, k, ESTIMATE_COLUMNS):
        cols = slice(start, start + ESTIMATE_COLUMNS)
        value[cols], used[cols], wsum[cols] = _linearise_block(y[:, cols], domain[:, cols], weights, statistic,
                                                               x[:, cols])
    return value, x, used, wsum


def _linearise_block(y: np.ndarray, domain: np.ndarray, weights: np.ndarray, statistic: str,
                     out: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One block of :func:`linearised_estimates`: writes the linearisation values into ``out``."""
    inside = np.isnan(y)
    np.logical_not(inside, out=inside)
    inside &= domain
    used = inside.sum(axis=0)
    wd = np.where(inside, weights[:, None], 0.0)
    wsum = wd.sum(axis=0)
    wy = np.where(inside, y, 0.0)
    del inside
    np.multiply(wd, wy, out=wy)
    if statistic == "total":
        out[...] = wy
        return wy.sum(axis=0), used, wsum
    with np.errstate(invalid="ignore", divide="ignore"):
        value = wy.sum(axis=0) / wsum
        wd *= value
        wy -= wd
        del wd
        wy /= wsum
    wy[:, wsum == 0] = 0.0
    out[...] = wy
    return value, used, wsum


def _estimate_columns(y: np.ndarray, domain: np.ndarray, design: SurveyDesign, statistic: str,
                      confidence: float) -> ItemEstimates:
    """Vectorised core: estimate every column of ``y`` within its boolean ``domain``."""
    k = y.shape[1]
    value, variance, used, wsum = np.empty(k), np.empty(k), np.empty(k, dtype=np.intp), np.empty(k)
    domain = np.broadcast_to(domain, y.shape)
    for start in range(0, k, ESTIMATE_COLUMNS):  # a block's linearisation values at a time, never all k
        cols = slice(start, start + ESTIMATE_COLUMNS)
        value[cols], x, used[cols], wsum[cols] = linearised_estimates(y[:, cols], domain[:, cols], design.weights,
                                                                      statistic)
        variance[cols] = linearised_variance(x, design)
    se = np.sqrt(variance)
    se[wsum == 0] = np.nan
    low, high = wald_ci(value, se, confidence)
    return ItemEstimates(value=value, se=se, ci_low=low, ci_high=high, n=used,
                         weighted_n=wsum, statistic=statistic, confidence=confidence, df=design.df)


def _domain_column(domain: Any, n: int) -> np.ndarray:
    """Return the domain as a boolean column (all True when ``domain`` is None)."""
    if domain is None:
        return np.ones((n, 1), dtype=bool)
    mask = np.asarray(domain)
    if mask.dtype != bool:
        raise ValueError("domain must be a boolean mask")
    check_length(mask, n, "domain")
    return mask.reshape(n, 1)


def _single(y: Any, statistic: str, weights: Any, strata: Any, psu: Any, fpc: Any, domain: Any,
            design: SurveyDesign | None, lonely_psu: str, calibration: Any,
            confidence: float) -> Estimate:
    """Estimate one variable; shared body of :func:`mean` and :func:`total`."""
    values = as_float_1d(y, "y")
    confidence = check_confidence(confidence)
    d = as_design(design, len(values), weights, strata, psu, fpc, lonely_psu, calibration)
    result = _estimate_columns(values[:, None], _domain_column(domain, len(values)), d,
                               statistic, confidence)
    return warn_zero_weight(result.item(0, d.warnings))


def mean(y: Any, weights: Any = None, strata: Any = None, psu: Any = None, fpc: Any = None, *,
         domain: Any = None, design: SurveyDesign | None = None, lonely_psu: str = "fail",
         calibration: Any = None, confidence: float = 0.95) -> Estimate:
    """Weighted mean with its Taylor-linearised standard error (R ``svymean``).

    Parameters
    ----------
    y : array_like
        Answers, ``NaN`` for missing / "모름·해당없음".
    weights : array_like or weighting result, optional
        Sampling weights, or the result of :func:`analysis.weighting.poststratify`
        / :func:`~analysis.weighting.rake` (its calibration then enters the SE).
    strata, psu, fpc : array_like, optional
        Design: strata, clusters (2-D for several stages), finite-population correction.
    domain : array_like of bool, optional
        Subgroup to estimate for; the full design is kept for the SE.
    design : SurveyDesign, optional
        A prebuilt design instead of ``weights``/``strata``/``psu``/``fpc``.
    lonely_psu : str
        Rule for single-PSU strata, see :mod:`analysis.design`.
    calibration : object, optional
        Calibration record when ``weights`` is a plain array of calibrated weights.
    confidence : float
        Level of the Wald interval.

    Returns
    -------
    Estimate
        ``statistic="mean"``.

    Notes
    -----
    :math:`\\hat\\mu = \\sum w_i y_i / \\sum w_i`. Checked against R ``survey``:
    ``svymean(~api00, dstrat)`` = 662.29 (SE 9.4089), ``dclus1`` 644.17 (23.542),
    ``dclus2`` 670.81 (30.099).
    """
    return _single(y, "mean", weights, strata, psu, fpc, domain, design, lonely_psu,
                   calibration, confidence)


def total(y: Any, weights: Any = None, strata: Any = None, psu: Any = None, fpc: Any = None, *,
          domain: Any = None, design: SurveyDesign | None = None, lonely_psu: str = "fail",
          calibration: Any = None, confidence: float = 0.95) -> Estimate:
    """Weighted total with its Taylor-linearised standard error (R ``svytotal``).

    Parameters are those of :func:`mean`. Missing values contribute nothing
    (R's ``na.rm=TRUE``).

    Notes
    -----
    :math:`\\hat T = \\sum w_i y_i`. Checked against R ``survey``:
    ``svytotal(~enroll, dstrat)`` = 3,687,178 (SE 114,642).
    """
    return _single(y, "total", weights, strata, psu, fpc, domain, design, lonely_psu,
                   calibration, confidence)


def proportion(y: Any, weights: Any = None, strata: Any = None, psu: Any = None, fpc: Any = None, *,
               success: Any = None, domain: Any = None, design: SurveyDesign | None = None,
               lonely_psu: str = "fail", calibration: Any = None,
               confidence: float = 0.95) -> Estimate:
    """Weighted proportion (mean of a 0/1 indicator) with its linearised SE.

    Parameters
    ----------
    y : array_like
        0/1 (or boolean) indicator, ``NaN`` for missing; or answers when ``success`` is given.
    success : scalar or sequence, optional
        Answer values that count as a success (e.g. ``[6, 7]`` for top-2-box);
        ``NaN`` answers stay missing.
    Other parameters as in :func:`mean`.

    Returns
    -------
    Estimate
        ``statistic="proportion"``; the Wald interval is clipped to [0, 1].
    """
    values = as_float_1d(y, "y")
    if success is None:
        observed = values[~np.isnan(values)]
        if not np.isin(observed, (0.0, 1.0)).all():
            raise ValueError("y must be 0/1 (or pass success= to say which answers count)")
        indicator = values
    else:
        indicator = np.where(np.isnan(values), np.nan, np.isin(values, np.atleast_1d(success)))
    est = mean(indicator, weights, strata, psu, fpc, domain=domain, design=design,
               lonely_psu=lonely_psu, calibration=calibration, confidence=confidence)
    low, high = est.ci
    return Estimate(value=est.value, se=est.se, ci=(max(low, 0.0), min(high, 1.0)), n=est.n,
                    weighted_n=est.weighted_n, statistic="proportion", df=est.df,
                    confidence=est.confidence, method="taylor", warnings=est.warnings)


def means(y: Any, weights: Any = None, strata: Any = None, psu: Any = None, fpc: Any = None, *,
          domain: Any = None, design: SurveyDesign | None = None, lonely_psu: str = "fail",
          calibration: Any = None, confidence: float = 0.95,
          statistic: str = "mean") -> ItemEstimates:
    """Means (or totals) of many items at once, in one vectorised pass.

    Parameters
    ----------
    y : array_like, shape (n, k)
        Responses x items, ``NaN`` for missing; each item uses its own answerers.
    statistic : {"mean", "total"}
        What to estimate for each column.
    Other parameters as in :func:`mean`.

    Returns
    -------
    ItemEstimates
        Arrays of estimates, SEs and intervals, one entry per item. Each item's
        result equals :func:`mean` on that column alone.
    """
    if statistic not in ("mean", "total"):
        raise ValueError(f"statistic must be 'mean' or 'total', got {statistic!r}")
    values = as_float_2d(y, "y")
    confidence = check_confidence(confidence)
    d = as_design(design, values.shape[0], weights, strata, psu, fpc, lonely_psu, calibration)
    return _estimate_columns(values, _domain_column(domain, values.shape[0]), d, statistic,
                             confidence)


def by(y: Any, groups: Any, weights: Any = None, strata: Any = None, psu: Any = None,
       fpc: Any = None, *, statistic: str = "mean", design: SurveyDesign | None = None,
       lonely_psu: str = "fail", calibration: Any = None,
       confidence: float = 0.95) -> dict[Any, Estimate]:
    """Estimates for each subgroup (domain) with the full design kept (R ``svyby``).

    Parameters
    ----------
    y : array_like
        Answers, ``NaN`` for missing.
    groups : array_like
        Segment label of each response (office, region, channel, ...).
    statistic : {"mean", "total", "proportion"}
        What to estimate in each group.
    Other parameters as in :func:`mean`.

    Returns
    -------
    dict
        ``{label: Estimate}`` in sorted label order.

    Notes
    -----
    Checked against R: ``svyby(~api99, ~stype, dclus1, svymean)`` gives for
    ``E`` 607.7917 with 95% CI (563.0720, 652.5114).
    """
    if statistic not in ("mean", "total", "proportion"):
        raise ValueError(f"statistic must be 'mean', 'total' or 'proportion', got {statistic!r}")
    values = as_float_1d(y, "y")
    labels = as_labels(groups, "groups", len(values))
    if statistic == "proportion" and not np.isin(values[~np.isnan(values)], (0.0, 1.0)).all():
        raise ValueError("y must be 0/1 for statistic='proportion'")
    confidence = check_confidence(confidence)
    d = as_design(design, len(values), weights, strata, psu, fpc, lonely_psu, calibration)
    levels, codes = np.unique(labels, return_inverse=True)
    stat = "total" if statistic == "total" else "mean"
    if d.calibration is None:
        result = _domains_sparse(values, codes.reshape(-1), len(levels), d, stat, confidence)
    else:
        result = _domains_dense(values, codes.reshape(-1), len(levels), d, stat, confidence)
    out = {}
    for j, level in enumerate(levels.tolist()):
        est = result.item(j, d.warnings)
        if statistic == "proportion":
            est = replace(est, statistic="proportion", ci=(max(est.ci[0], 0.0), min(est.ci[1], 1.0)))
        out[level] = est
    return out


def _domains_sparse(y: np.ndarray, codes: np.ndarray, n_domains: int, design: SurveyDesign,
                    statistic: str, confidence: float) -> ItemEstimates:
    """Estimates for disjoint domains in memory linear in n (uncalibrated designs)."""
    inside = ~np.isnan(y)
    wd = np.where(inside, design.weights, 0.0)
    y0 = np.where(inside, y, 0.0)
    wsum = np.bincount(codes, weights=wd, minlength=n_domains)
    wy = np.bincount(codes, weights=wd * y0, minlength=n_domains)
    if statistic == "total":
        value, x = wy, wd * y0
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            value = wy / wsum
            x = np.where(wd > 0, wd * (y0 - value[codes]) / wsum[codes], 0.0)
    se = np.sqrt(domain_variances(x, codes, n_domains, design))
    se[wsum == 0] = np.nan
    low, high = wald_ci(value, se, confidence)
    return ItemEstimates(value=value, se=se, ci_low=low, ci_high=high,
                         n=np.bincount(codes, weights=inside, minlength=n_domains).astype(int),
                         weighted_n=wsum, statistic=statistic, confidence=confidence, df=design.df)


def _domains_dense(y: np.ndarray, codes: np.ndarray, n_domains: int, design: SurveyDesign,
                   statistic: str, confidence: float, cells: int = 4_000_000) -> ItemEstimates:
    """Estimates for domains of a calibrated design, a block of domains at a time."""
    step = max(1, cells // max(len(y), 1))
    parts = []
    for first in range(0, n_domains, step):
        block = np.arange(first, min(first + step, n_domains))
        masks = codes[:, None] == block[None, :]
        parts.append(_estimate_columns(np.broadcast_to(y[:, None], masks.shape), masks, design,
                                       statistic, confidence))
    fields = ("value", "se", "ci_low", "ci_high", "n", "weighted_n")
    return ItemEstimates(**{f: np.concatenate([getattr(p, f) for p in parts]) for f in fields},
                         statistic=statistic, confidence=confidence, df=design.df)
