"""Customer analytics (analysis/customers): RFM, patterns, attitude segments, churn, uplift.

Every number here is worked out by hand in the comments, or taken from an independent reference
(Newcombe 1998's worked example; scipy's chi-square test for the p-value).
"""
from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from scipy import stats

from analysis.customers import churn, patterns, rfm, segments, uplift
from analysis.results import DegenerateDataWarning

# Ten customers, values chosen so every rank is worked by hand below.
RECENCY = [5, 10, 20, 40, 60, 90, 120, 200, 300, 400]
FREQUENCY = [10, 1, 6, 1, 4, 2, 8, 1, 1, 1]
MONETARY = [900, 50, 400, 300, 200, 100, 800, 700, 60, 30]


def test_rfm_quintiles_by_hand():
    """R: most recent rank 10 → ⌈5·10/10⌉ = 5, …, rank 1 → ⌈0.5⌉ = 1. F: the five single-order customers
    share mid-rank 3 → ⌈1.5⌉ = 2; 2 orders rank 6 → 3; 4 → rank 7 → 4; 6 → 8 → 4; 8 → 9 → 5; 10 → 5."""
    s = rfm.rfm_scores(RECENCY, FREQUENCY, MONETARY)
    assert s.r.tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert s.f.tolist() == [5, 2, 4, 2, 4, 3, 5, 2, 2, 2]
    assert s.m.tolist() == [5, 1, 4, 3, 3, 2, 5, 4, 2, 1]
    # FM = floor((F + M + 1) / 2)
    assert s.fm.tolist() == [5, 2, 4, 3, 4, 3, 5, 3, 2, 2]
    assert s.total.tolist() == [15, 8, 12, 9, 10, 8, 12, 8, 5, 4]


def test_rfm_segment_rules_by_hand():
    s = rfm.rfm_scores(RECENCY, FREQUENCY, MONETARY)
    assert s.segment.tolist() == ["핵심 고객", "신규", "핵심 고객", "신규", "충성 고객", "충성 고객",
                                  "놓치면 안 될 고객", "이탈 우려", "이탈", "이탈"]
    # the rules not reached by the table: R4 FM2 (several orders), R3 FM2, R2 FM1
    assert rfm.rfm_segments([4, 3, 2, 1], [2, 2, 1, 1], [3, 3, 3, 3]).tolist() == ["잠재 충성", "관심 필요", "휴면", "이탈"]
    assert [name for name, _ in rfm.SEGMENT_RULES] == list(rfm.SEGMENTS)


def test_rfm_bad_input():
    with pytest.raises(ValueError, match="frequency"):
        rfm.rfm_scores([1, 2], [0, 1], [10, 20])
    with pytest.raises(ValueError, match="same length"):
        rfm.rfm_scores([1, 2], [1], [10, 20])
    with pytest.raises(ValueError, match="recency_days"):
        rfm.rfm_scores([-1, 2], [1, 1], [10, 20])


def test_segment_migration_counts_and_empty_rows():
    before = ["핵심 고객", "핵심 고객", "신규", "휴면"]
    after = ["핵심 고객", "이탈 우려", "충성 고객", "구매 없음"]
    m = rfm.segment_migration(before, after)
    i = m.segments.index
    assert m.counts[i("핵심 고객"), i("핵심 고객")] == 1
    assert m.counts[i("핵심 고객"), i("이탈 우려")] == 1
    assert m.shares[i("핵심 고객"), i("이탈 우려")] == 0.5
    assert m.counts.sum() == 4
    assert np.isnan(m.shares[i("이탈")]).all() and any("이탈" in w for w in m.warnings)
    with pytest.raises(ValueError, match="segments"):
        rfm.segment_migration(["VIP"], ["핵심 고객"])


def test_cohort_table_against_hand_count():
    """A buys Jan, Feb, Apr; B Jan (twice) and Mar; C Feb and Mar; D Mar. Data end in April.
    Jan cohort {A, B}: month 0 → 2, +1 → A, +2 → B, +3 → A.  Feb {C}: +1 → C, +2 → nobody (observed,
    April), +3 unobserved. Mar {D}: +1 nobody, +2 and +3 unobserved."""
    customer = ["A", "A", "A", "B", "B", "B", "C", "C", "D"]
    month = ["2025-01", "2025-02", "2025-04", "2025-01", "2025-01", "2025-03", "2025-02", "2025-03", "2025-03"]
    t = patterns.cohort_retention(customer, month)
    assert t.months == ("2025-01", "2025-02", "2025-03")
    assert t.sizes.tolist() == [2, 1, 1]
    assert t.active.tolist() == [[2, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]]
    np.testing.assert_array_equal(t.share[0], [1, 0.5, 0.5, 0.5])
    np.testing.assert_array_equal(t.share[1, :3], [1, 1, 0])
    assert np.isnan(t.share[1, 3]) and np.isnan(t.share[2, 2:]).all()
    assert t.share[2, 1] == 0


