"""Post-stratification and raking, with standard errors that know about the calibration.

:func:`poststratify` scales the weights within each cell so that they add up to
the known population count of the cell. :func:`rake` (iterative proportional
fitting) post-stratifies on each margin in turn until the weighted margins stop
changing. Both return a :class:`WeightingResult`; pass it as ``weights=`` to
any estimator of :mod:`analysis.estimate` (or to :func:`analysis.report.score_wave`)
and the standard error accounts for the calibration as R's ``survey`` does:

* post-stratified: the linearisation values :math:`x_i` are replaced by the
  residuals :math:`x_i - w_i \\sum_{j \\in g} x_j / \\sum_{j \\in g} w_j` within
  post-stratum *g* (R ``postStratify`` / ``svyrecvar``);
* raked: the same projection is applied margin after margin, ten times, using
  unweighted means of :math:`x_i / w_i` within each category and the weights
  reached after that margin in the last raking sweep — exactly R's
  ``svyrecvar`` for ``rake()`` designs.

Stopping follows R's ``rake()``: after every sweep over the margins the
weighted table crossing all margin variables is compared with the previous one;
raking stops when no cell moved by more than ``tol`` (an absolute weighted
count when ``tol >= 1``, a fraction of the total weight when ``tol < 1``).
Weights that stopped moving are not enough to call the raking converged: a
result is ``converged`` only when every margin's weighted counts match its
population counts within ``tol`` (absolute when ``tol >= 1``, else ``tol``
times that margin's population total). Otherwise ``converged`` is False, the
result's ``warnings`` name the unmet margins (and say so when the margins'
population totals disagree, which no weights can satisfy) and a
:class:`~analysis.results.ConvergenceWarning` is emitted. R's ``rake()``
only warns when ``maxit`` is reached, so its "converged" can hide unmet margins.

References
----------
Deville, J.-C., Särndal, C.-E. & Sautory, O. (1993). Generalized raking
procedures in survey sampling. *JASA* 88, 1013-1020. Checked against R
``survey``'s ``tests/api.Rout.save`` and ``tests/rakecheck.Rout.save``.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from ._validate import as_labels, check_weights
from .results import ConvergenceWarning

__all__ = ["poststratify", "rake", "WeightingResult", "Calibration", "kish_deff", "ConvergenceWarning"]


@dataclass(frozen=True, eq=False)
class _Cells:
    """Row-to-cell coding with a sparse indicator matrix for fast group sums of 2-D arrays."""

    codes: np.ndarray
    counts: np.ndarray
    indicator: sparse.csr_matrix  # (G, n) 0/1

    @classmethod
    def of(cls, codes: np.ndarray) -> _Cells:
        """Index ``codes`` (0..G-1, every cell present)."""
        counts = np.bincount(codes)
        n = len(codes)
        indicator = sparse.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(len(counts), n))
        return cls(codes=codes, counts=counts, indicator=indicator)

    def sums(self, x: np.ndarray) -> np.ndarray:
        """Return per-cell column sums of ``x`` (n, k) as (G, k)."""
        return np.asarray(self.indicator @ x)


@dataclass(frozen=True, eq=False)
class _PostStratum:
    cells: _Cells
    weights: np.ndarray  # weights after this post-stratification

    def project(self, x: np.ndarray) -> np.ndarray:
        """Residuals of ``x`` after removing weighted post-stratum means (R ``svyrecvar``)."""
        share = self.cells.sums(x) / self.cells.sums(self.weights[:, None])
        return x - self.weights[:, None] * share[self.cells.codes]


def _safe_ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a / b`` with 0 where ``b`` is 0 (rows with zero weight carry no information)."""
    return np.divide(a, b, out=np.zeros(np.broadcast_shapes(a.shape, b.shape)), where=b != 0)


