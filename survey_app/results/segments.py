r"""Segment tables: each level's respondent-level headline score, compared with everyone else (Holm).

For every segment of the wave (region, office, channel, customer type, age band) with two levels
or more: ``analysis.estimate.by`` gives each level's weighted mean of the respondents' own headline
scores with a design SE; each level is tested against all other respondents with the design-based
t test of ``analysis.compare.segment_comparisons`` (Holm-adjusted over the segment's levels with
``analysis.compare.adjust_pvalues``); each level's weighted mean of every dimension score is given
beside it. Responses whose segment value is unknown form a level of their own, shown as "(미상)".

The app's design is weights only (every response its own PSU, one stratum, with replacement). For
it the comparison has a closed form computed here in O(n) per segment with ``bincount``: the
linearisation values of "this level" and "the others" have disjoint supports and sum to zero, so
:math:`Var(\hat\mu_g - \hat\mu_{-g}) = \frac{n}{n-1}\left(\frac{\sum_{i \in g} w_i^2 (y_i - \hat\mu_g)^2}{W_g^2}
+ \frac{\sum_{i \notin g} w_i^2 (y_i - \hat\mu_{-g})^2}{W_{-g}^2}\right)` with :math:`n - 1` degrees of freedom.
``analysis.compare.segment_comparisons`` builds an n x levels matrix instead, which for 170 offices
and 100k responses took most of the report's time; tests/test_results_scoring.py checks both give
the same numbers.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from scipy import sparse, stats

from analysis import compare, estimate
from analysis.design import SurveyDesign
from analysis.results import SMALL_N

from .loading import WaveData
from .model import Figure, SegmentRow, SegmentTable

#: Korean and English titles of the segments.
TITLES = {
    "region": ("지역(지방우정청)", "Region"), "office_code": ("우체국·조직", "Office"),
    "channel": ("조사 경로", "Channel"), "customer_type": ("고객 구분", "Customer type"),
    "age_band": ("연령대", "Age band"),
}
UNKNOWN_NAME = "(미상)"
#: Shown names of the codes distribution puts in the channel and customer-type hidden fields (a code
#: without a name is shown as it is; org-unit segments take the unit's name instead).
LEVEL_NAMES = {
    "channel": {"sms": "문자", "email": "이메일", "qr": "QR 코드", "kiosk": "무인 키오스크", "web": "웹(공개 링크)",
                "counter": "창구", "phone": "전화"},
    "customer_type": {"individual": "개인", "business": "사업자"},
}


def segment_levels(data: WaveData, name: str) -> tuple[np.ndarray, list[str]]:
    """Integer groups of a segment (unknown values as their own last level) and the level labels."""
    segment = data.segments[name]
    levels = list(segment.levels)
    groups = segment.codes.copy()
    if (groups < 0).any():
        groups[groups < 0] = len(levels)
        levels.append("")
    return groups, levels


def weighted_means_by(y: np.ndarray, groups: np.ndarray, weights: np.ndarray, n_groups: int) -> np.ndarray:
    """Each group's weighted mean of every column of ``y`` (n x k) over its non-missing answers (groups x k)."""
    ok = ~np.isnan(y)
    onehot = sparse.csr_matrix((weights, (groups, np.arange(len(groups)))), shape=(n_groups, len(groups)))
    total = onehot @ np.where(ok, y, 0.0)
    wsum = onehot @ ok.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / wsum


@dataclass(frozen=True, eq=False)
class LevelComparisons:
    """Every level against all other respondents: difference, SE, t, p, Holm-adjusted p, answers."""

    difference: np.ndarray
    se: np.ndarray
    statistic: np.ndarray
    pvalue: np.ndarray
    adjusted: np.ndarray
    reject: np.ndarray
    n: np.ndarray


