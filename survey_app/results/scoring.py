"""Score a loaded wave with :mod:`analysis`: items, dimensions, indices, KPIs, reliability, segments, drivers.

Pure: takes a :class:`~.loading.WaveData`, the questionnaire and display names, touches no database.
What is computed, and with which ``analysis`` function:

* items, dimensions and the headline index — ``report.score_wave`` (100-point item means, item
  weights within dimensions, the headline index's dimension weights); every other declared index —
  ``index.compute_index`` with its own weights and method (``mean100`` or ``top2box``). The headline
  is the declared index covering the most dimensions (the first such); without a declared index,
  an equal-weight index over every dimension;
* NPS (design SE), CSAT (top-2-box of the ``csat`` item, else of the ``overall`` item, Wilson), CES
  (mean, design SE) — ``kpi``; ``overall``/``repurchase`` are the items' 100-point scores;
* reliability — ``reliability.cronbach_alpha`` of each dimension's reverse-coded 100-point item
  scores (pairwise), for dimensions with two items or more;
* segments — each respondent's own headline score (the weighted mean, with the index's weights, of
  the dimension scores of the items they answered; for courtesy surveys the evaluation's score),
  estimated per level with ``estimate.by`` and compared with all other respondents with
  ``compare.segment_comparisons`` (Holm);
* dimension standing — ``contrasts.dimension_contrasts``: each dimension against the mean of the
  respondent's other dimensions (paired, design-based, Holm); a dimension is "above" or "below" only
  when that difference is significant;
* drivers — ``drivers.driver_importance`` of respondent dimension scores for the ``overall`` item,
  with ``importance_performance`` quadrants (predictors: the dimensions of the largest declared index
  without the overall item's dimension, else every other dimension); a quadrant is ``settled`` only
  when the bootstrap interval of the importance (``contrasts.importance_intervals``) excludes the
  average share and the performance differs significantly from the other predictors;
* courtesy — see :mod:`.courtesy`.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from analysis import estimate, kpi, reliability
from analysis.contrasts import DimensionContrasts, dimension_contrasts, importance_intervals
from analysis.design import SurveyDesign, make_design
from analysis.drivers import driver_importance, importance_performance
from analysis.index import IndexResult, ItemSpec, compute_index, compute_indices, item_scores
from analysis.report import WaveReport, score_wave
from questionnaires import Index, Questionnaire, ScoredItem, Text

from .item_drivers import columns_of, item_drivers
from .loading import WaveData
from .model import DimensionScore, DriverRow, Drivers, Figure, IndexScore, ItemScore, Kpi, Reliability

#: Rows per block where respondent scores are computed in blocks (bounds the temporaries).
ROW_BLOCK = 65_536

DEFAULT_INDEX = Index(code="index", name=Text("종합 지수", "Overall index"), weights=())


@dataclass(frozen=True, eq=False)
class ScoringPlan:
    """The questionnaire's scoring metadata, matched to the loaded columns."""

    items: tuple[ScoredItem, ...]
    specs: tuple[ItemSpec, ...]
    columns: np.ndarray
    indices: tuple[Index, ...]
    headline: Index | None
    kpis: dict[str, ScoredItem]
    dimension_names: dict[str, Text]
    warnings: tuple[str, ...] = ()

    @property
    def dimensions(self) -> list[str]:
        """Dimension codes in questionnaire order."""
        return list(dict.fromkeys(s.dimension for s in self.specs))


def _spec(item: ScoredItem) -> ItemSpec:
    return ItemSpec(code=item.code, dimension=item.dimension, points=item.scale_max - item.scale_min + 1,
                    low=item.scale_min, reverse=item.reverse, weight=float(item.weight))


def _indices(q: Questionnaire, dims: list[str]) -> tuple[tuple[Index, ...], list[str]]:
    """Declared indices whose dimensions all have items (the rest are reported), or the default one."""
    notes, usable = [], []
    for idx in q.scoring.indices:
        missing = [d for d, w in idx.weights if d not in dims and w > 0]
        if missing:
            notes.append(f"index {idx.code}: dimension(s) {missing} have no scored items; index left out")
        else:
            usable.append(idx)
    if not usable and dims:
        usable = [Index(DEFAULT_INDEX.code, DEFAULT_INDEX.name, tuple((d, 1.0) for d in dims))]
    return tuple(usable), notes


