"""The result of a wave as plain frozen dataclasses: what the results page, the CLI and the Excel workbook show.

``WaveResult.to_dict()`` / ``to_json()`` give exactly the field names below (``NaN`` → ``null``,
tuples → lists). Every score is on 0-100 unless said otherwise; every :class:`Figure` carries its
standard error, confidence interval (level ``WaveResult.confidence``) and the responses behind it.

WaveResult
    ``wave`` (:class:`WaveInfo`), ``response_rate`` (:class:`ResponseRate`), ``n`` (complete responses
    scored), ``restricted_to`` (None, or the org-unit codes the viewer may see: only their responses
    were counted), ``headline`` (:class:`Figure` of the headline index, or of the courtesy score for a
    courtesy survey), ``headline_code``, ``indices`` (:class:`IndexScore` per declared index),
    ``dimensions`` (:class:`DimensionScore`), ``items`` (:class:`ItemScore`), ``kpis`` (role →
    :class:`Kpi`: ``nps`` in points -100..100, ``csat`` percent top-2-box, ``ces`` mean on the answer
    scale, ``overall``/``repurchase`` 100-point scores), ``segments`` (:class:`SegmentTable`), ``trend``
    (:class:`TrendPoint` per wave of the survey up to this one, oldest first), ``courtesy``
    (:class:`ChecklistResult` per courtesy checklist), ``drivers`` (:class:`Drivers` or None),
    ``confidence``, ``generated_at`` (ISO time), ``warnings``, ``coverage`` (:class:`Coverage`: who is scored
    and why the others are not).
Figure
    ``value``, ``se``, ``ci_low``, ``ci_high``, ``n``, ``weighted_n``, ``method`` (taylor, wilson, ...),
    ``warnings``.
SegmentRow
    One segment level: ``label`` (stored value), ``name`` (shown name), ``n``, ``score`` (:class:`Figure`
    of the respondent-level headline score), ``difference`` from all other respondents, its ``se``,
    ``pvalue``, Holm-``adjusted_pvalue``, ``significant`` (after adjustment), ``direction`` (``"higher"``,
    ``"lower"`` or ``""``), ``dimensions`` (dimension → respondent-level mean).
TrendPoint
    ``wave_id``, ``wave_code``, ``wave_name``, ``opens_at``, ``n``, ``score``, ``nps``, ``csat`` and
    ``change`` (:class:`Change` against the previous point: difference, SE, interval, z, p) and
    ``dimensions`` (dimension code → 100-point score of that wave; a dimension the wave lacks is absent).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

import numpy as np

from analysis import Estimate
from analysis.courtesy import rank_text

from .quadrants import quadrant_name


@dataclass(frozen=True)
class Figure:
    """An estimate with its uncertainty, in plain numbers."""

    value: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    weighted_n: float
    method: str = "taylor"
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(cls, est: Estimate) -> Figure:
        """The figure of an :class:`analysis.Estimate`."""
        return cls(value=float(est.value), se=float(est.se), ci_low=float(est.ci[0]), ci_high=float(est.ci[1]),
                   n=int(est.n), weighted_n=float(est.weighted_n), method=est.method, warnings=tuple(est.warnings))

    def as_estimate(self, statistic: str = "mean") -> Estimate:
        """Back to an :class:`analysis.Estimate` (for ``compare.wave_change`` and the Excel exporter)."""
        return Estimate(value=self.value, se=self.se, ci=(self.ci_low, self.ci_high), n=self.n,
                        weighted_n=self.weighted_n, statistic=statistic, method=self.method, warnings=self.warnings)


@dataclass(frozen=True)
class WaveInfo:
    """Which wave of which survey."""

    id: int
    code: str
    name: str
    state: str
    opens_at: str | None
    closes_at: str | None
    survey_id: int
    survey_code: str
    survey_title: str
    survey_kind: str
    version: int


@dataclass(frozen=True)
class ResponseRate:
    """Invitations and responses; ``rate`` = complete responses to invitations / invitations in percent
    (None without invitations); open-link and kiosk responses are in ``complete`` but not in the rate."""

    invitations: int
    started: int
    partial: int
    complete: int
    rate: float | None
    invited_complete: int = 0


@dataclass(frozen=True)
class ItemScore:
    """One scored item: its mean on its own scale and its 100-point score."""

    code: str
    label: str
    dimension: str
    points: int
    low: int
    reverse: bool
    mean: Figure
    score: Figure


@dataclass(frozen=True)
class Reliability:
    """Cronbach's alpha of a dimension's items with its Feldt interval."""

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class DimensionScore:
    """A dimension's 100-point score and the reliability of its items."""

    code: str
    name: str
    name_en: str
    items: tuple[str, ...]
    score: Figure
    reliability: Reliability | None
    #: Mean paired difference from the respondent's other dimensions (points), its Holm-adjusted p-value
    #: (``analysis.contrasts.dimension_contrasts``) and ``standing``: "above", "below" or "" (no difference).
    versus_others: float = float("nan")
    versus_others_p: float = float("nan")
    standing: str = ""