def compare_levels(y: np.ndarray, groups: np.ndarray, weights: np.ndarray, n_groups: int,
                   alpha: float = 0.05) -> LevelComparisons:
    """Design-based t test of each level against the rest for a weights-only design (module docstring)."""
    ok = ~np.isnan(y)
    w = np.where(ok, weights, 0.0)
    yc = np.where(ok, y - (w @ np.where(ok, y, 0.0)) / w.sum(), 0.0)  # centred: less cancellation
    sums = [np.bincount(groups, weights=v, minlength=n_groups) for v in (w, w * yc, w * w, w * w * yc, w * w * yc * yc)]
    w_g, s1_g, q0_g, q1_g, q2_g = sums
    w_r, s1_r, q0_r, q1_r, q2_r = (v.sum() - v for v in sums)
    with np.errstate(invalid="ignore", divide="ignore"):
        m_g, m_r = s1_g / w_g, s1_r / w_r
        inside = np.where(w_g > 0, (q2_g - 2 * m_g * q1_g + m_g ** 2 * q0_g) / w_g ** 2, 0.0)
        outside = np.where(w_r > 0, (q2_r - 2 * m_r * q1_r + m_r ** 2 * q0_r) / w_r ** 2, 0.0)
        n = len(y)
        se = np.sqrt(n / (n - 1) * np.maximum(inside + outside, 0.0))
        t = (m_g - m_r) / se
    p = 2 * stats.t.sf(np.abs(t), max(n - 1, 1))
    adjusted = compare.adjust_pvalues(p, "holm", alpha=alpha)
    used = np.bincount(groups, weights=ok, minlength=n_groups).astype(int)
    return LevelComparisons(difference=m_g - m_r, se=se, statistic=t, pvalue=p, adjusted=adjusted.adjusted,
                            reject=adjusted.reject, n=used)


def _direction(significant: bool, difference: float) -> str:
    if not significant:
        return ""
    return "higher" if difference > 0 else "lower"


def segment_table(name: str, y: np.ndarray, groups: np.ndarray, levels: list[str], design: SurveyDesign,
                  dims: tuple[np.ndarray, list[str]], names: Mapping[str, str]) -> SegmentTable:
    """One segment's table: estimates per level and comparisons with the rest."""
    present = np.unique(groups).tolist()
    by = estimate.by(y, groups, design=design)
    cmp = compare_levels(y, groups, design.weights, len(levels))
    means = weighted_means_by(dims[0], groups, design.weights, len(levels))
    per_dim = {dim: means[:, j] for j, dim in enumerate(dims[1])}
    rows = []
    for g in present:
        label, significant = levels[g], bool(cmp.reject[g])
        rows.append(SegmentRow(label=label, name=names.get(label, label) if label else UNKNOWN_NAME,
                               n=int(cmp.n[g]), score=Figure.of(by[g]), difference=float(cmp.difference[g]),
                               se=float(cmp.se[g]), pvalue=float(cmp.pvalue[g]),
                               adjusted_pvalue=float(cmp.adjusted[g]), significant=significant,
                               direction=_direction(significant, float(cmp.difference[g])),
                               dimensions={dim: float(v[g]) for dim, v in per_dim.items()}))
    title, title_en = TITLES.get(name, (name, name))
    small = [r.name for r in rows if r.n < SMALL_N]
    notes = (f"small segments (< {SMALL_N} answers): {small[:10]}",) if small else ()
    return SegmentTable(segment=name, title=title, title_en=title_en, method="holm", rows=tuple(rows),
                        warnings=notes)


def segment_tables(data: WaveData, y: np.ndarray, design: SurveyDesign, dimension_scores: np.ndarray,
                   dimensions: list[str], names: Mapping[str, Mapping[str, str]]) -> tuple[SegmentTable, ...]:
    """A table for every segment with at least two levels among respondents with a score."""
    if not len(y) or np.isnan(y).all():
        return ()
    tables = []
    for name in data.segments:
        groups, levels = segment_levels(data, name)
        if len(np.unique(groups[~np.isnan(y)])) < 2:
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            tables.append(segment_table(name, y, groups, levels, design, (dimension_scores, dimensions),
                                        names.get(name, {})))
    return tuple(tables)
