"""Dimension scores and overall indices (PCSI-style and KCSI-style) with SEs.

Scoring metadata comes as plain data: one :class:`ItemSpec` (or mapping with
the same keys) per item column, and a mapping of dimension -> weight for the
index. The computation is linear in the item means, so everything — item
scores, dimension scores and the index — is linearised in one vectorised pass
and gets a design-based SE (strata, clusters, calibration) from
:func:`analysis.design.linearised_variance`.

Methods
-------
``"mean100"`` (PCSI-style)
    item score :math:`s_j = (\\bar x_j - low)/(k_j - 1) \\times 100` (after reverse
    coding), each item mean over the respondents who answered it;
    dimension score :math:`D_d = \\sum_{j \\in d} v_j s_j / \\sum_{j \\in d} v_j`
    (``v_j`` = item weight, default 1); index :math:`I = \\sum_d W_d D_d / \\sum_d W_d`.
``"top2box"`` (KCSI-style)
    item score = percent answering in the top ``top`` categories (6 or 7 on a
    7-point scale), then the same weighted averages.

Defaults (official weights are not public, so every weight is configuration):

* PCSI: equal weights over the dimensions named in ``dimension_weights``, or
  over all dimensions of the items when ``dimension_weights`` is None;
* KCSI: :data:`KCSI_WEIGHTS` = 0.30 overall satisfaction + 0.50 element
  (attribute) satisfaction + 0.20 repurchase / recommendation intent (KMAC).
  Items are tagged with dimension ``"overall"``, ``"element"`` or ``"repurchase"``.

Weights are normalised by their sum, so 0.3/0.5/0.2 and 30/50/20 give the same index.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ._validate import as_float_2d, check_confidence
from .design import SurveyDesign, as_design, linearised_variance
from .estimate import ESTIMATE_COLUMNS, ItemEstimates, linearised_estimates, wald_ci
from .results import DegenerateDataWarning, Estimate, small_sample_warnings

__all__ = ["ItemSpec", "IndexResult", "KCSI_WEIGHTS", "item_scores", "compute_index", "compute_indices",
           "pcsi_index", "kcsi_index"]

#: KMAC's KCSI structure: overall 30%, element 50%, repurchase intent 20%.
KCSI_WEIGHTS: Mapping[str, float] = {"overall": 0.30, "element": 0.50, "repurchase": 0.20}
METHODS = ("mean100", "top2box")


@dataclass(frozen=True)
class ItemSpec:
    """Scoring metadata of one item (one column of the response matrix).

    Attributes
    ----------
    code : str
        Item code (e.g. ``"Q3"``).
    dimension : str
        Dimension code the item belongs to (e.g. ``"process"`` / 과정품질).
    points : int
        Number of scale points (7 for PCSI items).
    low : int
        Value of the lowest point (1; 0 for 0-10 items).
    reverse : bool
        Reverse-code before scoring.
    weight : float
        Weight of the item within its dimension (default 1).
    """

    code: str
    dimension: str
    points: int = 7
    low: int = 1
    reverse: bool = False
    weight: float = 1.0


@dataclass(frozen=True, eq=False)
class IndexResult:
    """An index with its dimension scores and item scores (all on 0-100).

    Attributes
    ----------
    index : Estimate
        The overall index.
    dimensions : dict of str to Estimate
        Score of each dimension.
    items : ItemEstimates
        100-point score (or top-box percent) of each item, in column order.
    item_codes : tuple of str
        Codes of the items, matching ``items``.
    weights : dict of str to float
        Normalised dimension weights used in the index.
    method : str
        ``"mean100"`` or ``"top2box"``.
    """

    index: Estimate
    dimensions: dict[str, Estimate]
    items: ItemEstimates
    item_codes: tuple[str, ...]
    weights: dict[str, float]
    method: str

#: Rows per block where a computation goes through the rows in blocks to bound its temporaries.
_BLOCK = 65_536


def _specs(items: Sequence[Any], k: int) -> list[ItemSpec]:
    """Validate item metadata: one spec per column."""
    if len(items) != k:
        raise ValueError(f"items describes {len(items)} items but responses has {k} columns")
    try:
        specs = [s if isinstance(s, ItemSpec) else ItemSpec(**dict(s)) for s in items]
    except TypeError as exc:
        raise ValueError(f"items: each item needs code and dimension (and optionally points, low, "
                         f"reverse, weight): {exc}") from None
    for s in specs:
        if not isinstance(s.points, (int, np.integer)) or s.points < 2:
            raise ValueError(f"items: {s.code} has points={s.points!r}; need an integer >= 2")
        if not s.weight > 0:
            raise ValueError(f"items: {s.code} has weight {s.weight!r}; weights must be positive")
    return specs


def item_scores(responses: Any, items: Sequence[Any], method: str = "mean100", *, top: int = 2,
                out: np.ndarray | None = None) -> np.ndarray:
    """Per-response item scores on 0-100, reverse-coded.

    Parameters
    ----------
    responses : array_like, shape (n, k)
        Answers, one column per item, ``NaN`` for missing / 모름·해당없음.
    items : sequence of ItemSpec or mappings
        Scoring metadata of each column (code, dimension, points, low, reverse, weight).
    method : {"mean100", "top2box"}
        ``"mean100"``: :math:`(x - low)/(k - 1) \\times 100` after reverse coding
        (:math:`x \\to 2\\,low + k - 1 - x`); ``"top2box"``: 100 when the answer is in the
        top ``top`` categories, else 0.
    top : int
        Number of top categories for ``"top2box"`` (2: 6 or 7 on a 7-point scale).
    out : ndarray, optional
        A float64 (n, k) array to write the scores into; it may be ``responses`` itself (then overwritten).

    Returns
    -------
    ndarray, shape (n, k)
        Item scores, ``NaN`` where ``responses`` is ``NaN``.

    Raises
    ------
    ValueError
        ``responses`` not two-dimensional or with values off an item's scale, ``items`` not one
        spec per column, ``method`` unknown, ``top`` not below every item's number of points.

    Notes
    -----
    Their item means are :func:`compute_index`'s item scores. Checked against the hand-computed
    KCSI (top-2-box) and PCSI (reverse item, item weights, missing answers) examples in
    ``tests/analysis/test_index_report.py``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    y = as_float_2d(responses, "responses")
    specs = _specs(items, y.shape[1])
    low = np.array([s.low for s in specs], dtype=float)
    span = np.array([s.points - 1 for s in specs], dtype=float)
    _check_on_scale(y, specs, low, span)
    if method != "mean100" and (not isinstance(top, (int, np.integer)) or top < 1 or (top > span).any()):
        raise ValueError(f"top must be a positive integer smaller than every item's points, got {top!r}")
    # One (n, k) result worked in place, column by column for reversed items: the same element-wise
    # operations as ``(where(rev, 2 low + span - y, y) - low) / span * 100``, without its temporaries.
    if out is None:
        out = np.array(y, dtype=np.float64, order="C", copy=True)
    elif out is not y:
        np.copyto(out, y)
    for j in np.flatnonzero([s.reverse for s in specs]):
        np.subtract(2 * low[j] + span[j], y[:, j], out=out[:, j])
    if method == "mean100":
        out -= low
        out /= span
        out *= 100.0
        return out
    missing = np.isnan(out)
    np.greater(out, low + span - top, out=out)
    out *= 100.0
    out[missing] = np.nan
    return out


