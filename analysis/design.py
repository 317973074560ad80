"""Survey designs and Taylor-linearisation variances, the method of R's ``survey``.

A :class:`SurveyDesign` describes how the responses were sampled: weights,
strata, clusters (PSUs, optionally further stages) and finite-population
corrections. :func:`linearised_variance` turns per-row linearisation values
(influence values) of any estimator into its design-based variance, exactly as
``survey::svyrecvar`` does:

.. math::

    \\hat V = \\sum_h (1 - f_h)\\,\\frac{n_h}{n_h - 1}
              \\sum_{i \\in h} (z_{hi} - \\bar z_h)^2
              + \\sum_h f_h \\sum_{i \\in h} \\hat V_{2,hi} + \\dots

where :math:`z_{hi}` is the total of the linearisation values in PSU *i* of
stratum *h*, :math:`f_h = n_h / N_h` the first-stage sampling fraction and
:math:`\\hat V_{2,hi}` the same formula applied to the second-stage units
inside PSU *hi* (only when a finite-population correction is given for every
stage, as in R; without ``fpc`` the design is treated "with replacement" and
only the first stage counts).

Conventions (all as R's ``svydesign(..., nest=TRUE)``):

* PSU labels are nested within strata, later-stage labels within their PSU.
* ``fpc`` values all >= 1 are population sizes (units at that stage in the
  stratum or PSU); all <= 1 are sampling fractions.
* Without ``weights``, weights come from ``fpc`` (product over stages of
  N / n) or are all one.
* Lonely PSUs (a stratum with one sampled PSU) follow ``lonely_psu``:
  ``"fail"`` (R's default) raises ``ValueError``; ``"remove"`` and
  ``"certainty"`` let the stratum add nothing; ``"adjust"`` centres its PSU
  at the overall mean (zero for a mean) instead of the stratum mean;
  ``"average"`` replaces it by the average variance of the other strata.
  A single PSU with a sampling fraction of one is a certainty unit and always
  adds nothing. A stratum that has one PSU only inside a domain (subgroup) is
  not lonely: the full design is kept, as R does by default.

Checked against R ``survey`` 4.x published outputs for the ``api`` and ``fpc``
data (tests/analysis/test_estimate.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validate import as_float_1d, as_labels, check_length, check_weights

__all__ = ["SurveyDesign", "make_design", "linearised_variance", "domain_variances", "LONELY_PSU"]

LONELY_PSU = ("fail", "remove", "certainty", "adjust", "average")
_CERTAIN = 1e-7  # R's threshold below which 1 - f counts as zero


@dataclass(frozen=True, eq=False)
class _Stage:
    """One sampling stage, with units numbered contiguously within their group."""

    order: np.ndarray | None  # rows sorted by unit; None when rows already are units in order
    starts: np.ndarray | None  # first position of each unit in ``order``
    group_starts: np.ndarray  # first unit of each group
    group_size: np.ndarray  # units per group
    unit_scale: np.ndarray  # per unit: weight of its squared centred total
    unit_centre: np.ndarray  # per unit: 1.0 to centre on the group mean, 0.0 not to
    factor: float  # H / H_ok for lonely_psu="average"
    unit: np.ndarray  # unit of each row
    unit_group: np.ndarray  # group of each unit

    def variance(self, x: np.ndarray) -> np.ndarray:
        """Return this stage's variance contribution for each column of ``x``."""
        z = x if self.order is None else x[self.order]
        if self.starts is not None:
            z = np.add.reduceat(z, self.starts, axis=0)
        if len(self.group_size) == 1:
            means = z.mean(axis=0, keepdims=True)
        else:
            means = np.repeat(np.add.reduceat(z, self.group_starts, axis=0) / self.group_size[:, None],
                              self.group_size, axis=0)
        d = np.multiply(self.unit_centre[:, None], means)  # z - centre * means, with one (units, k) array
        np.subtract(z, d, out=d)
        return np.einsum("u,uk,uk->k", self.unit_scale, d, d) * self.factor

    def domain_variance(self, x: np.ndarray, domain: np.ndarray, n_domains: int) -> np.ndarray:
        """Variance for many disjoint domains at once, without an (n x domains) matrix.

        ``x`` holds each row's linearisation value for its own ``domain`` (zero
        elsewhere). Uses :math:`\\sum_u (z_u - \\bar z)^2 = \\sum_u z_u^2 - n\\bar z^2`
        per group, so only (unit, domain) pairs that occur are formed.
        """
        if self.order is None:  # every row its own unit, in order: the pairs are the rows
            z, group, dom = x + 0.0, self.unit_group, domain  # 0.0 + x: the one-value sums bincount makes
        else:
            pairs, inverse = np.unique(self.unit * n_domains + domain, return_inverse=True)
            z = np.bincount(inverse.reshape(-1), weights=x, minlength=len(pairs))
            unit, dom = np.divmod(pairs, n_domains)
            group = self.unit_group[unit]
        cells, cell_of = _unique_codes(group * n_domains + dom, len(self.group_size) * n_domains)
        s1 = np.bincount(cell_of, weights=z, minlength=len(cells))
        s2 = np.bincount(cell_of, weights=z * z, minlength=len(cells))
        g, d = np.divmod(cells, n_domains)
        first = self.group_starts[g]  # scale and centring are constant within a group
        part = self.unit_scale[first] * (s2 - self.unit_centre[first] * s1 * s1 / self.group_size[g])
        return np.bincount(d, weights=part, minlength=n_domains) * self.factor


