"""RFM (recency, frequency, monetary) scores and the named customer segments.

Scores
------
Each of R, F and M is scored 1–5 by quintile of its mid-rank over the customers scored:
``score = ceil(5 · r / n)`` where ``r`` is the average rank of the value (ties share a rank, so a
customer never gets a different score from another with the same value). Recency is ranked so that
the most recent buyer gets 5; frequency and monetary so that the largest gets 5. ``FM`` is the
rounded-half-up mean of F and M, ``floor((F + M + 1) / 2)``.

This is the quintile scoring of Hughes (1994) *Strategic Database Marketing*, with the mid-rank tie
rule of R's ``dplyr::ntile`` replaced by shared scores (``ntile`` breaks ties by position, which gives
two customers with one order each different F scores).

Segments
--------
The first matching rule names the segment (the table is :data:`SEGMENT_RULES`, documented in
docs/analysis.md; it follows the common R×FM grid of eleven named segments popularised by retail
analytics tools such as Putler, folded to nine names):

=============  ==========================================  =====================================
segment        rule                                        meaning
=============  ==========================================  =====================================
핵심 고객       R ≥ 4 and FM ≥ 4                             bought recently, often, much
신규            R ≥ 4 and one order only                     first order recently
충성 고객       R ≥ 3 and FM ≥ 3                             regular buyers
잠재 충성       R ≥ 4 (FM ≤ 2)                               recent but small, may grow
놓치면 안 될 고객 R ≤ 2 and FM ≥ 4                            were the best, gone quiet
이탈 우려       R ≤ 2 and FM = 3                             were regular, gone quiet
관심 필요       R = 3 (FM ≤ 2)                               middling, slipping
휴면            R = 2 (FM ≤ 2)                               small and quiet
이탈            R = 1 (FM ≤ 2)                               small and long gone
=============  ==========================================  =====================================
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import rankdata

from .._validate import as_float_1d, as_labels

__all__ = ["RFMScores", "SEGMENTS", "SEGMENT_RULES", "Migration", "quintile_scores", "rfm_scores",
           "rfm_segments", "segment_migration"]

#: Segment names in display order (best first).
SEGMENTS = ("핵심 고객", "신규", "충성 고객", "잠재 충성", "놓치면 안 될 고객", "이탈 우려", "관심 필요", "휴면", "이탈")

#: (segment, rule in words): the first matching rule wins; see the module docstring.
SEGMENT_RULES = (
    ("핵심 고객", "R ≥ 4, FM ≥ 4"),
    ("신규", "R ≥ 4, 주문 1건"),
    ("충성 고객", "R ≥ 3, FM ≥ 3"),
    ("잠재 충성", "R ≥ 4, FM ≤ 2"),
    ("놓치면 안 될 고객", "R ≤ 2, FM ≥ 4"),
    ("이탈 우려", "R ≤ 2, FM = 3"),
    ("관심 필요", "R = 3, FM ≤ 2"),
    ("휴면", "R = 2, FM ≤ 2"),
    ("이탈", "R = 1, FM ≤ 2"),
)


@dataclass(frozen=True)
class RFMScores:
    """Per-customer R, F, M and FM scores (1–5) and the segment name."""

    r: np.ndarray
    f: np.ndarray
    m: np.ndarray
    fm: np.ndarray
    segment: np.ndarray

    @property
    def total(self) -> np.ndarray:
        """R + F + M (3–15), the single "RFM score" baseline."""
        return self.r + self.f + self.m


def quintile_scores(values: Any, name: str = "values", *, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1–5 by quintile of mid-rank: ``ceil(5·r/n)``; ties share a score."""
    x = as_float_1d(values, name, allow_nan=False)
    if x.size == 0:
        raise ValueError(f"{name} is empty: there are no customers to score")
    ranks = rankdata(x if higher_is_better else -x, method="average")
    return np.clip(np.ceil(5 * ranks / x.size), 1, 5).astype(np.int64)


def rfm_scores(recency_days: Any, frequency: Any, monetary: Any) -> RFMScores:
    """R, F, M quintile scores and segments for customers who bought at least once before the cutoff.

    ``recency_days`` is days from the last order to the cutoff (smaller is better), ``frequency`` the
    number of orders, ``monetary`` the amount spent.
    """
    recency = as_float_1d(recency_days, "recency_days", allow_nan=False)
    freq = as_float_1d(frequency, "frequency", allow_nan=False)
    money = as_float_1d(monetary, "monetary", allow_nan=False)
    if not (recency.size == freq.size == money.size):
        raise ValueError(f"recency_days, frequency and monetary must have the same length: "
                         f"{recency.size}, {freq.size}, {money.size}")
    if (freq < 1).any():
        raise ValueError("frequency: every customer scored must have at least one order before the cutoff")
    if (recency < 0).any():
        raise ValueError("recency_days: negative values mean an order after the cutoff")
    r = quintile_scores(recency, "recency_days", higher_is_better=False)
    f = quintile_scores(freq, "frequency")
    m = quintile_scores(money, "monetary")
    fm = (f + m + 1) // 2
    return RFMScores(r, f, m, fm, rfm_segments(r, fm, freq))


def rfm_segments(r: Any, fm: Any, frequency: Any) -> np.ndarray:
    """The segment name of each customer by :data:`SEGMENT_RULES` (first match wins)."""
    r, fm, freq = (np.asarray(a) for a in (r, fm, frequency))
    conditions = [
        (r >= 4) & (fm >= 4),
        (r >= 4) & (freq == 1),
        (r >= 3) & (fm >= 3),
        r >= 4,
        (r <= 2) & (fm >= 4),
        (r <= 2) & (fm == 3),
        r == 3,
        r == 2,
        r == 1,
    ]
    return np.select(conditions, list(SEGMENTS), default="이탈").astype(object)


@dataclass(frozen=True)
class Migration:
    """Customers moving between segments from one cutoff to the next.

    ``counts[i, j]`` customers were in ``segments[i]`` before and ``segments[j]`` after; ``shares`` is
    each row divided by its total (NaN for an empty row, with the row named in ``warnings``).
    """

    segments: tuple[str, ...]
    counts: np.ndarray
    shares: np.ndarray
    warnings: tuple[str, ...] = ()


def segment_migration(before: Any, after: Any, segments: tuple[str, ...] = SEGMENTS + ("구매 없음",)) -> Migration:
    """Month-over-month migration matrix from two label arrays aligned by customer.

    A customer absent at one cutoff is labelled "구매 없음" by the caller (no order yet, or gone).
    """
    a = as_labels(before, "before")
    b = as_labels(after, "after", len(a))
    index = {name: i for i, name in enumerate(segments)}
    unknown = sorted({str(v) for v in np.concatenate([a, b]).tolist()} - set(index))
    if unknown:
        raise ValueError(f"before/after contain segments not in segments: {unknown}")
    counts = np.zeros((len(segments), len(segments)), dtype=np.int64)
    np.add.at(counts, ([index[v] for v in a.tolist()], [index[v] for v in b.tolist()]), 1)
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(totals > 0, counts / np.maximum(totals, 1), np.nan)
    empty = tuple(f"{segments[i]}: 이전 시점에 고객이 없어 비율을 낼 수 없습니다" for i in np.flatnonzero(totals == 0))
    return Migration(tuple(segments), counts, shares, empty)