def _check_on_scale(y: np.ndarray, specs: list[ItemSpec], low: np.ndarray, span: np.ndarray) -> None:
    """Raise ValueError naming the items with answers off their scale (NaN answers are fine)."""
    off = np.zeros(y.shape[1], dtype=bool)
    for start in range(0, y.shape[0], _BLOCK):  # row blocks: boolean temporaries of one block only
        block = y[start:start + _BLOCK]
        off |= ((block < low) | (block > low + span)).any(axis=0)
    if off.any():
        bad = [s.code for s, o in zip(specs, off, strict=True) if o]
        raise ValueError(f"responses: items {bad[:5]} have values off their scale; "
                         "map 모름/해당없음 codes to NaN first")


def _weight_matrices(specs: list[ItemSpec], dimension_weights: Mapping[str, float] | None
                     ) -> tuple[list[str], np.ndarray, dict[str, float]]:
    """Item->dimension averaging matrix (k, D) and normalised index weights."""
    dims = list(dict.fromkeys(s.dimension for s in specs))
    a = np.zeros((len(specs), len(dims)))
    for j, s in enumerate(specs):
        a[j, dims.index(s.dimension)] = s.weight
    a /= a.sum(axis=0, keepdims=True)
    if dimension_weights is None:
        dimension_weights = {d: 1.0 for d in dims}
    if not isinstance(dimension_weights, Mapping) or not dimension_weights:
        raise ValueError("dimension_weights must be a non-empty mapping of dimension to weight")
    unknown = [d for d in dimension_weights if d not in dims]
    if unknown:
        raise ValueError(f"dimension_weights names dimension(s) {unknown} with no items")
    if any(not (w >= 0) for w in dimension_weights.values()) or sum(dimension_weights.values()) <= 0:
        raise ValueError("dimension_weights must be non-negative with a positive sum")
    total = float(sum(dimension_weights.values()))
    return dims, a, {d: float(w) / total for d, w in dimension_weights.items()}


