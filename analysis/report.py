"""Score a whole wave in one vectorised pass: item means, item/dimension/index scores, NPS, CSAT.

This is what the app calls to build a wave report: the response matrix comes
as one 2-D float array (responses x items, ``NaN`` for missing and for
모름/해당없음), the scoring metadata as :class:`analysis.index.ItemSpec` rows.
The design (weights, strata, clusters, calibration) is built once and shared
by every estimate; no Python loop runs over responses or items.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._validate import as_float_2d, check_confidence
from .design import SurveyDesign, as_design
from .estimate import ItemEstimates, means
from .index import IndexResult, compute_index
from .kpi import csat, nps
from .results import Estimate

__all__ = ["WaveReport", "score_wave"]


@dataclass(frozen=True, eq=False)
class WaveReport:
    """Everything a wave report shows, with uncertainty.

    Attributes
    ----------
    item_means : ItemEstimates
        Mean answer of each item on its own scale, with SE and interval.
    scores : IndexResult
        100-point (or top-box) item scores, dimension scores and the index.
    nps : Estimate or None
        Net Promoter Score (design-based SE) when ``nps_scores`` was given.
    csat : Estimate or None
        CSAT top-box percent (Wilson interval) when ``csat_scores`` was given.
    n : int
        Responses in the wave.
    design : SurveyDesign
        The design used (reuse it for follow-up estimates on the same wave).
    """

    item_means: ItemEstimates
    scores: IndexResult
    nps: Estimate | None
    csat: Estimate | None
    n: int
    design: SurveyDesign


def score_wave(responses: Any, items: Sequence[Any], dimension_weights: Mapping[str, float] | None = None,
               *, method: str = "mean100", top: int = 2, nps_scores: Any = None, csat_scores: Any = None,
               csat_points: int = 7, weights: Any = None, strata: Any = None, psu: Any = None,
               fpc: Any = None, design: SurveyDesign | None = None, lonely_psu: str = "fail",
               calibration: Any = None, confidence: float = 0.95, scores: IndexResult | None = None) -> WaveReport:
    """Score one wave: item means, item/dimension/index scores, NPS and CSAT.

    Parameters
    ----------
    responses : array_like, shape (n, k)
        Scored items, ``NaN`` for missing.
    items : sequence of ItemSpec or mappings
        Scoring metadata per column (see :mod:`analysis.index`).
    dimension_weights : mapping, optional
        Index weights per dimension (default equal).
    method, top
        ``"mean100"`` (PCSI-style) or ``"top2box"`` (KCSI-style) and the box size.
    nps_scores : array_like, optional
        0-10 recommendation answers (length n).
    csat_scores : array_like, optional
        Overall-satisfaction answers on 1..``csat_points`` for the CSAT top-2-box.
    weights, strata, psu, fpc, design, lonely_psu, calibration, confidence
        As in :func:`analysis.estimate.mean`; a weighting result may be passed as ``weights``.
    scores : IndexResult, optional
        The item/dimension/index scores when already computed with the same items, weights, method, design
        and confidence (:func:`analysis.index.compute_indices` scores several indices in one pass).

    Returns
    -------
    WaveReport
    """
    y = as_float_2d(responses, "responses")
    confidence = check_confidence(confidence)
    d = as_design(design, y.shape[0], weights, strata, psu, fpc, lonely_psu, calibration)
    item_means = means(y, design=d, confidence=confidence)
    if scores is None:
        scores = compute_index(y, items, dimension_weights, method=method, top=top, design=d,
                               confidence=confidence)
    nps_est = None if nps_scores is None else nps(nps_scores, design=d, confidence=confidence)
    csat_est = None
    if csat_scores is not None:
        csat_est = csat(csat_scores, csat_points, weights=d.weights, confidence=confidence)
    return WaveReport(item_means=item_means, scores=scores, nps=nps_est, csat=csat_est, n=y.shape[0],
                      design=d)