def scoring_plan(q: Questionnaire, codes: tuple[str, ...]) -> ScoringPlan:
    """Dimension items with numeric scales (columns of ``codes``), indices, KPI items, names."""
    items = tuple(i for i in q.scored_items()
                  if i.dimension and i.scale_min is not None and i.points is None and i.code in codes)
    specs = tuple(_spec(i) for i in items)
    dims = list(dict.fromkeys(s.dimension for s in specs))
    indices, notes = _indices(q, dims)
    headline = max(indices, key=lambda i: len(i.weights), default=None)
    kpis = {i.kpi: i for i in q.scored_items() if i.kpi and i.scale_min is not None and i.code in codes}
    names = {d.code: d.name for d in q.scoring.dimensions}
    return ScoringPlan(items=items, specs=specs, columns=np.array([codes.index(i.code) for i in items], dtype=int),
                       indices=indices, headline=headline, kpis=kpis,
                       dimension_names={d: names.get(d, Text(d, d)) for d in dims}, warnings=tuple(notes))


# --- arrays ---------------------------------------------------------------------------------------

def on_scale(values: np.ndarray, low: float, high: float) -> tuple[np.ndarray, int]:
    """``values`` with answers off the scale ``low..high`` set to NaN, and how many there were."""
    off = ~np.isnan(values) & ((values < low) | (values > high))
    return (np.where(off, np.nan, values), int(off.sum())) if off.any() else (values, 0)


def item_matrix(data: WaveData, plan: ScoringPlan) -> tuple[np.ndarray, tuple[str, ...]]:
    """The dimension items' answers (n x k), off-scale answers set to NaN with a warning."""
    y = data.float_columns(plan.columns)
    low = np.array([s.low for s in plan.specs], dtype=float)
    high = low + np.array([s.points - 1 for s in plan.specs], dtype=float)
    off = 0
    for j in range(y.shape[1]):  # in place, column by column: ``y`` is a copy already
        column = y[:, j]
        bad = (column < low[j]) | (column > high[j])
        off += int(np.count_nonzero(bad))
        column[bad] = np.nan
    return y, ((f"{off} answer(s) off their item's scale were left out",) if off else ())


def weighted_rowmean(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each row's weighted mean of its non-missing columns, per weight column (NaN when none answered)."""
    out = np.empty((scores.shape[0], weights.shape[1]))
    for start in range(0, scores.shape[0], ROW_BLOCK):  # row blocks: no (n, k) temporaries
        block = scores[start:start + ROW_BLOCK]
        answered = ~np.isnan(block)
        total = np.where(answered, block, 0.0) @ weights
        norm = answered.astype(np.float64) @ weights  # a float product runs in BLAS, a boolean one does not
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start:start + ROW_BLOCK] = np.where(norm > 0, total / norm, np.nan)
    return out


def respondent_dimensions(scores: np.ndarray, plan: ScoringPlan) -> np.ndarray:
    """Each respondent's dimension scores (n x D): item-weighted mean of the items answered."""
    dims = plan.dimensions
    a = np.zeros((len(plan.specs), len(dims)))
    for j, s in enumerate(plan.specs):
        a[j, dims.index(s.dimension)] = s.weight
    return weighted_rowmean(scores, a)


def respondent_index(dim_scores: np.ndarray, plan: ScoringPlan, idx: Index) -> np.ndarray:
    """Each respondent's index: the index-weighted mean of the dimension scores they have."""
    w = np.array([idx.weight_map.get(d, 0.0) for d in plan.dimensions], dtype=float)
    return weighted_rowmean(dim_scores, w[:, None])[:, 0]


# --- the wave -------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class CoreScores:
    """The wave report's core numbers and the arrays follow-up cuts need (``scores`` and ``dimension_scores``
    column-major)."""

    report: WaveReport | None
    hundred: IndexResult | None
    design: SurveyDesign
    scores: np.ndarray
    dimension_scores: np.ndarray
    respondent: np.ndarray
    indices: dict[str, object] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def _kpi_column(data: WaveData, item: ScoredItem | None) -> np.ndarray | None:
    """The answers of a KPI item on its scale (off-scale answers NaN), or None."""
    if item is None:
        return None
    values, _ = on_scale(data.column(item.code), item.scale_min, item.scale_max)
    return None if np.isnan(values).all() else values