def _estimate(value: float, se: float, n: int, wsum: float, confidence: float, df: int,
              statistic: str, notes: tuple[str, ...]) -> Estimate:
    """Build one Estimate with a Wald interval."""
    low, high = wald_ci(value, se, confidence)
    return Estimate(value=float(value), se=float(se), ci=(float(low), float(high)), n=int(n),
                    weighted_n=float(wsum), statistic=statistic, df=df, confidence=confidence,
                    method="taylor", warnings=notes + small_sample_warnings(n))


def compute_index(responses: Any, items: Sequence[Any], dimension_weights: Mapping[str, float] | None = None,
                  *, method: str = "mean100", top: int = 2, weights: Any = None, strata: Any = None,
                  psu: Any = None, fpc: Any = None, design: SurveyDesign | None = None,
                  lonely_psu: str = "fail", calibration: Any = None,
                  confidence: float = 0.95) -> IndexResult:
    """Item, dimension and index scores with Taylor-linearised SEs in one pass.

    Parameters
    ----------
    responses : array_like, shape (n, k)
        Answers, one column per item, ``NaN`` for missing / 모름·해당없음.
    items : sequence of ItemSpec or mappings
        Scoring metadata of each column (code, dimension, points, low, reverse, weight).
    dimension_weights : mapping, optional
        ``{dimension: weight}`` of the index; default equal weights.
    method : {"mean100", "top2box"}
        PCSI-style 100-point means or KCSI-style top-box percentages.
    top : int
        Number of top categories for ``"top2box"``.
    weights, strata, psu, fpc, design, lonely_psu, calibration, confidence
        Design and interval options as in :func:`analysis.estimate.mean`.

    Returns
    -------
    IndexResult
    """
    return compute_indices(responses, items, {"": dimension_weights}, method=method, top=top, weights=weights,
                           strata=strata, psu=psu, fpc=fpc, design=design, lonely_psu=lonely_psu,
                           calibration=calibration, confidence=confidence)[""]


