r"""Weight a wave's responses to population margins that staff keep per survey, with :mod:`analysis.weighting`.

Margins are shares in percent per category of a segment (연령대, 지역, 고객 구분 …; see :mod:`.margins`).
For each margin the responses whose category is known are weighted so their categories take the
population shares; responses with an unknown category form a cell of their own that keeps its weight,
so the known responses' total is unchanged. One margin is post-stratification, several are raked
(``analysis.weighting.rake``, iterative proportional fitting to convergence). A category with no
response in this wave is left out and the other shares are scaled to 100% (a note says so).

The weights are then the design's weights: every estimate and its Taylor-linearised standard error uses
them, so intervals widen with the unequal weights (Kish's design effect
:math:`\mathrm{deff} = n\sum w^2/(\sum w)^2`, effective sample size :math:`n/\mathrm{deff}`). The
calibration's own variance reduction (R ``survey``'s ``calibrate``-aware SEs) is not claimed: the
intervals treat the weights as fixed, which is conservative.

Checked by ``tests/test_results_weighting.py`` against R ``survey`` (``tests/rakecheck.Rout.save``):
apiclus1 raked on ``stype`` (E 4421, H 755, M 1018) and ``sch.wide`` (No 1072, Yes 5122), given here as
shares, gives mean api00 641.23; and against a hand computation of post-stratification.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from analysis.results import ConvergenceWarning
from analysis.weighting import kish_deff, poststratify, rake

from .loading import WaveData
from .model import MarginShare, Weighting
from .segments import TITLES

UNKNOWN_CELL = -1


def _codes(data: WaveData, variable: str, categories: list[str]) -> tuple[np.ndarray, list[str]]:
    """Each response's position in ``categories`` (``UNKNOWN_CELL`` when unknown or not among them) and the
    categories found in the answers that ``categories`` lacks. Integer codes keep raking 100k rows fast."""
    segment = data.segments[variable]
    table = np.array([categories.index(level) if level in categories else UNKNOWN_CELL for level in segment.levels]
                     + [UNKNOWN_CELL], dtype=np.int64)
    seen = np.bincount(segment.codes[segment.codes >= 0], minlength=len(segment.levels))
    unlisted = [level for i, level in enumerate(segment.levels) if seen[i] and table[i] == UNKNOWN_CELL]
    return table[segment.codes], unlisted


def population_counts(codes: np.ndarray, shares: list[float], weights: np.ndarray) -> tuple[dict[int, float], list[int]]:
    """Population counts for the cells of one margin: the known responses' weight total split by ``shares``
    (renormalised over categories present), the unknown cell keeping its own weight; and the absent positions."""
    known = codes != UNKNOWN_CELL
    present = np.bincount(codes[known], minlength=len(shares)) > 0
    share_total = sum(share for share, here in zip(shares, present, strict=True) if here)
    total_known = float(weights[known].sum())
    counts = {i: share / share_total * total_known for i, (share, here) in enumerate(zip(shares, present, strict=True))
              if here and share_total > 0}
    if (~known).any():
        counts[UNKNOWN_CELL] = float(weights[~known].sum())
    return counts, [i for i, here in enumerate(present) if not here]


def weight_wave(data: WaveData, margins: Mapping[str, Mapping[str, float]], names: Mapping[str, Mapping[str, str]],
                source: str = "") -> tuple[WaveData, Weighting | None]:
    """``data`` with weights raked to ``margins`` (variable → category → percent), and what was done.

    Returns ``(data, None)`` unchanged when no margin's variable is in the data. A category found in the
    answers without a share keeps its weight, as unknown ones do (noted).
    """
    used = {v: m for v, m in margins.items() if v in data.segments and m}
    if not used or data.n == 0:
        return data, None
    start = data.weights if data.weights is not None else np.ones(data.n)
    codes, population, notes = {}, {}, []
    for variable, shares in used.items():
        title, shown = TITLES.get(variable, (variable,))[0], names.get(variable, {})
        categories = list(shares)
        codes[variable], unlisted = _codes(data, variable, categories)
        if unlisted:  # a category that appeared after the margins were set keeps its weight, as unknown ones do
            notes.append(f"{title}: 모집단 비율이 없는 범주(" + ", ".join(shown.get(u, u) for u in unlisted)
                         + ")는 가중하지 않았습니다")
        population[variable], absent = population_counts(codes[variable], [float(v) for v in shares.values()], start)
        notes += [f"{title} '{shown.get(categories[a], categories[a])}': 이번 차수에 응답이 없어 "
                  f"나머지 범주의 비율을 100%로 다시 맞췄습니다" for a in absent]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if len(used) == 1:
            (variable,) = used
            result = poststratify(start, codes[variable], population[variable])
        else:
            result = rake(start, codes, population, max_iter=100, tol=1e-8)
    weighted = replace(data, weights=result.weights)
    if not result.converged:
        notes.append("일부 모집단 비율을 가중치로 맞추지 못했습니다: 비율의 조합을 확인해 주십시오")
    deff = kish_deff(result.weights)
    return weighted, Weighting(
        variables=tuple(TITLES.get(v, (v,))[0] for v in used), method="poststratify" if len(used) == 1 else "rake",
        n=data.n, design_effect=deff, effective_n=data.n / deff, converged=bool(result.converged),
        shares=_all_shares(used, codes, result.weights, names),
        source=source, warnings=tuple(notes))


def _all_shares(used: Mapping[str, Mapping[str, float]], codes: Mapping[str, np.ndarray], weights: np.ndarray,
                names: Mapping[str, Mapping[str, str]]) -> tuple[MarginShare, ...]:
    """Every margin's category shares, margin after margin."""
    rows: list[MarginShare] = []
    for variable, shares in used.items():
        rows += _shares(variable, codes[variable], shares, weights, names)
    return tuple(rows)


def _shares(variable: str, codes: np.ndarray, shares: Mapping[str, float], weights: np.ndarray,
            names: Mapping[str, Mapping[str, str]]) -> list[MarginShare]:
    """Sample, population and weighted share of each category of one margin (percent of known responses)."""
    known = codes != UNKNOWN_CELL
    n_known, w_known = int(known.sum()), float(weights[known].sum())
    total_share = sum(float(v) for v in shares.values()) or 1.0
    rows = []
    for position, (category, share) in enumerate(shares.items()):
        inside = codes == position
        rows.append(MarginShare(
            variable=variable, title=TITLES.get(variable, (variable,))[0], label=category,
            name=names.get(variable, {}).get(category, category), n=int(inside.sum()),
            sample_share=100.0 * inside.sum() / n_known if n_known else float("nan"),
            population_share=100.0 * float(share) / total_share,
            weighted_share=100.0 * float(weights[inside].sum()) / w_known if w_known else float("nan")))
    return rows