def _csat_item(plan: ScoringPlan) -> ScoredItem | None:
    item = plan.kpis.get("csat") or plan.kpis.get("overall")
    return item if item is not None and item.scale_max > item.scale_min else None


def score_core(data: WaveData, plan: ScoringPlan, confidence: float = 0.95) -> CoreScores:
    """``analysis.report.score_wave`` on the dimension items with NPS and CSAT, plus every declared index."""
    design = make_design(data.n, data.weights)
    y, notes = item_matrix(data, plan)
    report, indices = None, {}
    if plan.headline is not None and data.n:
        indices = _index_results(y, plan, design, confidence)
        csat_item = _csat_item(plan)
        csat_scores = _kpi_column(data, csat_item)
        report = score_wave(
            y, plan.specs, plan.headline.weight_map, method=plan.headline.method, design=design,
            nps_scores=_kpi_column(data, plan.kpis.get("nps")), confidence=confidence,
            csat_scores=None if csat_scores is None else csat_scores - csat_item.scale_min + 1,
            csat_points=csat_item.scale_max - csat_item.scale_min + 1 if csat_item else 7,
            scores=indices[plan.headline.code])
    hundred = _hundred(y, plan, report, indices, design, confidence)
    headline, respondent, own = plan.headline, np.full(data.n, np.nan), None
    if headline is not None and headline.method != "mean100":
        own = respondent_dimensions(item_scores(y, plan.specs, headline.method), plan)
    # last, in the answers' own array (``y`` is item_matrix's copy and not needed after): no second (n, k) array
    scores = item_scores(y, plan.specs, out=y)
    del y
    dim_scores = respondent_dimensions(scores, plan) if len(plan.specs) else np.empty((data.n, 0))
    if headline is not None:
        respondent = respondent_index(dim_scores if own is None else own, plan, headline)
    # column-major, as the follow-up cuts read them (a dimension's columns are views of it, not copies)
    return CoreScores(report=report, hundred=hundred,
                      design=design, scores=scores, dimension_scores=np.asfortranarray(dim_scores),
                      respondent=respondent, indices=indices, warnings=notes)


def _index_results(y: np.ndarray, plan: ScoringPlan, design: SurveyDesign, confidence: float) -> dict[str, IndexResult]:
    """Every declared index, the ones of one method scored in one pass over the items."""
    found: dict[str, IndexResult] = {}
    for method in dict.fromkeys(idx.method for idx in plan.indices):
        found.update(compute_indices(y, plan.specs, {idx.code: idx.weight_map for idx in plan.indices
                                                     if idx.method == method},
                                     method=method, design=design, confidence=confidence))
    return {idx.code: found[idx.code] for idx in plan.indices}


def _hundred(y: np.ndarray, plan: ScoringPlan, report: WaveReport | None, indices: dict, design: SurveyDesign,
             confidence: float) -> IndexResult | None:
    """100-point item and dimension scores: the headline's, another mean100 index's, or computed."""
    if report is None:
        return None
    if plan.headline.method == "mean100":
        return report.scores
    for idx in plan.indices:
        if idx.method == "mean100":
            return indices[idx.code]
    return compute_index(y, plan.specs, method="mean100", design=design, confidence=confidence)


def index_scores(core: CoreScores, plan: ScoringPlan) -> tuple[IndexScore, ...]:
    """Every declared index with its weights."""
    out = []
    for idx in plan.indices:
        result = core.indices.get(idx.code)
        if result is not None:
            out.append(IndexScore(code=idx.code, name=idx.name.get("ko"), name_en=idx.name.get("en"),
                                  method=idx.method, weights=dict(result.weights), score=Figure.of(result.index),
                                  headline=idx is plan.headline))
    return tuple(out)


def item_results(core: CoreScores, plan: ScoringPlan) -> tuple[ItemScore, ...]:
    """Each dimension item's mean on its scale and its 100-point score."""
    if core.report is None:
        return ()
    means, scores = core.report.item_means, core.hundred.items
    return tuple(ItemScore(code=i.code, label=i.label.get("ko"), dimension=s.dimension, points=s.points, low=s.low,
                           reverse=s.reverse, mean=Figure.of(means.item(j)), score=Figure.of(scores.item(j)))
                 for j, (i, s) in enumerate(zip(plan.items, plan.specs, strict=True)))


