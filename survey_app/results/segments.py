r"""Segment tables: each level's respondent-level headline score, compared with everyone else (Holm).

For every segment of the wave (region, office, channel, customer type, age band, and for respondents who are
scored customers their RFM segment and churn-risk band, :mod:`survey_app.retention.respondents`) with two levels
or more: ``analysis.estimate.by`` gives each level's weighted mean of the respondents' own headline
scores with a design SE; each level is tested against all other respondents with the design-based
t test of ``analysis.compare.segment_comparisons`` (Holm-adjusted over the segment's levels with
``analysis.compare.adjust_pvalues``); each level's weighted mean of every dimension score is given
beside it. Responses whose segment value is unknown form a level of their own, shown as "(미상)".

The app's design is weights only (every response its own PSU, one stratum, with replacement); for
it ``analysis.compare.segment_comparisons`` uses its O(n) closed form, so 170 offices and 100k
responses need no n x levels matrix. Degrees of freedom are R ``svyttest``'s (``degf(design) - 1``,
answered responses minus 2), from that one implementation.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy import sparse

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
    "rfm_segment": ("고객 세분(RFM)", "Customer segment (RFM)"), "churn_risk": ("이탈 위험", "Churn risk"),
}
UNKNOWN_NAME = "(미상)"
#: Shown names of the codes distribution puts in the channel and customer-type hidden fields (a code
#: without a name is shown as it is; org-unit segments take the unit's name instead).
LEVEL_NAMES = {
    "channel": {"sms": "문자", "email": "이메일", "qr": "QR 코드", "kiosk": "무인 키오스크", "web": "웹(공개 링크)",
                "counter": "창구", "phone": "전화"},
    "customer_type": {"individual": "개인", "business": "사업자"},
    "churn_risk": {"high": "높음(50% 이상)", "middle": "보통(20~50%)", "low": "낮음(20% 미만)"},
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
    """Each group's weighted mean of every column of ``y`` (n x k) over its non-missing answers (groups x k), a
    column at a time (each column's sums are the same; no (n, k) temporaries)."""
    onehot = sparse.csr_matrix((weights, (groups, np.arange(len(groups)))), shape=(n_groups, len(groups)))
    total, wsum = np.empty((n_groups, y.shape[1])), np.empty((n_groups, y.shape[1]))
    for j in range(y.shape[1]):
        ok = ~np.isnan(y[:, j])
        total[:, j] = onehot @ np.where(ok, y[:, j], 0.0)
        wsum[:, j] = onehot @ ok.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / wsum


def compare_levels(y: np.ndarray, groups: np.ndarray, weights: np.ndarray, n_groups: int,
                   alpha: float = 0.05) -> compare.SegmentComparisons:
    """Each level against the rest (``analysis.compare.segment_comparisons``), laid out by level code."""
    res = compare.segment_comparisons(y, groups, weights=weights, method="holm", alpha=alpha)
    return res.by_code(n_groups)


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
        # A level with fewer than SMALL_N answers is shown but not judged: its within-level variance rests on a
        # handful of answers, so a small p-value there says little (issue 21: five answers were '▲ 유의하게 높음').
        label, significant = levels[g], bool(cmp.reject[g]) and int(cmp.n[g]) >= SMALL_N
        rows.append(SegmentRow(label=label, name=names.get(label, label) if label else UNKNOWN_NAME,
                               n=int(cmp.n[g]), score=Figure.of(by[g]), difference=float(cmp.difference[g]),
                               se=float(cmp.se[g]), pvalue=float(cmp.pvalue[g]),
                               adjusted_pvalue=float(cmp.adjusted[g]), significant=significant,
                               direction=_direction(significant, float(cmp.difference[g])),
                               dimensions={dim: float(v[g]) for dim, v in per_dim.items()}))
    title, title_en = TITLES.get(name, (name, name))
    small = [r.name for r in rows if r.n < SMALL_N]
    notes = (f"small segments (< {SMALL_N} answers): {small[:10]}",) if small else ()
    if cmp.untestable:
        notes += ("too few answers for a design-based t test (R svyttest: answers - 2 < 1): no p-values",)
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
