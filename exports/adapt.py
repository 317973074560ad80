"""Build the workbook's input rows from :mod:`analysis` results.

The app computes with :mod:`analysis` and hands the results here; these
functions only rearrange them (and test wave-over-wave changes with
:func:`analysis.compare.wave_change`, corrected with
:func:`analysis.compare.adjust_pvalues`), so every number in the workbook is
an analysis number.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from analysis import compare
from analysis import courtesy as courtesy_mod
from analysis.compare import SegmentComparisons
from analysis.contrasts import DimensionContrasts
from analysis.drivers import QuadrantItem
from analysis.index import IndexResult, ItemSpec
from analysis.results import Estimate

from .inputs import (
    Change,
    Contrast,
    CourtesyRow,
    CourtesyTable,
    FrequencyRow,
    FrequencyTable,
    Ipa,
    Kpi,
    ScoreRow,
    SegmentRow,
    Trend,
    TrendSeries,
)

__all__ = ["change_between", "changes", "contrast_of", "kpi", "score_rows", "segment_rows", "trend", "ipa", "courtesy_table",
           "frequency_table", "INDEX_CODE"]

INDEX_CODE = "INDEX"


def _usable(est: Estimate | None) -> bool:
    return est is not None and np.isfinite(est.value) and np.isfinite(est.se)


def change_between(current: Estimate | None, previous: Estimate | None, *, alpha: float = 0.05,
                   min_n: int = 0) -> Change | None:
    """Change since the previous wave, z-tested (:func:`analysis.compare.wave_change`); None without one.

    With ``min_n``, a change where either wave has fewer answers is shown with its p-value but never
    called significant: the z test's normal reference overstates what a handful of answers can show."""
    if not (_usable(current) and _usable(previous)):
        return None
    test = compare.wave_change(current, previous)
    enough = min(current.n, previous.n) >= min_n
    significant = bool(enough and np.isfinite(test.pvalue) and test.pvalue < alpha)
    return Change(previous=previous.value, difference=test.estimate, pvalue=test.pvalue, significant=significant)


def kpi(label: str, estimate: Estimate | None, kind: str = "score", previous: Estimate | None = None, *,
        alpha: float = 0.05, higher_is_better: bool = True, note: str = "") -> Kpi:
    """A headline KPI from an :class:`~analysis.results.Estimate` (and last wave's, for the change)."""
    if estimate is None:
        return Kpi(label=label, value=None, kind=kind, note=note or "자료 없음")
    return Kpi(label=label, value=estimate.value, kind=kind, ci=estimate.ci, n=estimate.n,
               change=change_between(estimate, previous, alpha=alpha), higher_is_better=higher_is_better,
               note=note)


def changes(pairs: Sequence[tuple[Estimate | None, Estimate | None]], alpha: float = 0.05,
            correction: str | None = "holm", min_n: int = 0) -> list[Change | None]:
    """Changes of a family of (current, previous) estimates, significance judged on Holm/BH-adjusted p-values;
    a pair where either side has fewer than ``min_n`` answers stays in the family but is never significant."""
    changes = [change_between(cur, prev, alpha=alpha, min_n=min_n) for cur, prev in pairs]
    tested = [i for i, c in enumerate(changes) if c is not None and c.pvalue is not None]
    if correction is None or len(tested) < 2:
        return changes
    adjusted = compare.adjust_pvalues([changes[i].pvalue for i in tested], correction, alpha=alpha)
    for j, i in enumerate(tested):
        c, (cur, prev) = changes[i], pairs[i]
        enough = min(cur.n, prev.n) >= min_n
        changes[i] = Change(c.previous, c.difference, float(adjusted.adjusted[j]), bool(enough and adjusted.reject[j]))
    return changes


def contrast_of(contrasts: DimensionContrasts | None, name: str) -> Contrast | None:
    """The :class:`Contrast` of dimension ``name`` in :func:`analysis.contrasts.dimension_contrasts`' result."""
    if contrasts is None or name not in contrasts.names:
        return None
    j = contrasts.names.index(name)
    p = float(contrasts.adjusted[j])
    return Contrast(float(contrasts.difference[j]), p if np.isfinite(p) else None,
                    bool(contrasts.above[j] or contrasts.below[j]))


def score_rows(result: IndexResult, items: Sequence[ItemSpec], labels: Mapping[str, str] | None = None,
               previous: IndexResult | None = None, *, index_label: str = "종합지수", alpha: float = 0.05,
               correction: str | None = "holm", contrasts: DimensionContrasts | None = None) -> tuple[ScoreRow, ...]:
    """Index, dimension and item rows with changes; dimension and item changes Holm-corrected per family;
    dimensions carry their contrast with the others when ``contrasts`` (by dimension code) is given."""
    labels = labels or {}
    prev_dims = previous.dimensions if previous is not None else {}
    prev_items = dict(zip(previous.item_codes, range(len(previous.item_codes)), strict=True)) if previous is not None else {}
    dims = list(result.dimensions)
    dim_changes = changes([(result.dimensions[d], prev_dims.get(d)) for d in dims], alpha, correction)
    item_est = [result.items.item(j) for j in range(len(result.item_codes))]
    item_prev = [previous.items.item(prev_items[c]) if c in prev_items else None for c in result.item_codes]
    item_changes = changes(list(zip(item_est, item_prev, strict=True)), alpha, correction)
    rows = [ScoreRow("index", INDEX_CODE, index_label, result.index,
                     change_between(result.index, previous.index if previous else None, alpha=alpha))]
    rows += [ScoreRow("dimension", d, labels.get(d, d), result.dimensions[d], ch, contrast=contrast_of(contrasts, d))
             for d, ch in zip(dims, dim_changes, strict=True)]
    parent = {s.code: s.dimension for s in items}
    rows += [ScoreRow("item", code, labels.get(code, code), est, ch, parent.get(code, ""))
             for code, est, ch in zip(result.item_codes, item_est, item_changes, strict=True)]
    return tuple(rows)