def _unique_codes(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True)`` for integers in ``0..size-1``: by counting when ``size`` is at most
    the number of keys (no sort and its copies), else by ``np.unique``."""
    if size > len(keys):
        values, inverse = np.unique(keys, return_inverse=True)
        return values, inverse.reshape(-1)
    present = np.bincount(keys, minlength=size) > 0
    return np.flatnonzero(present), (np.cumsum(present) - 1)[keys]


@dataclass(frozen=True, eq=False)
class SurveyDesign:
    """A sampling design ready for variance estimation (build with :func:`make_design`).

    Attributes
    ----------
    weights : ndarray
        Sampling weights (or calibrated weights), one per response.
    n : int
        Number of responses.
    n_psu : int
        Number of first-stage sampling units.
    n_strata : int
        Number of first-stage strata.
    df : int
        Design degrees of freedom, ``n_psu - n_strata``.
    lonely_psu : str
        The lonely-PSU rule in force.
    calibration : object or None
        Post-stratification or raking record from :mod:`analysis.weighting`.
    warnings : tuple of str
        Notes about the design (lonely PSUs handled, ...).
    """

    weights: np.ndarray
    n: int
    n_psu: int
    n_strata: int
    stages: tuple[_Stage, ...]
    lonely_psu: str
    calibration: Any = None
    warnings: tuple[str, ...] = ()

    @property
    def df(self) -> int:
        """Design degrees of freedom: PSUs minus strata (at least 1)."""
        return max(self.n_psu - self.n_strata, 1)


def _stage_columns(value: Any, name: str, n: int) -> list[np.ndarray]:
    """Split a per-stage argument (1-D, 2-D or a sequence of 1-D) into columns."""
    if isinstance(value, (list, tuple)) and len(value) and np.ndim(value[0]) == 1:
        cols = [np.asarray(v) for v in value]
    else:
        arr = np.asarray(value)
        if arr.ndim == 1:
            cols = [arr]
        elif arr.ndim == 2:
            cols = [arr[:, j] for j in range(arr.shape[1])]
        else:
            raise ValueError(f"{name} must be 1-D (one stage) or 2-D (rows x stages)")
    for j, col in enumerate(cols):
        label = name if len(cols) == 1 else f"{name} (stage {j + 1})"
        as_labels(col, label, n)
    return cols


def _nested_codes(parent: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Number units ``labels`` nested in ``parent`` so that codes run contiguously per parent."""
    if _one_unit_per_row(parent, labels):  # every response its own PSU, one stratum: no sorting
        return np.arange(len(labels))
    _, lab = np.unique(labels, return_inverse=True)
    key = parent.astype(np.int64) * (int(lab.max()) + 1) + lab.reshape(-1)
    _, codes = np.unique(key, return_inverse=True)
    return codes.reshape(-1)


