"""KPIs (NPS, CSAT, CES) and scale conversions."""
from __future__ import annotations

import numpy as np
import pytest

from analysis import estimate, kpi, scales

# --- scales -----------------------------------------------------------------------

def test_to_100_pcsi_conversion():
    assert scales.to_100(7, 7) == 100.0 and scales.to_100(1, 7) == 0.0
    assert scales.to_100(5.5, 7) == pytest.approx(75.0)
    assert scales.to_100(4, 5) == pytest.approx(75.0)
    np.testing.assert_allclose(scales.to_100([0, 10, np.nan], 11, low=0), [0, 100, np.nan])


def test_reverse_and_boxes():
    np.testing.assert_array_equal(scales.reverse([1, 4, 7], 7), [7, 4, 1])
    np.testing.assert_array_equal(scales.top_box([7, 6, 5, np.nan], 7), [1, 1, 0, np.nan])
    np.testing.assert_array_equal(scales.bottom_box([1, 2, 3], 7), [1, 1, 0])


def test_missing_codes_become_nan():
    x = scales.as_missing([1, 7, 9, 99, 4], codes=[9, 99])
    assert np.isnan(x[[2, 3]]).all() and x[4] == 4
    assert estimate.mean(x).value == pytest.approx(4.0)


@pytest.mark.parametrize("call, name", [
    (lambda: scales.to_100(8, 7), "x"),
    (lambda: scales.to_100(3, 1), "points"),
    (lambda: scales.top_box([1, 2], 7, top=7), "top"),
    (lambda: scales.reverse([0], 5), "x"),
])
def test_scale_errors(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# --- NPS -----------------------------------------------------------------------------

def test_nps_wald_formula():
    # 5 promoters, 2 passives, 3 detractors: p = .5, d = .3, n = 10
    scores = [10, 9, 9, 10, 9, 8, 7, 6, 0, 3]
    res = kpi.nps(scores)
    assert res.value == pytest.approx(20.0)
    se = 100 * np.sqrt((0.5 + 0.3 - 0.2 ** 2) / 10)
    assert res.se == pytest.approx(se)
    assert res.ci == pytest.approx((20 - 1.959963984540054 * se, 20 + 1.959963984540054 * se))


def test_nps_adjusted_wald_formula():
    scores = [10, 9, 9, 10, 9, 8, 7, 6, 0, 3]
    res = kpi.nps(scores, method="adjusted-wald")
    p, d, n = 5.75 / 13, 3.75 / 13, 13
    se = 100 * np.sqrt((p + d - (p - d) ** 2) / n)
    assert res.value == pytest.approx(20.0) and res.se == pytest.approx(se)
    assert res.ci[0] == pytest.approx(100 * (p - d) - 1.959963984540054 * se)


def test_nps_weighted_and_design():
    scores = np.array([10, 9, 0, 7, np.nan])
    w = np.array([1.0, 1.0, 2.0, 1.0, 5.0])
    res = kpi.nps(scores, w)
    assert res.value == pytest.approx(100 * (2 / 5 - 2 / 5)) and res.n == 4
    from analysis.design import make_design
    by_design = kpi.nps(scores, design=make_design(5, w))
    points = np.array([100, 100, -100, 0, np.nan])
    assert by_design.se == pytest.approx(estimate.mean(points, w).se)


def test_nps_rejects_out_of_range():
    with pytest.raises(ValueError, match="scores"):
        kpi.nps([11, 3])
    with pytest.raises(ValueError, match="method"):
        kpi.nps([10, 3], method="exact")


# --- CSAT / Wilson ---------------------------------------------------------------------

@pytest.mark.parametrize("k, n, low, high", [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605),
                                             (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)])
def test_wilson_newcombe_1998(k, n, low, high):
    # Newcombe (1998) Stat Med 17:857, Table I, method 3 (Wilson score, no correction)
    got = kpi.wilson_interval(k / n, n)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_csat_top2_of_7_uses_wilson():
    scores = [7] * 50 + [6] * 31 + [5] * 100 + [2] * 82 + [np.nan] * 5
    res = kpi.csat(scores, points=7, top=2)
    assert res.value == pytest.approx(100 * 81 / 263) and res.n == 263
    assert res.ci == pytest.approx((25.53, 36.62), abs=5e-3) and res.method == "wilson"


def test_csat_weights_use_effective_n():
    scores = np.array([7, 1, 7, 1])
    res = kpi.csat(scores, 7, weights=[3, 1, 3, 1])
    assert res.value == pytest.approx(75.0)
    n_eff = 8 ** 2 / 20
    assert res.se == pytest.approx(100 * np.sqrt(0.75 * 0.25 / n_eff))


def test_ces_mean_and_share():
    scores = [7, 6, 5, 4, 2, np.nan]
    m = kpi.ces(scores)
    assert m.value == pytest.approx(4.8) and m.statistic == "ces"
    share = kpi.ces(scores, method="share")
    assert share.value == pytest.approx(60.0)
    with pytest.raises(ValueError, match="threshold"):
        kpi.ces(scores, method="share", threshold=9)