def dimension_results(core: CoreScores, plan: ScoringPlan) -> tuple[DimensionScore, ...]:
    """Each dimension's 100-point score, Cronbach's alpha of its items and how it stands against the others."""
    if core.hundred is None:
        return ()
    out = []
    contrasts = _contrasts(core, list(range(len(plan.dimensions))))
    for k, dim in enumerate(plan.dimensions):
        cols = [j for j, s in enumerate(plan.specs) if s.dimension == dim]
        name = plan.dimension_names[dim]
        diff, p, standing = _standing(contrasts, k)
        out.append(DimensionScore(code=dim, name=name.get("ko"), name_en=name.get("en"),
                                  items=tuple(plan.specs[j].code for j in cols),
                                  score=Figure.of(core.hundred.dimensions[dim]),
                                  reliability=_alpha(core.scores, cols) if len(cols) > 1 else None,
                                  versus_others=diff, versus_others_p=p, standing=standing))
    return tuple(out)


def _contrasts(core: CoreScores, cols: list[int]) -> DimensionContrasts | None:
    """Each of the dimensions ``cols`` against the mean of the others (paired, Holm), None if untestable."""
    if len(cols) < 2:
        return None
    try:
        return dimension_contrasts(columns_of(core.dimension_scores, cols), design=core.design)
    except ValueError:
        return None


def _standing(contrasts: DimensionContrasts | None, k: int) -> tuple[float, float, str]:
    """(difference from the others, adjusted p, "above"/"below"/"") of the ``k``-th contrasted dimension."""
    if contrasts is None:
        return float("nan"), float("nan"), ""
    standing = "above" if contrasts.above[k] else "below" if contrasts.below[k] else ""
    return float(contrasts.difference[k]), float(contrasts.adjusted[k]), standing


def dimension_points(core: CoreScores, plan: ScoringPlan) -> dict[str, float]:
    """Each dimension's 100-point score alone (no reliability): what the trend shows per wave."""
    if core.hundred is None:
        return {}
    return {dim: float(core.hundred.dimensions[dim].value) for dim in plan.dimensions}


def _alpha(scores: np.ndarray, cols: list[int]) -> Reliability | None:
    """Cronbach's alpha (pairwise) of the item scores in columns ``cols`` (read in row blocks, not copied), None
    when it cannot be computed."""
    try:
        with warnings.catch_warnings():  # constant or tiny columns: alpha is NaN, which is what we show
            warnings.simplefilter("ignore", RuntimeWarning)
            r = reliability.cronbach_alpha(scores, columns=cols)
    except ValueError:
        return None
    return Reliability(alpha=r.alpha, ci_low=r.ci[0], ci_high=r.ci[1], n=r.n, k=r.k, warnings=tuple(r.warnings))


def kpi_results(data: WaveData, core: CoreScores, plan: ScoringPlan, confidence: float = 0.95) -> dict[str, Kpi]:
    """NPS, CSAT and CES with their intervals; overall and repurchase as 100-point scores."""
    out: dict[str, Kpi] = {}
    report = core.report
    if report is not None and report.nps is not None:
        out["nps"] = Kpi("nps", plan.kpis["nps"].code, Figure.of(report.nps))
    if report is not None and report.csat is not None:
        out["csat"] = Kpi("csat", _csat_item(plan).code, Figure.of(report.csat))
    ces_item = plan.kpis.get("ces")
    ces_values = _kpi_column(data, ces_item)
    if ces_values is not None and data.n:
        points = ces_item.scale_max - ces_item.scale_min + 1
        est = kpi.ces(ces_values - ces_item.scale_min + 1, points=points, design=core.design, confidence=confidence)
        out["ces"] = Kpi("ces", ces_item.code, Figure.of(est))
    for role in ("overall", "repurchase"):
        item = plan.kpis.get(role)
        values = _kpi_column(data, item)
        if values is not None and data.n:
            spec = ItemSpec(item.code, "kpi", points=item.scale_max - item.scale_min + 1, low=item.scale_min,
                            reverse=item.reverse)
            est = estimate.mean(item_scores(values[:, None], (spec,))[:, 0], design=core.design,
                                confidence=confidence)
            out[role] = Kpi(role, item.code, Figure.of(est))
    return out