def test_intervals_mix_and_seasonality():
    iv = patterns.inter_purchase_intervals(["a", "a", "a", "b", "b", "c"], [0, 10, 40, 5, 25, 3])
    # a: 10, 30; b: 20 → median 20, a's own median 20
    assert iv.n_intervals == 3 and iv.median == 20 and iv.per_customer_median == {"a": 20.0, "b": 20.0}
    with pytest.raises(ValueError, match="two orders"):
        patterns.inter_purchase_intervals(["a", "b"], [1, 2])
    mix = patterns.category_mix(["농산물", "수산물"], [3, 1], [100, 300])
    assert mix.categories == ("수산물", "농산물") and mix.amount_share.tolist() == [0.75, 0.25]
    # 100 days, 10 orders/day except 20/day in the 10 days before one holiday: 200 of 1100 orders in
    # 10% of days → share 0.1818, lift 1.818
    days = np.arange(np.datetime64("2025-01-01"), np.datetime64("2025-04-11"))
    counts = np.full(days.size, 10.0)
    holiday = np.datetime64("2025-02-20")
    before = (holiday - days).astype(int)
    counts[(before >= 0) & (before < 10)] = 20
    season = patterns.holiday_seasonality(days, [holiday], window_days=10, counts=counts)
    assert season.share_of_days == pytest.approx(0.1)
    assert season.lift == pytest.approx((200 / 1100) / 0.1)


def _simulated_frames(seed: int = 1):
    """Two cutoffs 240 days apart; churn depends on ``complaints`` (β = +1.2) and recency."""
    rng = np.random.default_rng(seed)
    frames = []
    for cutoff in (date(2025, 1, 1), date(2025, 9, 1)):
        n = 3000
        recency = rng.exponential(90, n)
        freq = rng.poisson(3, n) + 1
        money = freq * rng.lognormal(10, 0.4, n)
        complaints = rng.poisson(0.6, n).astype(float)
        s = rfm.rfm_scores(recency, freq, money)
        logit = -2.0 + 1.2 * complaints + 0.006 * recency
        y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
        X = np.column_stack([recency, s.r, s.f, s.m, complaints, np.ones(n)])
        frames.append(churn.CutoffFrame(cutoff, X, y))
    return frames


NAMES = ["recency_days", "r_score", "f_score", "m_score", "complaints", "constant"]


def test_backtest_finds_the_known_risk_factor():
    frames = _simulated_frames()
    bt = churn.time_split_backtest(frames, NAMES)
    assert bt.train_cutoffs == (date(2025, 1, 1),) and bt.test_cutoff == date(2025, 9, 1)
    assert bt.model.roc_auc > 0.70  # well above 0.5
    assert bt.model.roc_auc > bt.recency.roc_auc and bt.beats_baselines
    assert any("constant" in w for w in bt.warnings)
    assert 0 < bt.model.brier < bt.model.base_rate * (1 - bt.model.base_rate)  # better than the base rate
    assert sum(row[2] for row in bt.model.calibration) == 3000
    with pytest.warns(DegenerateDataWarning, match="constant"):
        model = churn.fit_churn_model(frames[0].X, frames[0].y, NAMES)
    coef = model.coefficients()
    assert coef["complaints"] > 0 and "constant" not in coef  # the planted factor, with its sign
    # a customer at the median everywhere but with 4 complaints: complaints is the first reason;
    # one with none and a fresh order has no reason above the median on either
    typical = np.median(frames[1].X, axis=0)
    complainer, calm = typical.copy(), typical.copy()
    complainer[4], calm[4], calm[0] = 4, 0, 1
    why = churn.reasons(model, np.vstack([complainer, calm]), {"complaints": ("불만 상담", "불만 없음")})
    assert why[0][0] == "불만 상담"
    assert "불만 상담" not in why[1] and "recency_days+" not in why[1]


def test_gbm_backtest_also_learns():
    bt = churn.time_split_backtest(_simulated_frames(2), NAMES, method="gbm")
    assert bt.model.roc_auc > 0.65


def test_churn_bad_input_is_refused_clearly():
    frames = _simulated_frames()
    X, y = frames[0].X, frames[0].y
    with pytest.raises(ValueError, match="no customer churned"):
        churn.fit_churn_model(X, np.zeros_like(y), NAMES)
    with pytest.raises(ValueError, match="every customer churned"):
        churn.evaluate(np.ones_like(y), np.linspace(0, 1, y.size))
    with pytest.raises(ValueError, match="at least two cutoffs"):
        churn.time_split_backtest(frames[:1], NAMES)
    close = [frames[0], churn.CutoffFrame(date(2025, 3, 1), frames[1].X, frames[1].y)]
    with pytest.raises(ValueError, match="window closed"):
        churn.time_split_backtest(close, NAMES)
    with pytest.raises(ValueError, match="no later data"):
        churn.ChurnDefinition().check_observed(date(2026, 9, 1), date(2026, 12, 1))
    with pytest.raises(ValueError, match="same score"):
        churn.evaluate(y, np.full(y.size, 0.3))
    with pytest.raises(ValueError, match="every feature is constant"), pytest.warns(DegenerateDataWarning):
        churn.fit_churn_model(np.ones((10, 2)), [0, 1] * 5, ["a", "b"])