@dataclass(frozen=True, eq=False)
class _Raking:
    """R's raking residuals: ten backfitting sweeps over the margins, done in cell space.

    A sweep step on margin *m* is :math:`x \\leftarrow x - w_m \\odot E_m c`,
    :math:`c = E_m^T (x / w_m) / n_m` (unweighted cell means of x / w_m). Every
    step subtracts a combination of the columns of :math:`w_m \\odot E_m`, so the
    sweeps only need the small cross-margin matrices
    :math:`K_{mm'} = E_m^T \\mathrm{diag}(w_{m'} / w_m) E_{m'}`: the result equals
    R's row-space iteration at the cost of two passes over the data.
    """

    margins: tuple[_PostStratum, ...]
    cross: tuple[tuple[np.ndarray, ...], ...]
    sweeps: int = 10  # R's svyrecvar iterates the projections ten times

    @classmethod
    def of(cls, margins: Sequence[_PostStratum]) -> _Raking:
        """Precompute the cross-margin matrices."""
        def k(m: _PostStratum, o: _PostStratum) -> np.ndarray:
            g_m, g_o = len(m.cells.counts), len(o.cells.counts)
            flat = np.bincount(m.cells.codes * g_o + o.cells.codes, minlength=g_m * g_o,
                               weights=_safe_ratio(o.weights, m.weights))
            return flat.reshape(g_m, g_o)

        cross = tuple(tuple(k(m, o) for o in margins) for m in margins)
        return cls(margins=tuple(margins), cross=cross)

    def project(self, x: np.ndarray) -> np.ndarray:
        """Residuals of ``x`` after backfitting every margin (R ``svyrecvar`` for raking)."""
        start = [m.cells.sums(_safe_ratio(x, m.weights[:, None])) for m in self.margins]
        coef = [np.zeros_like(b) for b in start]
        for _ in range(self.sweeps):
            for i, margin in enumerate(self.margins):
                current = start[i] - sum(k @ c for k, c in zip(self.cross[i], coef, strict=True))
                coef[i] = coef[i] + current / margin.cells.counts[:, None]
        for margin, c in zip(self.margins, coef, strict=True):
            x = x - margin.weights[:, None] * c[margin.cells.codes]
        return x


@dataclass(frozen=True, eq=False)
class Calibration:
    """The calibration steps applied to the weights, in order (post-strata, rakings)."""

    steps: tuple[Any, ...]

    def residuals(self, x: np.ndarray) -> np.ndarray:
        """Project linearisation values ``x`` (n, k) through every calibration step."""
        for step in self.steps:
            x = step.project(x)
        return x


@dataclass(frozen=True, eq=False)
class WeightingResult:
    """Calibrated weights and how they were reached.

    Attributes
    ----------
    weights : ndarray
        The calibrated weights, one per response.
    calibration : Calibration
        Record used by the estimators to account for the calibration in SEs.
    converged : bool
        Whether every margin's weighted counts match its population counts within
        ``tol`` (always True for post-stratification); not merely that the
        weights stopped changing.
    iterations : int
        Raking sweeps performed (1 for post-stratification).
    max_error : float
        Largest absolute difference between a weighted margin and its population count.
    trimmed : int
        Number of weights at a trimming bound.
    design_effect : float
        Kish's design effect of the weights, :math:`n \\sum w^2 / (\\sum w)^2`.
    warnings : tuple of str
        Non-convergence, dropped cells, trimming notes.
    """

    weights: np.ndarray
    calibration: Calibration
    converged: bool
    iterations: int
    max_error: float
    trimmed: int
    design_effect: float
    warnings: tuple[str, ...] = field(default_factory=tuple)


def kish_deff(weights: np.ndarray) -> float:
    """Kish's design effect due to unequal weights, :math:`n \\sum w^2 / (\\sum w)^2`."""
    w = np.asarray(weights, dtype=float)
    return float(len(w) * (w ** 2).sum() / w.sum() ** 2)