def driver_results(data: WaveData, core: CoreScores, plan: ScoringPlan,
                   dimensions: tuple[DimensionScore, ...], items: tuple[ItemScore, ...] = ()) -> Drivers | None:
    """Relative-weight importance of dimensions for the overall item, with IPA quadrants.

    The last reader of ``core.scores``: the item drivers overwrite the predictor items' columns with the kept
    respondents' filled scores (so a 1M wave holds no second n x 27 matrix)."""
    overall = plan.kpis.get("overall")
    values = _kpi_column(data, overall)
    if values is None:
        return None
    predictors = _driver_dimensions(plan, overall.dimension)
    if len(predictors) < 2:
        return None
    cols = [plan.dimensions.index(d) for d in predictors]
    spec = ItemSpec(overall.code, "kpi", points=overall.scale_max - overall.scale_min + 1, low=overall.scale_min,
                    reverse=overall.reverse)
    outcome = item_scores(values[:, None], (spec,))[:, 0]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = driver_importance(outcome, columns_of(core.dimension_scores, cols), names=predictors)
    except ValueError as exc:
        return Drivers(outcome=overall.code, r_squared=float("nan"), n=0, rows=(), warnings=(str(exc),))
    performance = {d.code: d.score for d in dimensions}
    try:  # a dimension without (weighted) answers has no performance to place in a quadrant
        quadrants = importance_performance(result.relative_share, [performance[d].value for d in predictors],
                                           predictors)
    except ValueError as exc:
        return Drivers(outcome=overall.code, r_squared=result.r_squared, n=result.n, rows=(),
                       warnings=tuple(result.warnings) + (str(exc),))
    low, high = _importance_interval(outcome, columns_of(core.dimension_scores, cols), result)
    contrasts = _contrasts(core, cols)
    cut = 100.0 / len(predictors)  # the mean relative share: importance_performance's default cut
    rows = []
    for j, (d, q) in enumerate(zip(predictors, quadrants, strict=True)):
        _, p, standing = _standing(contrasts, j)
        clear_importance = bool(low[j] > cut or high[j] < cut)
        rows.append(DriverRow(
            dimension=d, name=plan.dimension_names[d].get("ko"), correlation=result.correlation[j], beta=result.beta[j],
            relative_weight=result.relative_weight[j], relative_share=result.relative_share[j],
            performance=q.performance, quadrant=q.quadrant, high_importance=q.high_importance,
            high_performance=q.high_performance, importance_low=float(low[j]), importance_high=float(high[j]),
            performance_low=performance[d].ci_low, performance_high=performance[d].ci_high, performance_p=p,
            settled=clear_importance and bool(standing)))
    return Drivers(outcome=overall.code, r_squared=result.r_squared, n=result.n, rows=tuple(rows),
                   warnings=tuple(result.warnings), importance_cut=cut,
                   performance_cut=float(np.mean([q.performance for q in quadrants])),
                   items=_item_drivers(outcome, core, plan, predictors, items))


def _item_drivers(outcome: np.ndarray, core: CoreScores, plan: ScoringPlan, predictors: list[str],
                  items: tuple[ItemScore, ...]) -> tuple:
    """Item-level drivers over the predictor dimensions' items (see :mod:`.item_drivers`)."""
    cols = [j for j, s in enumerate(plan.specs) if s.dimension in predictors]
    by_code = {i.code: i for i in items}
    if not cols or any(plan.specs[j].code not in by_code for j in cols):
        return ()
    dims = [plan.dimensions.index(plan.specs[j].dimension) for j in cols]
    return item_drivers(outcome, core.scores, cols, core.dimension_scores, dims,
                        tuple(by_code[plan.specs[j].code] for j in cols), core.design)


def _importance_interval(outcome: np.ndarray, predictors: np.ndarray, base) -> tuple[np.ndarray, np.ndarray]:
    """95% bootstrap interval of each predictor's relative share (NaN when it cannot be had)."""
    try:
        found = importance_intervals(outcome, predictors, base=base)
    except ValueError:
        nan = np.full(predictors.shape[1], np.nan)
        return nan, nan
    return found.low, found.high


def _driver_dimensions(plan: ScoringPlan, outcome_dimension: str | None) -> list[str]:
    """Predictors: the largest declared index without the outcome's dimension, else every other dimension."""
    candidates = [idx for idx in plan.indices if outcome_dimension not in idx.weight_map and idx.weights]
    if candidates:
        best = max(candidates, key=lambda i: len(i.weights))
        return [d for d in plan.dimensions if best.weight_map.get(d, 0) > 0]
    return [d for d in plan.dimensions if d != outcome_dimension]
