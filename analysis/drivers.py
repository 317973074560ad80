"""Derived importance of dimensions for overall satisfaction, and importance-performance quadrants.

Importance is *derived* from the data (not asked): how strongly each dimension
score moves with overall satisfaction. Three measures are given side by side:

* Pearson correlation of each dimension with overall satisfaction;
* standardised regression coefficients :math:`\\beta = R_{xx}^{-1} r_{xy}`;
* Johnson's (2000) relative weights: the predictors are replaced by their
  closest orthogonal counterparts :math:`Z = X R_{xx}^{-1/2}`, and the variance
  each orthogonal variable explains is shared back to the original predictors
  through :math:`\\Lambda = R_{xx}^{1/2}`:
  :math:`\\varepsilon_j = \\sum_k \\Lambda_{jk}^2 \\beta^{*2}_k` with
  :math:`\\beta^* = \\Lambda^{-1} r_{xy}`. The weights add up to :math:`R^2`
  and, unlike betas, stay positive and stable when dimensions are correlated.

Rows with a missing value in any column are dropped (listwise).

References
----------
Johnson, J. W. (2000). A heuristic method for estimating the relative weight of
predictor variables in multiple regression. *Multivariate Behavioral Research*
35(1), 1-19. Martilla, J. A. & James, J. C. (1977). Importance-performance
analysis. *Journal of Marketing* 41(1), 77-79.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._validate import as_float_1d, as_float_2d, check_length
from .results import small_sample_warnings

__all__ = ["DriverResult", "driver_importance", "importance_performance", "QuadrantItem", "QUADRANTS"]

#: Quadrant names (importance, performance): Korean label and plain meaning.
QUADRANTS = {
    (True, True): "유지 강화 (keep up the good work)",
    (True, False): "집중 개선 (concentrate here)",
    (False, False): "점진 개선 (low priority)",
    (False, True): "과잉 투자 (possible overkill)",
}


@dataclass(frozen=True)
class DriverResult:
    """Derived importance of each dimension.

    Attributes
    ----------
    names : tuple of str
        Dimension names, in column order.
    correlation : tuple of float
        Pearson correlation with overall satisfaction.
    beta : tuple of float
        Standardised regression coefficients.
    relative_weight : tuple of float
        Johnson's relative weights (sum to ``r_squared``).
    relative_share : tuple of float
        Relative weights as percent of ``r_squared``.
    r_squared : float
        Variance of overall satisfaction explained by all dimensions.
    n : int
        Complete rows used.
    warnings : tuple of str
        Small-sample and collinearity cautions.
    """

    names: tuple[str, ...]
    correlation: tuple[float, ...]
    beta: tuple[float, ...]
    relative_weight: tuple[float, ...]
    relative_share: tuple[float, ...]
    r_squared: float
    n: int
    warnings: tuple[str, ...] = field(default_factory=tuple)


def _constant_column(x: np.ndarray) -> bool:
    """Whether a column of ``x`` has standard deviation zero (four columns at a time: no (n, p) temporary)."""
    return any((x[:, start:start + 4].std(axis=0) == 0).any() for start in range(0, x.shape[1], 4))


def _complete(overall: Any, dimensions: Any) -> tuple[np.ndarray, np.ndarray]:
    """Listwise-complete overall (n,) and dimension (n, p) arrays."""
    y = as_float_1d(overall, "overall")
    x = as_float_2d(dimensions, "dimensions")
    check_length(x, len(y), "dimensions")
    keep = ~np.isnan(y) & ~np.isnan(x).any(axis=1)
    if not keep.all():  # no copy of rows that are complete already
        y, x = y[keep], x[keep]
    if len(y) < x.shape[1] + 2:
        raise ValueError(f"dimensions: need at least {x.shape[1] + 2} complete rows, got {len(y)}")
    if _constant_column(x) or y.std() == 0:
        raise ValueError("dimensions and overall must vary (a column is constant)")
    return y, x


#: Rows per block in :func:`_correlation`.
CORRELATION_ROWS = 65_536


def _correlation(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``np.corrcoef(np.c_[x, y], rowvar=False)`` without an (n, p + 1) copy: the centred cross-products are
    summed a block of rows at a time (the same numbers up to the order of summation, ~1e-15 relative)."""
    p = x.shape[1]
    centre = np.append(x.mean(axis=0), y.mean())
    c = np.zeros((p + 1, p + 1))
    block = np.empty((min(len(y), CORRELATION_ROWS), p + 1))
    for start in range(0, len(y), CORRELATION_ROWS):
        rows = slice(start, start + CORRELATION_ROWS)
        part = block[:len(y[rows])]
        part[:, :p], part[:, p] = x[rows], y[rows]
        part -= centre
        c += part.T @ part
    c *= np.true_divide(1, len(y) - 1)
    sd = np.sqrt(np.diag(c))
    c /= sd[:, None]
    c /= sd[None, :]
    return np.clip(c, -1, 1, out=c)


