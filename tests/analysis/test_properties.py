"""Hypothesis property tests: order invariance, linear scaling, unit weights."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from analysis import compare, estimate, index, kpi, reliability

SETTINGS = settings(max_examples=60, deadline=None)
values = hnp.arrays(np.float64, st.integers(3, 40), elements=st.floats(-1e3, 1e3, allow_nan=False))


@st.composite
def designs(draw):
    """Answers with weights, 2 strata and clusters (>= 2 PSUs per stratum), some NaN."""
    n = draw(st.integers(8, 40))
    y = draw(hnp.arrays(np.float64, n, elements=st.floats(1, 7)))
    missing = draw(hnp.arrays(np.bool_, n))
    missing[:4] = False
    y[missing] = np.nan
    w = draw(hnp.arrays(np.float64, n, elements=st.floats(0.5, 20)))
    strata = np.arange(n) % 2
    psu = (np.arange(n) // 2) % 3
    return y, w, strata, psu


@SETTINGS
@given(designs(), st.randoms(use_true_random=False))
def test_estimates_invariant_to_row_order(data, rnd):
    y, w, strata, psu = data
    perm = np.array(rnd.sample(range(len(y)), len(y)))
    a = estimate.mean(y, w, strata=strata, psu=psu)
    b = estimate.mean(y[perm], w[perm], strata=strata[perm], psu=psu[perm])
    assert b.value == pytest.approx(a.value, rel=1e-9, abs=1e-9)
    assert b.se == pytest.approx(a.se, rel=1e-7, abs=1e-9)
    ta = estimate.total(y, w, strata=strata, psu=psu)
    tb = estimate.total(y[perm], w[perm], strata=strata[perm], psu=psu[perm])
    assert tb.se == pytest.approx(ta.se, rel=1e-7, abs=1e-7)


@SETTINGS
@given(designs(), st.floats(-5, 5).filter(lambda a: abs(a) > 1e-3), st.floats(-100, 100))
def test_mean_scales_linearly(data, a, b):
    y, w, strata, psu = data
    base = estimate.mean(y, w, strata=strata, psu=psu)
    moved = estimate.mean(a * y + b, w, strata=strata, psu=psu)
    assert moved.value == pytest.approx(a * base.value + b, rel=1e-9, abs=1e-7)
    assert moved.se == pytest.approx(abs(a) * base.se, rel=1e-6, abs=1e-9)
    total = estimate.total(y, w, strata=strata, psu=psu)
    assert estimate.total(a * y, w, strata=strata, psu=psu).se == pytest.approx(abs(a) * total.se, rel=1e-6, abs=1e-7)


@SETTINGS
@given(designs(), st.floats(0.01, 100))
def test_rescaling_weights_leaves_mean_and_se(data, c):
    y, w, strata, psu = data
    a = estimate.mean(y, w, strata=strata, psu=psu)
    b = estimate.mean(y, c * w, strata=strata, psu=psu)
    assert b.value == pytest.approx(a.value, rel=1e-9) and b.se == pytest.approx(a.se, rel=1e-7, abs=1e-12)


@SETTINGS
@given(values)
def test_unit_weights_give_the_unweighted_result(y):
    ones = estimate.mean(y, np.ones(len(y)))
    plain = estimate.mean(y)
    assert ones.value == plain.value and ones.se == plain.se
    assert plain.value == pytest.approx(np.mean(y), rel=1e-9, abs=1e-9)
    # SRS with replacement: SE = s / sqrt(n)
    assert plain.se == pytest.approx(np.std(y, ddof=1) / np.sqrt(len(y)), rel=1e-7, abs=1e-9)


@SETTINGS
@given(hnp.arrays(np.float64, st.integers(2, 40), elements=st.integers(0, 10).map(float)))
def test_nps_unit_weights_and_order(scores):
    a = kpi.nps(scores)
    b = kpi.nps(scores[::-1], np.ones(len(scores)))
    assert a.value == pytest.approx(b.value) and a.se == pytest.approx(b.se)
    assert -100 <= a.value <= 100 and a.ci[0] <= a.ci[1]


@SETTINGS
@given(values, values, st.floats(0.1, 10), st.floats(-50, 50))
def test_welch_t_affine_invariance_and_symmetry(a, b, scale, shift):
    if np.std(a) < 1e-6 or np.std(b) < 1e-6:
        return
    base = compare.welch_t(a, b)
    moved = compare.welch_t(scale * a + shift, scale * b + shift)
    assert moved.statistic == pytest.approx(base.statistic, rel=1e-6, abs=1e-9)
    assert moved.df == pytest.approx(base.df, rel=1e-6)
    swapped = compare.welch_t(b, a)
    assert swapped.statistic == pytest.approx(-base.statistic, rel=1e-9, abs=1e-12)


@SETTINGS
@given(hnp.arrays(np.float64, st.tuples(st.integers(5, 30), st.integers(2, 6)),
                  elements=st.integers(1, 7).map(float)), st.randoms(use_true_random=False))
def test_alpha_invariant_to_item_and_row_order(items, rnd):
    if (items.std(axis=0) == 0).any() or items.sum(axis=1).std() == 0:
        return
    a = reliability.cronbach_alpha(items)
    cols = rnd.sample(range(items.shape[1]), items.shape[1])
    rows = rnd.sample(range(items.shape[0]), items.shape[0])
    b = reliability.cronbach_alpha(items[rows][:, cols])
    assert b.alpha == pytest.approx(a.alpha, rel=1e-9, abs=1e-12)


@SETTINGS
@given(hnp.arrays(np.float64, st.tuples(st.integers(3, 30), st.just(3)),
                  elements=st.integers(1, 7).map(float)))
def test_index_between_dimension_scores(y):
    items = [index.ItemSpec("a", "p"), index.ItemSpec("b", "q"), index.ItemSpec("c", "q")]
    res = index.pcsi_index(y, items, {"p": 1, "q": 3})
    lo = min(e.value for e in res.dimensions.values())
    hi = max(e.value for e in res.dimensions.values())
    assert lo - 1e-9 <= res.index.value <= hi + 1e-9
    assert 0 <= res.index.value <= 100
