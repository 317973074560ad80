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

#: Rows per block where the filled item scores are made (bounds the temporaries).
ROW_BLOCK = 65_536


def columns_of(scores: np.ndarray, cols: list[int]) -> np.ndarray:
    """Columns ``cols`` of ``scores``: a view when they are side by side (as a questionnaire's dimensions and
    their items usually are), else a copy (of the same memory order as the view of a column-major array)."""
    if cols == list(range(cols[0], cols[0] + len(cols))):
        return scores[:, cols[0]:cols[0] + len(cols)]
    return scores[:, cols]


def _filled_block(scores: np.ndarray, dimension_scores: np.ndarray, dims: np.ndarray, rows: slice) -> np.ndarray:
    """A block of rows of ``scores`` (a copy) with each missing item taking the respondent's dimension score."""
    block = np.array(scores[rows])
    missing_rows, missing_cols = np.nonzero(np.isnan(block))  # only the missing entries are looked up
    block[missing_rows, missing_cols] = dimension_scores[rows][missing_rows, dims[missing_cols]]
    return block


def fill_complete(outcome: np.ndarray, scores: np.ndarray, dimension_scores: np.ndarray,
                  item_dims: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The respondents with an outcome and every item after filling (listwise, as ``driver_importance`` keeps
    them): their outcome and filled item scores. Written over ``scores`` itself, a block of rows at a time (the
    kept rows move up, never past a row not yet read): the result is a view of its first rows, no second
    (n, k) array."""
    dims, keep, done = np.asarray(item_dims), ~np.isnan(outcome), 0
    for start in range(0, len(outcome), ROW_BLOCK):
        rows = slice(start, start + ROW_BLOCK)
        block = _filled_block(scores, dimension_scores, dims, rows)
        keep[rows] &= ~np.isnan(block).any(axis=1)
        kept = block[keep[rows]]
        scores[done:done + len(kept)] = kept
        done += len(kept)
    return outcome[keep], scores[:done]


def item_drivers(outcome: np.ndarray, scores: np.ndarray, cols: list[int], dimension_scores: np.ndarray,
                 item_dims: list[int], items: tuple[ItemScore, ...], design) -> tuple[ItemDriver, ...]:
    """Importance of each item (columns ``cols`` of ``scores``; ``item_dims`` the column of its dimension in
    ``dimension_scores``) for ``outcome``, with intervals, its contrast with the other items and the priority flag.
    ``scores``' columns ``cols`` are overwritten (see :func:`fill_complete`): the caller's last use of them."""
    if len(items) < 3:
        return ()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            columns = columns_of(scores, cols)
            contrasts = dimension_contrasts(columns, [i.code for i in items], design=design)
            y, x = fill_complete(outcome, columns, dimension_scores, item_dims)
            found = importance_intervals(y, x, [i.code for i in items])
    except ValueError:
        return ()
    cut = 100.0 / len(items)
    return tuple(ItemDriver(code=i.code, label=i.label, dimension=i.dimension, relative_share=float(found.share[j]),
                            importance_low=float(found.low[j]), importance_high=float(found.high[j]),
                            performance=i.score.value, versus_others=float(contrasts.difference[j]),
                            versus_others_p=float(contrasts.adjusted[j]),
                            priority=bool(found.low[j] > cut and contrasts.below[j]))
                 for j, i in enumerate(items))