def _one_unit_per_row(parent: np.ndarray, labels: np.ndarray) -> bool:
    """Whether ``parent`` is constant and ``labels`` are increasing numbers (so row i is unit i of one group)."""
    if not len(labels) or labels.dtype.kind not in "iuf" or parent.dtype.kind not in "iuf":
        return False
    return bool((parent == parent[0]).all() and (labels[1:] > labels[:-1]).all())


def _population_sizes(fpc: np.ndarray, sampled: np.ndarray, name: str) -> np.ndarray:
    """Turn an fpc column (sizes or fractions) into population sizes per row."""
    if np.isnan(fpc).any():
        raise ValueError(f"{name} contains missing values (NaN)")
    if (fpc <= 0).any():
        raise ValueError(f"{name} must be positive")
    if (fpc >= 1).all():
        pop = fpc
    elif (fpc <= 1).all():
        pop = sampled / fpc
    else:
        raise ValueError(f"{name} must be all population sizes (>= 1) or all sampling fractions (<= 1)")
    if (pop < sampled - 1e-9).any():
        raise ValueError(f"{name} implies more than 100% sampling (population smaller than the sample)")
    return pop


def _group_constant(values: np.ndarray, group: np.ndarray, name: str) -> np.ndarray:
    """Return one value per group, raising when ``values`` vary within a group."""
    n_groups = int(group.max()) + 1
    first = np.full(n_groups, np.nan)
    first[group[::-1]] = values[::-1]
    if not np.allclose(first[group], values, rtol=1e-9, atol=0.0):
        raise ValueError(f"{name} must be constant within each stratum / cluster")
    return first


def _lonely_scale(size: np.ndarray, one_minus_f: np.ndarray, rule: str, stage: int,
                  names: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, float, list[str]]:
    """Per-group scale, centring flag and 'average' factor, applying the lonely-PSU rule."""
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(size > 1, one_minus_f * size / np.maximum(size - 1, 1), one_minus_f)
    scale = np.where(one_minus_f < _CERTAIN, 0.0, scale)
    centre = np.ones(len(size))
    lonely = (size == 1) & (one_minus_f >= _CERTAIN)
    notes: list[str] = []
    factor = 1.0
    if len(size) == 1 and lonely.all() and stage == 1:
        # a single PSU overall (e.g. one response): the variance is not estimable
        return np.full(1, np.nan), centre, factor, ["only one sampling unit: the standard error is undefined"]
    if lonely.any():
        which = names[lonely][:5].tolist() if names is not None else []
        label = f"stratum {which}" if stage == 1 else f"a cluster at stage {stage}"
        if rule == "fail":
            raise ValueError(f"strata: {label} has only one PSU at stage {stage}; "
                             "pass lonely_psu='remove', 'certainty', 'adjust' or 'average'")
        notes.append(f"{int(lonely.sum())} lonely PSU(s) at stage {stage} handled by lonely_psu={rule!r}")
        if rule in ("remove", "certainty"):
            scale = np.where(lonely, 0.0, scale)
        elif rule == "adjust":
            centre = np.where(lonely, 0.0, centre)
        else:  # average
            scale = np.where(lonely, 0.0, scale)
            factor = len(size) / max(int((~lonely).sum()), 1)
    return scale, centre, factor, notes


def _build_stage(group: np.ndarray, unit: np.ndarray, pop: np.ndarray | None, multiplier: np.ndarray,
                 rule: str, stage: int, names: np.ndarray | None) -> tuple[_Stage, np.ndarray, list[str]]:
    """Build one stage; return it and the per-group sampling fraction n/N (1 without fpc)."""
    n_units = int(unit.max()) + 1
    unit_group = np.zeros(n_units, dtype=np.int64)
    unit_group[unit] = group
    size = np.bincount(unit_group)
    if pop is None:
        one_minus_f = np.ones(len(size))
        fraction = np.ones(len(size))
    else:
        pop_g = _group_constant(pop, group, "fpc")
        fraction = size / pop_g
        one_minus_f = np.clip(1.0 - fraction, 0.0, 1.0)
    scale, centre, factor, notes = _lonely_scale(size, one_minus_f, rule, stage, names)
    identity = n_units == len(unit) and bool((unit == np.arange(len(unit))).all())
    if identity:
        order = starts = None
    else:
        order = np.argsort(unit, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(unit[order]) != 0])
        if n_units == len(unit):
            starts = None  # one row per unit: a permutation suffices
    built = _Stage(order=order, starts=starts,
                   group_starts=np.r_[0, np.cumsum(size)[:-1]], group_size=size,
                   unit_scale=(scale * multiplier)[unit_group], unit_centre=centre[unit_group],
                   factor=factor, unit=unit, unit_group=unit_group)
    return built, fraction, notes


