"""Which individual items to fix: relative-weight importance of every quality item for overall satisfaction.

Predictors are the 100-point item scores of the driver dimensions (those of :func:`.scoring.driver_results`).
A respondent's missing item (blank or 모름/해당없음) takes their own mean of that dimension's other items,
so one skipped item does not drop the whole respondent; a respondent with a whole dimension missing is
left out (listwise, as ``driver_importance`` does). An item is a *priority* only when the data say so on
both axes: its bootstrap importance interval lies above the average share (100 / number of items) and
its score is significantly below the other items' (paired contrasts, Holm) — the same rule as the
dimensions' quadrants.
"""
from __future__ import annotations

import warnings

import numpy as np

from analysis.contrasts import dimension_contrasts, importance_intervals

from .model import ItemDriver, ItemScore


def item_drivers(outcome: np.ndarray, scores: np.ndarray, dimension_scores: np.ndarray, item_dims: list[int],
                 items: tuple[ItemScore, ...], design) -> tuple[ItemDriver, ...]:
    """Importance of each item (columns of ``scores``; ``item_dims`` the column of its dimension in
    ``dimension_scores``) for ``outcome``, with intervals, its contrast with the other items and the priority flag.
    ``scores`` is overwritten (its missing entries filled): pass a copy — one (n, k) array serves both steps."""
    if len(items) < 3:
        return ()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            contrasts = dimension_contrasts(scores, [i.code for i in items], design=design)
            rows, cols = np.nonzero(np.isnan(scores))  # only the missing entries are looked up
            scores[rows, cols] = dimension_scores[rows, np.asarray(item_dims)[cols]]
            found = importance_intervals(outcome, scores, [i.code for i in items])
    except ValueError:
        return ()
    cut = 100.0 / len(items)
    return tuple(ItemDriver(code=i.code, label=i.label, dimension=i.dimension, relative_share=float(found.share[j]),
                            importance_low=float(found.low[j]), importance_high=float(found.high[j]),
                            performance=i.score.value, versus_others=float(contrasts.difference[j]),
                            versus_others_p=float(contrasts.adjusted[j]),
                            priority=bool(found.low[j] > cut and contrasts.below[j]))
                 for j, i in enumerate(items))