def compute_indices(responses: Any, items: Sequence[Any], weight_maps: Mapping[str, Mapping[str, float] | None],
                    *, method: str = "mean100", top: int = 2, weights: Any = None, strata: Any = None,
                    psu: Any = None, fpc: Any = None, design: SurveyDesign | None = None,
                    lonely_psu: str = "fail", calibration: Any = None,
                    confidence: float = 0.95) -> dict[str, IndexResult]:
    """Several indices over the same items, method and design: ``{name: dimension weights}`` → ``{name:
    IndexResult}``, each equal to :func:`compute_index` with those weights, with the items' pass (scores,
    linearisation, variances) made once for all of them instead of once per index."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    y = as_float_2d(responses, "responses")
    confidence = check_confidence(confidence)
    specs = _specs(items, y.shape[1])
    matrices = {name: _weight_matrices(specs, w) for name, w in weight_maps.items()}
    if not matrices:
        return {}
    dims, a, _w = next(iter(matrices.values()))  # the item -> dimension matrix depends on the items only
    d = as_design(design, y.shape[0], weights, strata, psu, fpc, lonely_psu, calibration)
    item_scores(y[:0], specs, method, top=top)  # checks method and top before any work
    _check_on_scale(y, specs, np.array([s.low for s in specs], dtype=float),
                    np.array([s.points - 1 for s in specs], dtype=float))
    k = len(specs)
    value, used, wsum, variance = np.empty(k), np.empty(k, dtype=np.intp), np.empty(k), np.empty(k)
    wvecs = {name: np.array([w_dim.get(dim, 0.0) for dim in dims]) for name, (_d, _a, w_dim) in matrices.items()}
    # dimensions and index: their linearisation values x @ a and x @ b summed over the blocks, never the (n, k)
    # x itself; summed in the items' pass, and again only when an item without weighted answers changes ``a``
    xa, xb = np.zeros((y.shape[0], len(dims))), {name: np.zeros(y.shape[0]) for name in wvecs}
    b = {name: a @ wvec for name, wvec in wvecs.items()}
    for cols, x in _linearised_blocks(y, specs, method, top, d):  # items: a block of columns at a time
        value[cols], used[cols], wsum[cols] = x[1:]
        variance[cols] = linearised_variance(x[0], d)
        xa += x[0] @ a[cols]
        for name in b:
            xb[name] += x[0] @ b[name][cols]
    answered_a, notes = _answered_items(a, wsum, used, specs, dims)
    if answered_a is not a:
        a, b = answered_a, {name: answered_a @ wvec for name, wvec in wvecs.items()}
        xa[...] = 0.0
        for name in b:
            xb[name][...] = 0.0
        for cols, x in _linearised_blocks(y, specs, method, top, d):
            xa += x[0] @ a[cols]
            for name in b:
                xb[name] += x[0] @ b[name][cols]
    se = np.sqrt(np.concatenate([variance, linearised_variance(xa, d)]))
    se_index = {name: np.sqrt(linearised_variance(xb[name], d)).reshape(-1)[0] for name in xb}
    del xa, xb
    low, high = wald_ci(value, se[:k], confidence)
    item_est = ItemEstimates(value=value, se=se[:k], ci_low=low, ci_high=high, n=used, weighted_n=wsum,
                             statistic="mean", confidence=confidence, df=d.df)
    filled, answered = np.nan_to_num(value), ~np.isnan(y)
    summary = (answered, wsum, confidence, d.df, d.warnings + notes)
    dim_est = {dim: _combination(filled, a[:, i], se[k + i], summary, "dimension") for i, dim in enumerate(dims)}
    return {name: _index_result(filled, b[name], se_index[name], summary, (dims, wvecs[name], dim_est),
                                item_est, tuple(s.code for s in specs), (matrices[name][2], method))
            for name in b}


def _index_result(filled: np.ndarray, b: np.ndarray, se: float, summary: tuple[Any, ...],
                  dimensions: tuple[list[str], np.ndarray, dict[str, Estimate]], item_est: ItemEstimates,
                  codes: tuple[str, ...], weighting: tuple[dict[str, float], str]) -> IndexResult:
    """One index's result from the shared item and dimension estimates (NaN when a weighted dimension is empty)."""
    dims, wvec, dim_est = dimensions
    index = _combination(filled, b, se, summary, "index")
    empty = [dim for dim, w in zip(dims, wvec, strict=True) if w > 0 and np.isnan(dim_est[dim].value)]
    if empty:
        note = f"dimension(s) {empty} have no (weighted) answers: the index is undefined (NaN)"
        warnings.warn(note, DegenerateDataWarning, stacklevel=3)
        index = replace(index, value=float("nan"), se=float("nan"), ci=(float("nan"), float("nan")),
                        warnings=index.warnings + (note,))
    w_dim, method = weighting
    return IndexResult(index=index, dimensions=dim_est, items=item_est, item_codes=codes, weights=w_dim,
                       method=method)


