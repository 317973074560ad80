"""Which dimensions differ: paired contrasts against the other dimensions, and importance intervals.

References: unweighted, each contrast is the one-sample t test of the respondents' differences
(``scipy.stats.ttest_1samp``, an independent implementation); weighted, its mean and SE equal
``analysis.estimate.mean`` of the same differences (itself checked against R ``svymean``); the Holm
step equals ``compare.adjust_pvalues`` (checked against R ``p.adjust``).
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analysis import estimate
from analysis.contrasts import dimension_contrasts, importance_intervals
from analysis.drivers import driver_importance


def _scores(n: int, means: list[float], seed: int = 1) -> np.ndarray:
    """Respondents' 100-point dimension scores sharing a common factor (dimensions correlate, as in surveys)."""
    rng = np.random.default_rng(seed)
    common = rng.normal(size=(n, 1)) * 15
    return np.clip(np.asarray(means) + common + rng.normal(size=(n, len(means))) * 10, 0, 100)


def test_unweighted_contrast_is_the_one_sample_t_test_of_the_differences():
    x = _scores(300, [70, 72, 75, 71])
    got = dimension_contrasts(x)
    for j in range(4):
        d = x[:, j] - np.delete(x, j, axis=1).mean(axis=1)
        ref = stats.ttest_1samp(d, 0.0)
        assert got.difference[j] == pytest.approx(d.mean(), rel=1e-12)
        assert got.pvalue[j] == pytest.approx(ref.pvalue, rel=1e-9)
        assert got.n[j] == len(d)
    m = 4
    order = np.argsort(got.pvalue)
    holm = np.maximum.accumulate(np.minimum(1, (m - np.arange(m)) * got.pvalue[order]))
    assert got.adjusted[order] == pytest.approx(holm)


def test_weighted_contrast_equals_the_design_mean_of_the_differences():
    x = _scores(250, [60, 65, 70], seed=4)
    w = np.random.default_rng(5).lognormal(0, 0.4, size=250)
    got = dimension_contrasts(x, weights=w)
    d = x[:, 1] - (x[:, 0] + x[:, 2]) / 2
    ref = estimate.mean(d, weights=w)
    assert got.difference[1] == pytest.approx(ref.value) and got.se[1] == pytest.approx(ref.se)


def test_gaps_of_a_fifth_of_a_point_are_not_called_differences():
    """The issue's case: 73.56, 73.57 and 73.73 on ~1,000 respondents are one level, not three."""
    x = _scores(989, [73.56, 73.57, 73.73, 73.6])
    got = dimension_contrasts(x, ["과정품질", "결과품질", "사회품질", "환경품질"])
    assert not got.any_differ and not got.above.any() and not got.below.any()


def test_a_real_gap_is_found_and_named_in_its_direction():
    x = _scores(989, [73.5, 73.5, 68.0, 78.0])
    got = dimension_contrasts(x)
    assert got.below.tolist() == [False, False, True, False]
    assert got.above.tolist() == [False, False, False, True]


def test_a_skipped_dimension_compares_with_the_others_the_respondent_answered():
    x = _scores(120, [70, 72, 75])
    x[::4, 2] = np.nan
    got = dimension_contrasts(x)
    d0 = np.where(np.isnan(x[:, 2]), x[:, 0] - x[:, 1], x[:, 0] - (x[:, 1] + x[:, 2]) / 2)
    assert got.difference[0] == pytest.approx(d0.mean()) and got.n.tolist() == [120, 120, 90]


def test_contrasts_refuse_a_single_dimension():
    with pytest.raises(ValueError, match="scores"):
        dimension_contrasts(np.ones((10, 1)))


def test_importance_intervals_hold_the_estimate_and_separate_only_a_real_driver():
    rng = np.random.default_rng(2)
    x = _scores(800, [70, 70, 70, 70], seed=3)
    y = x @ np.array([0.55, 0.15, 0.15, 0.15]) + rng.normal(size=800) * 8
    got = importance_intervals(y, x, replicates=150, seed=1)
    ref = driver_importance(y, x)
    assert got.share == pytest.approx(ref.relative_share)
    assert (got.low <= got.share).all() and (got.share <= got.high).all()
    cut = 25.0
    assert got.low[0] > cut  # the strong driver is clearly more important than average
    again = importance_intervals(y, x, replicates=150, seed=1)
    assert again.low == pytest.approx(got.low)


def test_m_out_of_n_intervals_match_the_full_bootstrap_in_width():
    """Large waves resample fewer rows and rescale by sqrt(m/n): widths within a third of the full bootstrap's."""
    rng = np.random.default_rng(7)
    x = _scores(6000, [70, 70, 70, 70], seed=8)
    y = x @ np.array([0.4, 0.3, 0.2, 0.1]) + rng.normal(size=6000) * 8
    fast = importance_intervals(y, x, replicates=150, max_rows=1500)
    full = importance_intervals(y, x, replicates=150, max_rows=None)
    ratio = (fast.high - fast.low) / (full.high - full.low)
    assert ((ratio > 0.67) & (ratio < 1.5)).all(), ratio
    assert fast.share == pytest.approx(full.share)


def test_batched_shares_equal_driver_importance_on_each_resample():
    """Reference: analysis.drivers.driver_importance (Johnson's relative weights) on the same rows."""
    from analysis.contrasts import batched_shares

    rng = np.random.default_rng(3)
    x = _scores(400, [70, 65, 72], seed=9)
    y = x @ np.array([0.5, 0.3, 0.2]) + rng.normal(size=400) * 6
    picks = rng.integers(0, 400, size=(5, 300))
    got = batched_shares(np.column_stack([x, y]), picks)
    for b in range(5):
        assert got[b] == pytest.approx(driver_importance(y[picks[b]], x[picks[b]]).relative_share, rel=1e-9)
    constant = np.column_stack([np.ones(400), x[:, 1:], y])
    with np.errstate(invalid="ignore", divide="ignore"):  # as importance_intervals calls it
        assert np.isnan(batched_shares(constant, picks)).all()
