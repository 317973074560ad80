"""Estimators over responses that all have weight zero: NaN with a warning saying why.

Reference: a weighted mean with zero total weight is 0/0; R's ``weighted.mean(1:4, rep(0, 4))``
is ``NaN``. Before, every estimator below returned that NaN silently (or, for CSAT and the CES
share, raised a ValueError about the interval's ``n``).
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import estimate, index, kpi, report
from analysis.design import make_design
from analysis.results import DegenerateDataWarning

ZERO = np.zeros(4)


def _undefined(est, n=4):
    assert np.isnan(est.value) and np.isnan(est.se) and est.weighted_n == 0 and est.n == n
    assert any("weight zero" in w for w in est.warnings)


@pytest.mark.parametrize("call", [
    lambda: estimate.mean([1.0, 2.0, 3.0, 4.0], ZERO),
    lambda: estimate.proportion([1.0, 0.0, 1.0, 0.0], ZERO),
    lambda: kpi.nps([9, 10, 3, 7], ZERO),
    lambda: kpi.nps([9, 10, 3, 7], design=make_design(4, ZERO)),
    lambda: kpi.csat([5, 4, 3, 1], 5, weights=ZERO),
    lambda: kpi.ces([5, 4, 3, 1], weights=ZERO),
    lambda: kpi.ces([5, 4, 3, 1], method="share", weights=ZERO),
], ids=["mean", "proportion", "nps", "nps-design", "csat", "ces-mean", "ces-share"])
def test_all_zero_weights_give_nan_with_a_warning(call):
    with pytest.warns(DegenerateDataWarning, match="weight zero"):
        est = call()
    _undefined(est)


def test_nps_with_zero_weights_still_checks_the_scale():
    with pytest.raises(ValueError, match="scores"):
        kpi.nps([9, 11, 3, 7], ZERO)


def test_zero_weight_domain_and_item_are_flagged():
    by = estimate.by([1.0, 2.0, 3.0, 4.0], ["a", "a", "b", "b"], [0.0, 0.0, 1.0, 1.0])
    _undefined(by["a"], n=2)
    assert by["b"].value == pytest.approx(3.5) and not any("weight zero" in w for w in by["b"].warnings)
    many = estimate.means(np.ones((4, 2)), ZERO)
    _undefined(many.item(1))


def test_index_with_zero_weights_is_nan_with_a_warning():
    y = np.array([[5, 4], [3, 2], [1, 7], [6, 6]], dtype=float)
    items = [dict(code="a", dimension="x"), dict(code="b", dimension="y")]
    with pytest.warns(DegenerateDataWarning, match="no \\(weighted\\) answers"):
        res = index.pcsi_index(y, items, weights=ZERO)
    assert np.isnan(res.index.value)
    assert any("answered only by responses with weight zero" in w for w in res.index.warnings)


def test_wave_report_with_zero_weights_is_all_nan_not_an_error():
    y = np.array([[5, 4], [3, 2], [1, 7], [6, 6]], dtype=float)
    items = [dict(code="a", dimension="x"), dict(code="b", dimension="y")]
    with pytest.warns(DegenerateDataWarning):
        wave = report.score_wave(y, items, weights=ZERO, nps_scores=[9, 10, 3, 7],
                                 csat_scores=[5, 4, 3, 1], csat_points=7)
    assert np.isnan(wave.scores.index.value) and np.isnan(wave.nps.value) and np.isnan(wave.csat.value)