def segment_rows(variable: str, estimates: Mapping[Any, Estimate], comparisons: SegmentComparisons | None = None,
                 labels: Mapping[Any, str] | None = None) -> tuple[SegmentRow, ...]:
    """Rows of one segment variable from :func:`analysis.estimate.by` and :func:`~analysis.compare.segment_comparisons`."""
    labels = labels or {}
    tested = {}
    if comparisons is not None:
        tested = {lab: i for i, lab in enumerate(comparisons.labels.tolist())}
    rows = []
    for key, est in estimates.items():
        i = tested.get(key)
        if i is None:
            rows.append(SegmentRow(variable, labels.get(key, str(key)), est))
            continue
        rows.append(SegmentRow(variable, labels.get(key, str(key)), est,
                               difference=float(comparisons.difference[i]), pvalue=float(comparisons.adjusted[i]),
                               significant=bool(comparisons.reject[i])))
    return tuple(rows)


def trend(waves: Sequence[str], results: Sequence[IndexResult], labels: Mapping[str, str] | None = None,
          n: Sequence[int] | None = None, *, index_label: str = "종합지수") -> Trend:
    """The index and every dimension across waves (oldest first) from each wave's :class:`IndexResult`."""
    if len(waves) != len(results):
        raise ValueError(f"waves has {len(waves)} entries but results has {len(results)}")
    labels = labels or {}
    dims: list[str] = []
    for r in results:
        dims += [d for d in r.dimensions if d not in dims]
    series = [TrendSeries(index_label, tuple(r.index.value for r in results))]
    series += [TrendSeries(labels.get(d, d), tuple(r.dimensions[d].value if d in r.dimensions else None
                                                   for r in results)) for d in dims]
    return Trend(waves=tuple(waves), series=tuple(series), n=tuple(n) if n is not None else None)


def ipa(items: Sequence[QuadrantItem], importance_cut: float | None = None, performance_cut: float | None = None,
        **labels: str) -> Ipa:
    """Importance-performance input; cuts default to the means, as :func:`analysis.drivers.importance_performance`."""
    if not items:
        raise ValueError("items: need at least one item")
    i_cut = float(np.mean([q.importance for q in items])) if importance_cut is None else importance_cut
    p_cut = float(np.mean([q.performance for q in items])) if performance_cut is None else performance_cut
    return Ipa(items=tuple(items), importance_cut=i_cut, performance_cut=p_cut, **labels)


def courtesy_table(level: str, scores: Any, units: Any,
                   checklist: Sequence[courtesy_mod.CheckItem] = courtesy_mod.DEFAULT_CHECKLIST, *,
                   threshold: float | None = None, min_evaluations: int = 3) -> CourtesyTable:
    """Ranking at one level from :class:`analysis.courtesy.EvaluationScores` and each evaluation's unit."""
    total = np.asarray(scores.total, dtype=float)
    ranked = courtesy_mod.aggregate(total, units, min_evaluations=min_evaluations)
    stage_means = {}
    for stage, points in scores.stages.items():
        earned = np.where(np.isnan(total), np.nan, np.asarray(points, dtype=float))
        stage_means[stage] = {u.unit: u.mean for u in courtesy_mod.aggregate(earned, units, min_evaluations=1)}
    rows = tuple(CourtesyRow(unit=str(u.unit), n=u.n, stages={s: m.get(u.unit, float("nan"))
                                                             for s, m in stage_means.items()},
                             total=u.mean, se=u.se, ci=u.ci, rank=u.rank, below_minimum=u.below_minimum,
                             below_threshold=threshold is not None and u.mean < threshold, rank_best=u.rank_best,
                             rank_worst=u.rank_worst)
                 for u in ranked)
    stage_points: dict[str, float] = {}
    for item in checklist:
        stage_points[item.stage] = stage_points.get(item.stage, 0.0) + item.points
    sd = float(np.nanstd(total, ddof=1)) if np.isfinite(total).sum() > 1 else float("nan")
    return CourtesyTable(level=level, rows=rows, stage_points=stage_points, threshold=threshold,
                         min_evaluations=min_evaluations, evaluations_needed=courtesy_mod.evaluations_needed(sd))


def frequency_table(code: str, label: str, counts: Mapping[Any, float],
                    choices: Sequence[tuple[Any, str]] = (), *, n: int | None = None, multiple: bool = False,
                    block: str = "") -> FrequencyTable:
    """Counts per choice (in the questionnaire's order) with percents of ``n`` respondents.

    ``n`` defaults to the sum of the counts (right for single-choice questions);
    give the number of respondents for multiple-choice questions.
    """
    total = float(sum(counts.values())) if n is None else float(n)
    if total < 0 or (multiple and n is None):
        raise ValueError("n: give the number of respondents for a multiple-choice question")
    known = [v for v, _ in choices]
    extra = sorted((v for v in counts if v not in known), key=str)
    names = dict(choices)
    rows = tuple(FrequencyRow(label=names.get(v, str(v)), count=float(counts.get(v, 0)),
                              percent=100.0 * counts.get(v, 0) / total if total else 0.0)
                 for v in known + extra)
    return FrequencyTable(code=code, label=label, rows=rows, n=int(round(total)), block=block, multiple=multiple)