def make_design(n: int, weights: Any = None, strata: Any = None, psu: Any = None, fpc: Any = None,
                lonely_psu: str = "fail", calibration: Any = None) -> SurveyDesign:
    """Build a :class:`SurveyDesign` for ``n`` responses.

    Parameters
    ----------
    n : int
        Number of responses.
    weights : array_like, optional
        Sampling weights (inverse inclusion probabilities). Default: from ``fpc``, else ones.
    strata : array_like, optional
        First-stage stratum label of each response.
    psu : array_like, optional
        Cluster label of each response; 2-D (rows x stages) or a list of arrays
        for multistage designs. Default: every response is its own PSU.
    fpc : array_like, optional
        Population size (>= 1) or sampling fraction (<= 1) per stage, per response.
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average"}
        Rule for strata with a single PSU (see module docstring).
    calibration : object, optional
        Calibration record from :func:`analysis.weighting.poststratify` / ``rake``.

    Returns
    -------
    SurveyDesign
    """
    if lonely_psu not in LONELY_PSU:
        raise ValueError(f"lonely_psu must be one of {LONELY_PSU}, got {lonely_psu!r}")
    if n < 1:
        raise ValueError("y must contain at least one response")
    if strata is None:
        strata_names, stratum = np.array(["all"]), np.zeros(n, dtype=np.int64)
    else:
        strata_names, stratum = np.unique(as_labels(strata, "strata", n), return_inverse=True)
        stratum = stratum.reshape(-1)
    units = [np.arange(n)] if psu is None else _stage_columns(psu, "psu", n)
    pops = _fpc_columns(fpc, units, stratum, n)
    stages, notes, n_psu, weight_from_fpc = _build_stages(stratum, strata_names, units, pops, lonely_psu)
    if weights is None and fpc is not None:
        w = weight_from_fpc
    else:
        w = check_weights(weights, n)
    return SurveyDesign(weights=w, n=n, n_psu=n_psu, n_strata=len(strata_names), stages=tuple(stages),
                        lonely_psu=lonely_psu, calibration=calibration, warnings=tuple(notes))


def _build_stages(stratum: np.ndarray, strata_names: np.ndarray, units: list[np.ndarray],
                  pops: list[np.ndarray], rule: str) -> tuple[list[_Stage], list[str], int, np.ndarray]:
    """Build every stage that enters the variance (only the first without fpc, as R).

    Returns the stages, notes, the number of first-stage PSUs and the weights
    implied by the sampling fractions (product of N / n over the stages).
    """
    stages, notes = [], []
    group, multiplier, names = stratum, np.ones(int(stratum.max()) + 1), strata_names
    weight_from_fpc, n_psu = np.ones(len(stratum)), 0
    for s in range(len(pops) if pops else 1):
        unit = _nested_codes(group, units[s])
        stage, fraction, stage_notes = _build_stage(group, unit, pops[s] if pops else None,
                                                    multiplier, rule, s + 1, names)
        stages.append(stage)
        notes += stage_notes
        weight_from_fpc /= fraction[group]
        n_psu = n_psu or int(unit.max()) + 1
        unit_group = np.zeros(int(unit.max()) + 1, dtype=np.int64)
        unit_group[unit] = group
        multiplier = (multiplier * fraction)[unit_group]
        group, names = unit, None
    return stages, notes, n_psu, weight_from_fpc