@dataclass(frozen=True)
class IndexScore:
    """A declared index (PCSI-style ``mean100`` or KCSI-style ``top2box``) with its weights."""

    code: str
    name: str
    name_en: str
    method: str
    weights: dict[str, float]
    score: Figure
    headline: bool


@dataclass(frozen=True)
class Kpi:
    """A headline KPI: ``role`` (nps, csat, ces, overall, repurchase) of item ``code``."""

    role: str
    code: str
    score: Figure


@dataclass(frozen=True)
class SegmentRow:
    """One level of a segment against all other respondents (see the module docstring)."""

    label: str
    name: str
    n: int
    score: Figure
    difference: float
    se: float
    pvalue: float
    adjusted_pvalue: float
    significant: bool
    direction: str
    dimensions: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SegmentTable:
    """A segment (region, office, channel, ...) with one row per level."""

    segment: str
    title: str
    title_en: str
    method: str
    rows: tuple[SegmentRow, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    """Change of the headline against the previous wave (independent samples, z test)."""

    difference: float
    se: float
    ci_low: float
    ci_high: float
    statistic: float
    pvalue: float
    significant: bool


@dataclass(frozen=True)
class TrendPoint:
    """One wave of the survey on the trend line."""

    wave_id: int
    wave_code: str
    wave_name: str
    opens_at: str | None
    n: int
    score: Figure | None
    nps: Figure | None
    csat: Figure | None
    change: Change | None = None
    dimensions: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitRank:
    """A staff member, office or region in a courtesy ranking (``rank`` None below the minimum); ``stages``:
    mean stage percents (stage → 0-100) over its evaluations, as the courtesy results page shows them."""

    level: str
    unit_id: int
    code: str
    name: str
    n: int
    mean: float
    se: float
    ci_low: float
    ci_high: float
    rank: int | None
    below_minimum: bool
    stages: dict[str, float] = field(default_factory=dict)
    #: The ranks the unit's interval allows (``analysis.courtesy.rank_ranges``); None when unranked.
    rank_best: int | None = None
    rank_worst: int | None = None

    @property
    def rank_text(self) -> str:
        """"3위" when the data settle the rank, "1~12위" when the unit's interval overlaps others, "" unranked."""
        return rank_text(self.rank_best, self.rank_worst)


@dataclass(frozen=True)
class ChecklistResult:
    """A courtesy checklist: mean score, mean stage percents and rankings by level (``staff``, ``unit``,
    ``region``; units with fewer than ``min_evaluations`` evaluations are listed without a rank) and the
    checklist's ``stage_points`` (stage → points of its items)."""

    code: str
    name: str
    name_en: str
    n: int
    score: Figure
    stages: dict[str, float]
    rankings: dict[str, tuple[UnitRank, ...]]
    min_evaluations: int = 3
    stage_points: dict[str, float] = field(default_factory=dict)
    #: Evaluations per unit for a 5-point difference to separate two units' intervals
    #: (``analysis.courtesy.evaluations_needed`` with the evaluations' standard deviation).
    evaluations_needed: int | None = None


@dataclass(frozen=True)
class DriverRow:
    """A dimension's derived importance for overall satisfaction and its IPA quadrant."""

    dimension: str
    name: str
    correlation: float
    beta: float
    relative_weight: float
    relative_share: float
    performance: float
    quadrant: str
    high_importance: bool
    high_performance: bool
    #: Bootstrap interval of ``relative_share`` and the Holm-adjusted p-value of the performance against
    #: the other predictors; ``settled`` only when both separate the dimension from the average
    #: (otherwise the quadrant is withheld: "판단 보류").
    importance_low: float = float("nan")
    importance_high: float = float("nan")
    performance_low: float = float("nan")
    performance_high: float = float("nan")
    performance_p: float = float("nan")
    settled: bool = False

    @property
    def quadrant_name(self) -> str:
        """The quadrant's name in the viewer's language, for pages (``quadrant`` stays analysis's Korean)."""
        return quadrant_name(self.high_importance, self.high_performance, self.settled)


@dataclass(frozen=True)
class ItemDriver:
    """One quality item's derived importance for overall satisfaction (see :mod:`.item_drivers`); ``priority``
    when it is clearly more important than average and clearly below the other items."""

    code: str
    label: str
    dimension: str
    relative_share: float
    importance_low: float
    importance_high: float
    performance: float
    versus_others: float
    versus_others_p: float
    priority: bool


@dataclass(frozen=True)
class Drivers:
    """Driver importance (Johnson's relative weights) of dimensions for the ``outcome`` item."""

    outcome: str
    r_squared: float
    n: int
    rows: tuple[DriverRow, ...]
    warnings: tuple[str, ...] = ()
    importance_cut: float = float("nan")
    performance_cut: float = float("nan")
    items: tuple[ItemDriver, ...] = ()


@dataclass(frozen=True)
class Coverage:
    """Who is scored: ``complete`` responses, ``scored`` (with a headline score), ``not_asked`` (logic hid every
    scored question, e.g. a screened-out non-user) and ``no_answer`` (asked, but every scored answer blank or
    모름/해당없음)."""

    complete: int
    scored: int
    not_asked: int
    no_answer: int


@dataclass(frozen=True)
class MarginShare:
    """One category of a weighting margin: its share of the scored sample, of the population (as staff set it)
    and of the sample after weighting, all in percent of the responses whose category is known."""

    variable: str
    title: str
    label: str
    name: str
    n: int
    sample_share: float
    population_share: float
    weighted_share: float


@dataclass(frozen=True)
class Weighting:
    """How the estimates were weighted to population margins: the margins' titles, ``method`` ("rake" or
    "poststratify"), Kish's design effect of the weights and the effective sample size n / deff, whether every
    margin was met, each category's shares, where the population figures come from, and notes."""

    variables: tuple[str, ...]
    method: str
    n: int
    design_effect: float
    effective_n: float
    converged: bool
    shares: tuple[MarginShare, ...]
    source: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class WaveResult:
    """Everything known about one wave's results (see the module docstring for each field)."""

    wave: WaveInfo
    response_rate: ResponseRate
    n: int
    restricted_to: tuple[str, ...] | None
    headline: Figure | None
    headline_code: str | None
    indices: tuple[IndexScore, ...]
    dimensions: tuple[DimensionScore, ...]
    items: tuple[ItemScore, ...]
    kpis: dict[str, Kpi]
    segments: tuple[SegmentTable, ...]
    trend: tuple[TrendPoint, ...]
    courtesy: tuple[ChecklistResult, ...]
    drivers: Drivers | None
    confidence: float
    generated_at: str
    warnings: tuple[str, ...] = ()
    coverage: Coverage | None = None
    weighting: Weighting | None = None  # None: unweighted (the default)

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts, lists, numbers and strings (``NaN`` → None)."""
        return plain(self)

    def to_json(self, **options: Any) -> str:
        """The result as JSON text (UTF-8, Korean kept as is)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False, **options)


def plain(value: Any) -> Any:
    """``value`` with dataclasses, tuples, numpy numbers and NaN turned into JSON-safe Python."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(float(value)) else float(value)
    return value