def driver_importance(overall: Any, dimensions: Any, names: Sequence[str] | None = None) -> DriverResult:
    """Correlation, standardised beta and relative-weight importance of each dimension.

    Parameters
    ----------
    overall : array_like, shape (n,)
        Overall satisfaction of each respondent.
    dimensions : array_like, shape (n, p)
        Dimension scores of each respondent.
    names : sequence of str, optional
        Dimension names (default ``"D1"``, ``"D2"``, ...).
    """
    y, x = _complete(overall, dimensions)
    p = x.shape[1]
    names = tuple(names) if names is not None else tuple(f"D{j + 1}" for j in range(p))
    if len(names) != p:
        raise ValueError(f"names has {len(names)} entries but dimensions has {p} columns")
    corr = _correlation(x, y)
    rxx, rxy = corr[:p, :p], corr[:p, p]
    values, vectors = np.linalg.eigh(rxx)
    notes = small_sample_warnings(len(y))
    if values.min() < 1e-8:
        raise ValueError("dimensions are perfectly collinear; drop a redundant dimension")
    beta = np.linalg.solve(rxx, rxy)
    if values.max() / values.min() > 1e3:
        notes += ("dimensions are highly collinear; read betas with caution (relative weights are robust)",)
    lam = vectors @ np.diag(np.sqrt(values)) @ vectors.T
    beta_star = np.linalg.solve(lam, rxy)
    raw = (lam ** 2) @ (beta_star ** 2)
    r2 = float(rxy @ beta)
    return DriverResult(names=names, correlation=tuple(map(float, rxy)), beta=tuple(map(float, beta)),
                        relative_weight=tuple(map(float, raw)),
                        relative_share=tuple(map(float, 100 * raw / raw.sum())), r_squared=r2,
                        n=len(y), warnings=notes)


@dataclass(frozen=True)
class QuadrantItem:
    """One item's place on the importance-performance grid.

    ``settled`` is False when the item's importance or performance cannot be told apart from the
    cut (see :mod:`analysis.contrasts`): a report then withholds the quadrant. The intervals, when
    known, are drawn as error bars.
    """

    name: str
    importance: float
    performance: float
    quadrant: str
    high_importance: bool
    high_performance: bool
    settled: bool = True
    importance_ci: tuple[float, float] | None = None
    performance_ci: tuple[float, float] | None = None


def importance_performance(importance: Any, performance: Any, names: Sequence[str], *,
                           importance_cut: float | None = None,
                           performance_cut: float | None = None) -> list[QuadrantItem]:
    """Place each item in an importance-performance quadrant (Martilla & James 1977).

    Parameters
    ----------
    importance : array_like
        Derived importance of each item (e.g. ``relative_share`` or correlation).
    performance : array_like
        Performance of each item (e.g. its 100-point score).
    names : sequence of str
        Item names.
    importance_cut, performance_cut : float, optional
        Grid lines; default the mean importance and the mean performance.
        Values at the cut count as high.
    """
    imp = as_float_1d(importance, "importance", allow_nan=False)
    perf = as_float_1d(performance, "performance", allow_nan=False)
    check_length(perf, len(imp), "performance")
    check_length(names, len(imp), "names")
    i_cut = float(imp.mean()) if importance_cut is None else float(importance_cut)
    p_cut = float(perf.mean()) if performance_cut is None else float(performance_cut)
    out = []
    for name, i, p in zip(names, imp.tolist(), perf.tolist(), strict=True):
        hi, hp = i >= i_cut, p >= p_cut
        out.append(QuadrantItem(name=str(name), importance=i, performance=p, quadrant=QUADRANTS[(hi, hp)],
                                high_importance=hi, high_performance=hp))
    return out