def _fpc_columns(fpc: Any, units: list[np.ndarray], stratum: np.ndarray, n: int) -> list[np.ndarray]:
    """Validate ``fpc`` and return population sizes per stage (empty list when absent)."""
    if fpc is None:
        return []
    cols = _stage_columns(fpc, "fpc", n)
    if len(cols) != len(units):
        raise ValueError(f"fpc has {len(cols)} stage(s) but psu has {len(units)}")
    pops, group = [], stratum
    for s, col in enumerate(cols):
        values = as_float_1d(col, "fpc", allow_nan=False)
        unit = _nested_codes(group, units[s])
        unit_group = np.zeros(int(unit.max()) + 1, dtype=np.int64)
        unit_group[unit] = group
        sampled = np.bincount(unit_group)[group].astype(float)
        pops.append(_population_sizes(values, sampled, "fpc"))
        group = unit
    return pops

#: Columns per block in :func:`linearised_variance`.
VARIANCE_COLUMNS = 4


def linearised_variance(x: np.ndarray, design: SurveyDesign) -> np.ndarray:
    """Return the design variance of the column totals of linearisation values ``x``.

    Parameters
    ----------
    x : ndarray, shape (n,) or (n, k)
        Linearisation (influence) values of k estimators, zero outside their domain.
    design : SurveyDesign
        The sampling design; its calibration, if any, is applied first.

    Returns
    -------
    ndarray, shape (k,)
        Variances, the diagonal of R's ``svyrecvar`` result.
    """
    x2 = np.asarray(x, dtype=np.float64)
    if x2.ndim == 1:
        x2 = x2[:, None]
    check_length(x2, design.n, "x")
    if design.calibration is not None:
        x2 = design.calibration.residuals(x2)
    total = np.zeros(x2.shape[1])
    # the variance is column by column: blocks of columns bound each stage's (n, block) temporaries
    for start in range(0, x2.shape[1], VARIANCE_COLUMNS):
        block = x2[:, start:start + VARIANCE_COLUMNS]
        for stage in design.stages:
            total[start:start + VARIANCE_COLUMNS] += stage.variance(block)
    return total


def domain_variances(x: np.ndarray, domain: np.ndarray, n_domains: int, design: SurveyDesign) -> np.ndarray:
    """Design variances of the totals of ``x`` within each of ``n_domains`` disjoint domains.

    Equivalent to :func:`linearised_variance` on the (n x n_domains) matrix with
    ``x`` placed in its domain's column, but in memory linear in n — for
    estimates over thousands of offices. Calibrated designs are not supported
    here (their residuals are dense); use :func:`linearised_variance`.
    """
    if design.calibration is not None:
        raise ValueError("design: calibrated designs need linearised_variance (dense residuals)")
    total = np.zeros(n_domains)
    for stage in design.stages:
        total += stage.domain_variance(x, domain, n_domains)
    return np.maximum(total, 0.0)


def as_design(design: SurveyDesign | None, n: int, weights: Any, strata: Any, psu: Any, fpc: Any,
              lonely_psu: str, calibration: Any) -> SurveyDesign:
    """Return ``design`` if given (checking its size), else build one from the pieces."""
    if design is None:
        weights, calibration = _unpack_weighting(weights, calibration)
        return make_design(n, weights, strata, psu, fpc, lonely_psu, calibration)
    if not isinstance(design, SurveyDesign):
        raise ValueError("design must be a SurveyDesign from analysis.design.make_design")
    if any(v is not None for v in (weights, strata, psu, fpc, calibration)):
        raise ValueError("design: pass either design or weights/strata/psu/fpc/calibration, not both")
    if design.n != n:
        raise ValueError(f"design describes {design.n} responses but the data have {n}")
    return design


def _unpack_weighting(weights: Any, calibration: Any) -> tuple[Any, Any]:
    """Accept a weighting result (with ``weights`` and ``calibration``) in place of weights."""
    if hasattr(weights, "calibration") and hasattr(weights, "weights"):
        if calibration is not None:
            raise ValueError("calibration: already given by the weighting result passed as weights")
        return weights.weights, weights.calibration
    return weights, calibration