def _start(weights: Any, n: int) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Return starting weights and earlier calibration steps (when chaining results)."""
    if isinstance(weights, WeightingResult):
        if len(weights.weights) != n:
            raise ValueError(f"weights has {len(weights.weights)} rows but cells has {n}")
        return weights.weights, weights.calibration.steps
    return check_weights(weights, n), ()


def _cell_targets(labels: np.ndarray, population: Mapping[Any, float], name: str,
                  partial: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Code the sample cells and line up their population counts.

    Returns ``(codes, targets, keep, notes)``; ``keep`` marks rows whose cell is calibrated.
    """
    if not isinstance(population, Mapping) or not population:
        raise ValueError(f"{name} must be a non-empty mapping of cell label to population count")
    levels, codes = np.unique(labels, return_inverse=True)
    codes = codes.reshape(-1)
    known = {_key(k): float(v) for k, v in population.items()}
    if any(not np.isfinite(v) or v < 0 for v in known.values()):
        raise ValueError(f"{name} counts must be finite and non-negative")
    missing = [lv for lv in levels.tolist() if _key(lv) not in known]
    if missing:
        raise ValueError(f"{name} has no count for sample cell(s) {missing[:5]}")
    notes = []
    present = {_key(v) for v in levels.tolist()}
    absent = sorted(str(k) for k in known if k not in present)
    if absent and not partial:
        raise ValueError(f"{name}: cell(s) {absent[:5]} have no respondents; pass partial=True to ignore them")
    if absent:
        notes.append(f"population cell(s) {absent[:5]} have no respondents and were ignored")
    targets = np.array([known[_key(lv)] for lv in levels.tolist()])
    return codes, targets, np.ones(len(labels), dtype=bool), notes


def _key(label: Any) -> Any:
    """Normalise numpy scalars so that labels match plain Python keys."""
    return label.item() if isinstance(label, np.generic) else label


def _post_step(w: np.ndarray, codes: np.ndarray, targets: np.ndarray, name: str) -> np.ndarray:
    """Scale ``w`` within each cell to its target total."""
    current = np.bincount(codes, weights=w, minlength=len(targets))
    if (current <= 0).any():
        raise ValueError(f"{name}: a cell has respondents but zero total weight")
    return w * (targets / current)[codes]


def poststratify(weights: Any, cells: Any, population: Mapping[Any, float], *,
                 partial: bool = False) -> WeightingResult:
    """Post-stratify ``weights`` so each cell adds up to its population count.

    Parameters
    ----------
    weights : array_like, WeightingResult or None
        Starting weights (None = all ones); a previous result chains calibrations.
    cells : array_like
        Post-stratum label of each response (e.g. region x age group).
    population : mapping
        ``{label: population count}`` for every cell.
    partial : bool
        Ignore population cells without respondents instead of raising (R's ``partial``).

    Returns
    -------
    WeightingResult

    Notes
    -----
    :math:`w_i^* = w_i N_g / \\hat N_g`. Checked against R ``survey``:
    ``postStratify(dclus1, ~stype, pop.types)`` gives mean api00 642.31 (SE 23.921)
    and total enroll 3,680,893 (SE 406,293).
    """
    labels = as_labels(cells, "cells")
    w0, earlier = _start(weights, len(labels))
    codes, targets, _, notes = _cell_targets(labels, population, "population", partial)
    w = _post_step(w0, codes, targets, "cells")
    step = _PostStratum(cells=_Cells.of(codes), weights=w)
    return WeightingResult(weights=w, calibration=Calibration(earlier + (step,)), converged=True,
                           iterations=1, max_error=0.0, trimmed=0, design_effect=kish_deff(w),
                           warnings=tuple(notes))