def test_evaluate_lift_by_hand():
    # 20 customers, 4 churners; the two highest scores are churners → top decile (2) rate 1.0 / 0.2 = 5
    y = np.array([1, 1] + [0] * 16 + [1, 1])
    risk = np.linspace(1, 0.05, 20)
    ev = churn.evaluate(y, risk)
    assert ev.top_decile_lift == pytest.approx(5.0)
    assert ev.brier == pytest.approx(np.mean((risk - y) ** 2))
    assert math.isnan(churn.evaluate(y, risk, probabilities=False).brier)


def test_uplift_matches_newcombe_and_hand_computation():
    treated = [1] * 56 + [0] * 14
    control = [1] * 48 + [0] * 32
    u = uplift.retention_uplift(treated, control)
    assert u.difference == pytest.approx(0.2)
    # Newcombe (1998) Table II, example (a), method 10: 0.0524 to 0.3339
    assert u.ci == pytest.approx((0.0524, 0.3339), abs=5e-5)
    # by hand: Wilson bounds, then d ∓ sqrt(...)
    z = 1.959963984540054

    def wilson(x, n):
        p = x / n
        c, h = (p + z * z / (2 * n)), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return (c - h) / (1 + z * z / n), (c + h) / (1 + z * z / n)

    (l1, u1), (l2, u2) = wilson(56, 70), wilson(48, 80)
    assert u.ci[0] == pytest.approx(0.2 - math.sqrt((0.8 - l1) ** 2 + (u2 - 0.6) ** 2))
    assert u.ci[1] == pytest.approx(0.2 + math.sqrt((u1 - 0.8) ** 2 + (0.6 - l2) ** 2))
    # p-value: chi-square without continuity correction (R prop.test(correct = FALSE))
    chi = stats.chi2_contingency([[56, 14], [48, 32]], correction=False)
    assert u.pvalue == pytest.approx(chi.pvalue)


def test_uplift_refuses_an_empty_control_group():
    with pytest.raises(ValueError, match="control: the group is empty"):
        uplift.retention_uplift([1, 0, 1], [])
    same = uplift.retention_uplift([1, 1, 1], [1, 1])
    assert same.pvalue == 1.0 and same.warnings


def test_holdout_is_exact_reproducible_and_random():
    a = uplift.assign_holdout(1000, 0.1, seed=7)
    assert a.sum() == 100
    assert (uplift.assign_holdout(1000, 0.1, seed=7) == a).all()
    assert (uplift.assign_holdout(1000, 0.1, seed=8) != a).any()
    # over 400 draws each of 20 customers is held out about 10% of the time (binomial, n = 400)
    hits = sum(uplift.assign_holdout(20, 0.1, seed=s) for s in range(400))
    assert stats.chisquare(hits).pvalue > 0.001
    with pytest.raises(ValueError, match="share"):
        uplift.assign_holdout(10, 0, seed=1)


def test_attitude_segments_recover_planted_groups():
    rng = np.random.default_rng(3)
    centres = np.array([[80, 80, 75], [40, 45, 50], [70, 30, 60]])
    truth = np.repeat([0, 1, 2], 150)
    scores = centres[truth] + rng.normal(0, 6, (450, 3))
    seg = segments.attitude_segments(scores, ["과정", "결과", "환경"], k_range=range(2, 5), n_boot=3)
    assert seg.k == 3
    from sklearn.metrics import adjusted_rand_score
    assert adjusted_rand_score(truth, seg.labels) > 0.9
    assert seg.stability > 0.9 and all(140 <= n <= 160 for n in seg.sizes) and seg.sizes.sum() == 450
    with pytest.raises(ValueError, match="too few"):
        segments.attitude_segments(scores[:5], ["과정", "결과", "환경"])
    small = np.vstack([scores, [[0, 0, 0]] * 3])
    seg = segments.attitude_segments(small, ["과정", "결과", "환경"], k_range=[4], n_boot=2, min_size=30)
    assert any("3명뿐" in w for w in seg.warnings)


def test_evaluation_as_dict_is_plain_json():
    import json

    y = np.array([1, 0, 0, 1, 0, 0, 0, 1, 0, 0])
    ranked = churn.evaluate(y, np.arange(10, 0, -1), probabilities=False).as_dict()
    assert ranked["brier"] is None and "NaN" not in json.dumps(ranked)
