"""Courtesy (친절도) checks: checklist levels -> stage scores -> 100-point score -> rankings.

An evaluator (mystery caller or visitor) rates each checklist item on levels
탁월 5 / 우수 4 / 보통 3 / 미흡 2 / 부진 1. Each item carries points; the points
of all items sum to 100 and are grouped in the stages 맞이 (greeting),
응대 (handling), 마무리 (closing) and 전체 (overall impression).

Scoring rule (configurable with ``credit``): an item earns
``points x credit[level]``; the default credit is level / 5, i.e. 탁월 100%,
우수 80%, 보통 60%, 미흡 40%, 부진 20% of the item's points. Items not rated
(``NaN``, e.g. "not applicable") are left out and the evaluation is rescaled to
100 over the rated items' points.

Aggregation gives each staff member / team / office / region its mean score,
SE and Student t interval (``n - 1`` degrees of freedom: a unit has few evaluations, often
3-10, where a normal quantile gives too narrow an interval), a competition rank (ties share the better rank: 1, 2, 2, 4)
among units with at least ``min_evaluations`` evaluations, and a flag for the
units below that minimum (they are listed but not ranked). Because a handful of evaluations
rarely separates two offices, each ranked unit also gets the range of ranks its interval allows
(:func:`rank_ranges`: "1~12위" when its interval overlaps eleven others), and
:func:`evaluations_needed` says how many evaluations a unit needs for a 5-point difference to show.

References
----------
Schenker, N. & Gentleman, J. F. (2001). On judging the significance of differences by examining the
overlap between confidence intervals. *The American Statistician* 55(3), 182-186. Goldstein, H. &
Spiegelhalter, D. J. (1996). League tables and their limitations. *JRSS A* 159(3), 385-443.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from ._validate import as_float_1d, as_float_2d, as_labels, check_confidence, check_length
from .results import small_sample_warnings

__all__ = ["CheckItem", "CREDIT_RULES", "DEFAULT_CHECKLIST", "LEVELS", "EvaluationScores", "UnitScore",
           "level_credit", "score_answers", "score_evaluations", "aggregate", "aggregate_levels", "competition_rank",
           "rank_ranges", "rank_text", "evaluations_needed"]

#: Level labels and values.
LEVELS: Mapping[str, int] = {"탁월": 5, "우수": 4, "보통": 3, "미흡": 2, "부진": 1}
STAGES = ("맞이", "응대", "마무리", "전체")
#: Credit rules a questionnaire's checklist may name (``scoring.checklists[].credit``).
CREDIT_RULES = ("linear", "proportional")


@dataclass(frozen=True)
class CheckItem:
    """One checklist item: code, stage (맞이/응대/마무리/전체) and points."""

    code: str
    stage: str
    points: float


#: Example public phone-courtesy weighting (sums to 100).
DEFAULT_CHECKLIST: tuple[CheckItem, ...] = (
    CheckItem("접속신속", "맞이", 10), CheckItem("맞이인사", "맞이", 10),
    CheckItem("연결태도", "응대", 10), CheckItem("언어표현", "응대", 10),
    CheckItem("경청태도", "응대", 10), CheckItem("적극안내", "응대", 10),
    CheckItem("응대태도", "응대", 10), CheckItem("종료인사", "마무리", 15),
    CheckItem("통화종료", "마무리", 5), CheckItem("전체만족", "전체", 10),
)


@dataclass(frozen=True, eq=False)
class EvaluationScores:
    """Scores of each evaluation.

    Attributes
    ----------
    total : ndarray
        100-point score of each evaluation (``NaN`` when no item was rated).
    stages : dict of str to ndarray
        Points earned in each stage (out of the stage's rated points).
    stage_percent : dict of str to ndarray
        Each stage's score as a percent of its rated points.
    rated_points : ndarray
        Points of the rated items in each evaluation (100 when complete).
    """

    total: np.ndarray
    stages: dict[str, np.ndarray]
    stage_percent: dict[str, np.ndarray]
    rated_points: np.ndarray


def _checklist(checklist: Sequence[Any], k: int, total: float) -> list[CheckItem]:
    """Validate the checklist against the number of columns and the total points."""
    try:
        items = [c if isinstance(c, CheckItem) else CheckItem(**dict(c)) for c in checklist]
    except TypeError as exc:
        raise ValueError(f"checklist: each item needs code, stage and points: {exc}") from None
    if len(items) != k:
        raise ValueError(f"checklist has {len(items)} items but levels has {k} columns")
    if any(c.stage not in STAGES for c in items):
        raise ValueError(f"checklist: every stage must be one of {STAGES}")
    if any(not c.points > 0 for c in items):
        raise ValueError("checklist: points must be positive")
    if not np.isclose(sum(c.points for c in items), total):
        raise ValueError(f"checklist points sum to {sum(c.points for c in items):g}, not {total:g}")
    return items


def _credit(levels: np.ndarray, credit: Mapping[int, float] | None, max_level: int) -> np.ndarray:
    """Share of an item's points earned at each level (NaN stays NaN)."""
    observed = levels[~np.isnan(levels)]
    if ((observed < 1) | (observed > max_level) | (observed != np.round(observed))).any():
        raise ValueError(f"levels must be whole numbers from 1 to {max_level} (or NaN)")
    if credit is None:
        return levels / max_level
    table = np.full(max_level + 1, np.nan)
    for level, share in credit.items():
        if not 1 <= int(level) <= max_level or not 0 <= share <= 1:
            raise ValueError("credit must map levels 1..max_level to shares between 0 and 1")
        table[int(level)] = share
    if np.isnan(table[np.unique(observed).astype(int)]).any():
        raise ValueError("credit has no share for some observed level")
    out = np.full(levels.shape, np.nan)
    rated = ~np.isnan(levels)
    out[rated] = table[levels[rated].astype(int)]
    return out


def score_evaluations(levels: Any, checklist: Sequence[Any] = DEFAULT_CHECKLIST, *,
                      credit: Mapping[int, float] | None = None, max_level: int = 5,
                      total: float = 100.0) -> EvaluationScores:
    """Score courtesy evaluations from item levels.

    Parameters
    ----------
    levels : array_like, shape (n_evaluations, n_items)
        Level of each item (5 탁월 ... 1 부진), ``NaN`` when not rated.
    checklist : sequence of CheckItem
        Item stages and points, in column order (default :data:`DEFAULT_CHECKLIST`).
    credit : mapping, optional
        ``{level: share of points}``; default level / ``max_level``.
    max_level : int
        Highest level (5).
    total : float
        Declared sum of the checklist points (100).

    Returns
    -------
    EvaluationScores
        :math:`score = 100 \\sum_j p_j c(l_j) / \\sum_{j\\ rated} p_j`.
    """
    x = as_float_2d(levels, "levels")
    items = _checklist(checklist, x.shape[1], total)
    share = _credit(x, credit, max_level)
    points = np.array([c.points for c in items])
    rated = ~np.isnan(share)
    earned = np.where(rated, share * points, 0.0)
    rated_points = (rated * points).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        total_score = earned.sum(axis=1) / rated_points * total
    stages, percent = {}, {}
    for stage in STAGES:
        cols = np.array([c.stage == stage for c in items])
        if cols.any():
            stages[stage] = earned[:, cols].sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                percent[stage] = stages[stage] / (rated[:, cols] * points[cols]).sum(axis=1) * 100
    return EvaluationScores(total=total_score, stages=stages, stage_percent=percent,
                            rated_points=rated_points)


def level_credit(max_level: int, rule: str = "linear") -> dict[int, float]:
    """Share of an item's points earned at each level 1..``max_level`` under a credit rule.

    Parameters
    ----------
    max_level : int
        Number of levels (5: 부진 1 … 탁월 5).
    rule : {"linear", "proportional"}
        ``"linear"``: :math:`(l - 1)/(L - 1)`, the top level earns all the points and the lowest none
        (the bundled checklist's "배점 × (등급 − 1) / 4"); ``"proportional"``: :math:`l / L`
        (탁월 100% … 부진 20%, :func:`score_evaluations`' default).

    Returns
    -------
    dict of int to float

    Raises
    ------
    ValueError
        ``max_level`` not an integer of at least 2, ``rule`` not one of :data:`CREDIT_RULES`.
    """
    if rule not in CREDIT_RULES:
        raise ValueError(f"rule must be one of {CREDIT_RULES}, got {rule!r}")
    if not isinstance(max_level, (int, np.integer)) or max_level < 2:
        raise ValueError(f"max_level must be an integer >= 2, got {max_level!r}")
    if rule == "linear":
        return {level: (level - 1) / (max_level - 1) for level in range(1, max_level + 1)}
    return {level: level / max_level for level in range(1, max_level + 1)}


def score_answers(answers: Any, checklist: Sequence[Any], *, low: int, high: int, rule: str = "linear",
                  total: float = 100.0) -> tuple[EvaluationScores, int]:
    """Score checklist answers given on the questionnaire's scale ``low..high``.

    Answers off the scale are left out like unrated items (so one stray value cannot stop a
    whole report), the rest become levels ``1..high - low + 1`` and earn
    :func:`level_credit` under ``rule``; then :func:`score_evaluations`.

    Parameters
    ----------
    answers : array_like, shape (n_evaluations, n_items)
        Answers as stored (e.g. 1..5, or 0..4 on a shifted scale), ``NaN`` when not rated.
    checklist : sequence of CheckItem
        Item stages and points, in column order.
    low, high : int
        The lowest and highest answer of the checklist's scale.
    rule : {"linear", "proportional"}
        The credit rule (see :func:`level_credit`).
    total : float
        Declared sum of the checklist points.

    Returns
    -------
    scores : EvaluationScores
    off_scale : int
        How many answers were off the scale and left out.

    Raises
    ------
    ValueError
        ``low``/``high`` not integers with ``high > low``; ``rule`` unknown; as :func:`score_evaluations`.

    Notes
    -----
    Checked against the hand-scored evaluations in ``tests/analysis/test_courtesy_drivers.py``
    and ``tests/test_results_scoring.py`` (points x (level - 1) / 4 on five levels).
    """
    if not all(isinstance(v, (int, np.integer)) for v in (low, high)) or not high > low:
        raise ValueError(f"low and high must be integers with high > low, got low={low!r}, high={high!r}")
    x = as_float_2d(answers, "answers")
    off = ~np.isnan(x) & ((x < low) | (x > high) | (x != np.round(x)))
    levels = np.where(off, np.nan, x) - low + 1
    max_level = int(high - low + 1)
    scores = score_evaluations(levels, checklist, credit=level_credit(max_level, rule), max_level=max_level,
                               total=total)
    return scores, int(off.sum())


def competition_rank(values: Any, *, higher_is_better: bool = True, decimals: int | None = 1) -> np.ndarray:
    """Competition ranks ("1224"): ties share the better rank; NaN gets rank 0.

    Values are rounded to ``decimals`` first so that scores shown alike rank alike.
    """
    v = as_float_1d(values, "values")
    key = np.round(v, decimals) if decimals is not None else v.copy()
    key = -key if higher_is_better else key
    ranks = np.zeros(len(v), dtype=int)
    ok = ~np.isnan(key)
    sorted_keys = np.sort(key[ok])
    ranks[ok] = np.searchsorted(sorted_keys, key[ok], side="left") + 1
    return ranks


@dataclass(frozen=True)
class UnitScore:
    """The courtesy result of one staff member, team, office or region.

    Attributes
    ----------
    unit : object
        The unit's label.
    n : int
        Evaluations scored.
    mean, se : float
        Mean 100-point score and its standard error (``s / sqrt(n)``).
    ci : tuple of float
        Student t interval of the mean, ``mean -/+ t(n-1) * se`` (R ``t.test``); NaN below two
        evaluations or when all of them scored the same.
    rank : int or None
        Competition rank among units with enough evaluations (None below the minimum).
    below_minimum : bool
        Fewer than ``min_evaluations`` evaluations.
    warnings : tuple of str
        Small-sample cautions.
    """

    unit: Any
    n: int
    mean: float
    se: float
    ci: tuple[float, float]
    rank: int | None
    below_minimum: bool
    warnings: tuple[str, ...] = field(default_factory=tuple)
    rank_best: int | None = None
    rank_worst: int | None = None

    @property
    def rank_text(self) -> str:
        """The rank as the data support it (see :func:`rank_text`)."""
        return rank_text(self.rank_best, self.rank_worst)


def rank_text(best: int | None, worst: int | None) -> str:
    """A rank as the data support it: "3위" when settled, "1~5위" when intervals overlap, "" unranked."""
    if best is None or worst is None:
        return ""
    return f"{best}위" if best == worst else f"{best}~{worst}위"


def rank_ranges(low: Any, high: Any) -> tuple[np.ndarray, np.ndarray]:
    """Best and worst rank each unit can hold given the intervals ``low``..``high`` (higher is better).

    Unit *j* is ahead of unit *i* only when *j*'s interval lies wholly above *i*'s
    (:math:`low_j > high_i`), so the best rank of *i* is 1 + the number of units ahead of it and the worst
    is the number of units minus those wholly below it. A unit without an interval (one evaluation, or all
    scores equal) overlaps every other unit. Two non-overlapping 95% intervals mean a difference
    significant at well under 5% (Schenker & Gentleman 2001), so a settled rank is never noise.
    """
    lo = as_float_1d(low, "low")
    hi = as_float_1d(high, "high")
    check_length(hi, len(lo), "high")
    unknown = np.isnan(lo) | np.isnan(hi)
    above = (lo[None, :] > hi[:, None]) & ~unknown[None, :] & ~unknown[:, None]  # [i, j]: j wholly above i
    best = 1 + above.sum(axis=1)
    worst = len(lo) - above.sum(axis=0)
    return best.astype(int), worst.astype(int)


def evaluations_needed(sd: float, difference: float = 5.0, confidence: float = 0.95) -> int | None:
    """Evaluations per unit for the intervals of two units ``difference`` points apart not to overlap.

    Two intervals of half-width :math:`z s / \\sqrt n` separate when :math:`d > 2 z s / \\sqrt n`, i.e.
    :math:`n > (2 z s / d)^2` (normal approximation; ``sd`` the standard deviation of single evaluations).
    None when ``sd`` is not a positive number.
    """
    if not np.isfinite(sd) or sd <= 0:
        return None
    if not difference > 0:
        raise ValueError(f"difference must be positive, got {difference!r}")
    z = stats.norm.ppf(0.5 + check_confidence(confidence) / 2)
    return int(np.ceil((2 * z * sd / difference) ** 2))


def t_interval(mean: np.ndarray, se: np.ndarray, n: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """``mean -/+ t(1 - alpha/2, n - 1) * se``; NaN where ``n < 2`` or every score is the same (``se``
    0: R's ``t.test`` refuses such data as 'essentially constant', and a zero-width interval would
    read as certainty)."""
    with np.errstate(invalid="ignore"):
        t = stats.t.ppf(0.5 + confidence / 2, np.where((n >= 2) & (se > 0), n - 1, np.nan))
    return mean - t * se, mean + t * se


def aggregate(scores: Any, units: Any, *, min_evaluations: int = 3, confidence: float = 0.95,
              decimals: int | None = 1) -> list[UnitScore]:
    """Mean score per unit with ranks (ties shared) and minimum-evaluation flags.

    Returns units ordered by rank (unranked units last, by mean).
    """
    s = as_float_1d(scores, "scores")
    labels = as_labels(units, "units", len(s))
    if not isinstance(min_evaluations, (int, np.integer)) or min_evaluations < 1:
        raise ValueError(f"min_evaluations must be a positive integer, got {min_evaluations!r}")
    confidence = check_confidence(confidence)
    keep = ~np.isnan(s)
    levels, codes = np.unique(labels[keep], return_inverse=True)
    n = np.bincount(codes, minlength=len(levels))
    mean = np.bincount(codes, weights=s[keep], minlength=len(levels)) / n
    sq = np.bincount(codes, weights=(s[keep] - mean[codes]) ** 2, minlength=len(levels))
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(sq / (n - 1) / n)
    low, high = t_interval(mean, se, n, confidence)
    eligible = n >= min_evaluations
    ranks = competition_rank(np.where(eligible, mean, np.nan), decimals=decimals)
    best, worst = np.zeros(len(levels), dtype=int), np.zeros(len(levels), dtype=int)
    best[eligible], worst[eligible] = rank_ranges(low[eligible], high[eligible])
    rows = [UnitScore(unit=u, n=int(n[i]), mean=float(mean[i]), se=float(se[i]),
                      ci=(float(low[i]), float(high[i])), rank=int(ranks[i]) if eligible[i] else None,
                      below_minimum=not eligible[i], warnings=small_sample_warnings(int(n[i]), "evaluations"),
                      rank_best=int(best[i]) if eligible[i] else None,
                      rank_worst=int(worst[i]) if eligible[i] else None)
            for i, u in enumerate(levels.tolist())]
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, -r.mean))


def aggregate_levels(scores: Any, hierarchy: Mapping[str, Any], *, min_evaluations: int = 3,
                     confidence: float = 0.95) -> dict[str, list[UnitScore]]:
    """:func:`aggregate` at every level of the organisation.

    ``hierarchy`` maps a level name to the unit label of each evaluation, e.g.
    ``{"staff": staff_ids, "team": teams, "office": offices, "region": regions}``.
    """
    if not isinstance(hierarchy, Mapping) or not hierarchy:
        raise ValueError("hierarchy must map level names to unit labels")
    return {name: aggregate(scores, labels, min_evaluations=min_evaluations, confidence=confidence)
            for name, labels in hierarchy.items()}