def _margin_inputs(margins: Any, population: Any, n: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Validate raking margins; return ``[(name, codes, targets), ...]``."""
    if isinstance(margins, Mapping):
        if not isinstance(population, Mapping) or set(margins) != set(population):
            raise ValueError("population must be a mapping with the same keys as margins")
        pairs = [(str(k), margins[k], population[k]) for k in margins]
    elif isinstance(margins, Sequence) and not isinstance(margins, (str, bytes)):
        if not isinstance(population, Sequence) or len(population) != len(margins):
            raise ValueError("population must give one mapping per margin")
        pairs = [(str(i), m, p) for i, (m, p) in enumerate(zip(margins, population, strict=True))]
    else:
        raise ValueError("margins must be a mapping {name: labels} or a sequence of label arrays")
    if not pairs:
        raise ValueError("margins must contain at least one margin")
    coded = []
    for name, labels, pop in pairs:
        arr = as_labels(labels, f"margins[{name}]", n)
        codes, targets, _, _ = _cell_targets(arr, pop, f"population[{name}]", partial=False)
        coded.append((name, codes, targets))
    return coded


def _joint_codes(coded: list[tuple[str, np.ndarray, np.ndarray]]) -> np.ndarray:
    """Code the cross-classification of all margins (R's ``svytable`` on all terms)."""
    dims = tuple(len(t) for _, _, t in coded)
    flat = np.ravel_multi_index(tuple(c for _, c, _ in coded), dims)
    return np.unique(flat, return_inverse=True)[1].reshape(-1)


def _check_rake_args(max_iter: int, tol: float, trim: tuple[float, float] | None) -> None:
    """Raise ``ValueError`` for out-of-range raking controls."""
    if not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")
    if not tol > 0:
        raise ValueError(f"tol must be positive, got {tol!r}")
    if trim is not None:
        if len(trim) != 2 or not 0 <= trim[0] < 1 < trim[1]:
            raise ValueError("trim must be (lower, upper) multiples of the mean weight with "
                             f"0 <= lower < 1 < upper, got {trim!r}")


def _trim(w: np.ndarray, trim: tuple[float, float] | None) -> np.ndarray:
    """Clip weights to ``trim`` multiples of their mean (repeated until the mean settles)."""
    if trim is None:
        return w
    for _ in range(50):
        centre = w.mean()
        clipped = np.clip(w, trim[0] * centre, trim[1] * centre)
        if np.allclose(clipped, w, rtol=1e-12, atol=0.0):
            break
        w = clipped
    return clipped


def rake(weights: Any, margins: Any, population: Any, max_iter: int = 50, tol: float = 1e-6, *,
         trim: tuple[float, float] | None = None) -> WeightingResult:
    """Rake ``weights`` to known population margins by iterative proportional fitting.

    Parameters
    ----------
    weights : array_like, WeightingResult or None
        Starting weights (None = all ones).
    margins : mapping or sequence
        ``{name: labels}`` (or a list of label arrays), one label per response for
        each margin; a margin may itself be a joint cell (e.g. ``region + "|" + sex``).
    population : mapping or sequence
        ``{name: {label: population count}}`` matching ``margins``.
    max_iter : int
        Most raking sweeps (R's default is 10).
    tol : float
        Stop when no cell of the joint margin table moves by more than ``tol``
        between sweeps: a weighted count when ``tol >= 1`` (R's default 1),
        a fraction of the total weight when ``tol < 1`` (default 1e-6).
    trim : (float, float), optional
        Bounds on the weights as multiples of the mean weight, applied after every
        sweep (e.g. ``(0.3, 3.0)``); raking continues so margins are refitted.

    Returns
    -------
    WeightingResult
        With ``converged``, ``iterations``, ``max_error`` and ``trimmed``.

    Warns
    -----
    ConvergenceWarning
        When a margin is not met within ``tol`` after raking stopped (weights
        settled or ``max_iter`` reached), naming the margin(s); e.g. two
        population sources whose totals disagree. ``converged`` is then False.

    Notes
    -----
    Checked against R ``survey``: ``rake(dclus1, list(~stype, ~sch.wide), ...)``
    gives mean api00 641.23 (SE 23.704) and total enroll 3,647,300 (SE 400,603).
    """
    _check_rake_args(max_iter, tol, trim)
    n = len(weights.weights) if isinstance(weights, WeightingResult) else _rows(margins)
    w, earlier = _start(weights, n)
    coded = _margin_inputs(margins, population, n)
    joint = _joint_codes(coded)
    epsilon = tol * w.sum() if tol < 1 else tol
    old = np.bincount(joint, weights=w)
    settled, sweeps, stored = False, 0, []
    while sweeps < max_iter and not settled:
        stored = []
        for name, codes, targets in coded:
            w = _post_step(w, codes, targets, f"margins[{name}]")
            stored.append(_PostStratum(cells=_Cells.of(codes), weights=w))
        w = _trim(w, trim)
        new = np.bincount(joint, weights=w)
        settled, old, sweeps = bool(np.abs(new - old).max() < epsilon), new, sweeps + 1
    return _rake_result(w, coded, stored, earlier, settled, sweeps, trim, tol)


def _rows(margins: Any) -> int:
    """Number of responses implied by the first margin."""
    first = next(iter(margins.values())) if isinstance(margins, Mapping) else margins[0]
    return len(first)


def _margin_errors(w: np.ndarray, coded: list[tuple[str, np.ndarray, np.ndarray]]) -> dict[str, float]:
    """Largest absolute difference between weighted count and population count, per margin."""
    return {name: float(np.abs(np.bincount(c, weights=w, minlength=len(t)) - t).max())
            for name, c, t in coded}


def _unmet_margins(errors: dict[str, float], coded: list[tuple[str, np.ndarray, np.ndarray]],
                   tol: float) -> dict[str, float]:
    """Margins whose error exceeds ``tol`` (absolute when ``tol >= 1``, else times the margin total)."""
    limits = {name: tol if tol >= 1 else tol * float(t.sum()) for name, _, t in coded}
    return {name: e for name, e in errors.items() if e > limits[name]}


def _total_disagreement(coded: list[tuple[str, np.ndarray, np.ndarray]]) -> str:
    """A note when the margins' population totals differ (no weights can meet them all)."""
    totals = {name: float(t.sum()) for name, _, t in coded}
    low, high = min(totals.values()), max(totals.values())
    if high - low <= 1e-9 * high:
        return ""
    listed = ", ".join(f"{name} {total:.6g}" for name, total in totals.items())
    return f"; the population totals of the margins disagree ({listed}), so they cannot all be met"


def _convergence_notes(unmet: dict[str, float], settled: bool, sweeps: int,
                       coded: list[tuple[str, np.ndarray, np.ndarray]]) -> list[str]:
    """Plain-language reason why raking did not converge (empty when it did)."""
    if not unmet:
        return []
    named = ", ".join(f"margins[{name}] (off by {e:.4g})" for name, e in unmet.items())
    why = "the weights stopped changing" if settled else f"the limit of {sweeps} sweeps was reached"
    return [f"raking did not converge: {why} but {named} not met within tol" + _total_disagreement(coded)]


def _rake_result(w: np.ndarray, coded: list[tuple[str, np.ndarray, np.ndarray]],
                 stored: list[_PostStratum], earlier: tuple[Any, ...], settled: bool,
                 sweeps: int, trim: tuple[float, float] | None, tol: float) -> WeightingResult:
    """Assemble the :class:`WeightingResult` of :func:`rake`; converged = every margin met."""
    errors = _margin_errors(w, coded)
    unmet = _unmet_margins(errors, coded, tol)
    trimmed = 0
    if trim is not None:
        bounds = np.array(trim) * w.mean()
        trimmed = int((w <= bounds[0] * (1 + 1e-9)).sum() + (w >= bounds[1] * (1 - 1e-9)).sum())
    notes = _convergence_notes(unmet, settled, sweeps, coded)
    if trim is not None and unmet:
        notes.append(f"trimming to {trim} conflicts with the margins (largest margin error "
                     f"{max(errors.values()):.4g})")
    for note in notes:
        warnings.warn(note, ConvergenceWarning, stacklevel=3)
    if trimmed:
        notes.append(f"{trimmed} weight(s) trimmed to the bounds {trim}")
    step = _Raking.of(stored)
    return WeightingResult(weights=w, calibration=Calibration(earlier + (step,)), converged=not unmet,
                           iterations=sweeps, max_error=max(errors.values()), trimmed=trimmed,
                           design_effect=kish_deff(w), warnings=tuple(notes))