def _linearised_blocks(y: np.ndarray, specs: list[ItemSpec], method: str, top: int, design: SurveyDesign):
    """Per block of columns: (columns, (linearisation values, item scores' means, answers, weight sums))."""
    everyone = np.ones((1, 1), dtype=bool)
    for start in range(0, y.shape[1], ESTIMATE_COLUMNS):
        cols = slice(start, start + ESTIMATE_COLUMNS)
        scores = item_scores(y[:, cols], specs[cols], method, top=top)
        value, x, used, wsum = linearised_estimates(scores, everyone, design.weights, out=scores)
        yield cols, (x, value, used, wsum)


def _combination(filled: np.ndarray, coef: np.ndarray, se: float, summary: tuple[Any, ...],
                 statistic: str) -> Estimate:
    """Estimate of the linear combination ``coef`` of item scores (NaN when it has no items)."""
    answered, wsum, confidence, df, notes = summary
    cols = coef > 0
    if not cols.any():
        return _estimate(np.nan, np.nan, 0, 0.0, confidence, df, statistic, notes)
    return _estimate(filled @ coef, se, int(answered[:, cols].any(axis=1).sum()), float(wsum[cols].max()),
                     confidence, df, statistic, notes)


def _answered_items(a: np.ndarray, wsum: np.ndarray, used: np.ndarray, specs: list[ItemSpec],
                    dims: list[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Drop items without weighted answers from their dimension's average (re-normalising the rest)."""
    empty = wsum == 0
    if not empty.any():
        return a, ()
    a = a * ~empty[:, None]
    total = a.sum(axis=0, keepdims=True)
    a = np.divide(a, total, out=np.zeros_like(a), where=total > 0)
    unanswered = [s.code for s, e, n in zip(specs, empty, used, strict=True) if e and n == 0]
    weightless = [s.code for s, e, n in zip(specs, empty, used, strict=True) if e and n > 0]
    notes = (f"item(s) {unanswered[:10]} have no answers and were left out of their dimension",) if unanswered else ()
    if weightless:
        notes += (f"item(s) {weightless[:10]} were answered only by responses with weight zero and were "
                  "left out of their dimension",)
    return a, notes


def pcsi_index(responses: Any, items: Sequence[Any], dimension_weights: Mapping[str, float] | None = None,
               **options: Any) -> IndexResult:
    """PCSI-style index: 100-point item means, weighted dimensions (see module docstring).

    Example: items on 7 points in dimensions 과정품질/결과품질/환경품질/사회품질 with
    ``dimension_weights={"process": 0.3, "outcome": 0.3, "environment": 0.2, "social": 0.2}``.
    """
    return compute_index(responses, items, dimension_weights, method="mean100", **options)


def kcsi_index(responses: Any, items: Sequence[Any], component_weights: Mapping[str, float] = KCSI_WEIGHTS,
               *, top: int = 2, **options: Any) -> IndexResult:
    """KCSI-style index: 0.30 overall + 0.50 element + 0.20 repurchase, on top-2-box percents.

    Items carry dimension ``"overall"``, ``"element"`` or ``"repurchase"``; each
    item scores the percent answering 6 or 7 (on 7 points; ``top`` categories in general).
    """
    return compute_index(responses, items, component_weights, method="top2box", top=top, **options)
