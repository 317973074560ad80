"""Courtesy checklist scoring and rankings; driver importance and quadrants."""
from __future__ import annotations

import numpy as np
import pytest

from analysis import courtesy, drivers


def test_default_checklist_sums_to_100_over_four_stages():
    assert sum(c.points for c in courtesy.DEFAULT_CHECKLIST) == 100
    assert {c.stage for c in courtesy.DEFAULT_CHECKLIST} == {"맞이", "응대", "마무리", "전체"}


def test_all_excellent_scores_100_and_stage_points():
    levels = np.full((2, 10), 5.0)
    levels[1] = [4, 5, 5, 5, 5, 5, 5, 3, 5, 5]  # 접속신속 우수, 종료인사 보통
    res = courtesy.score_evaluations(levels)
    assert res.total[0] == pytest.approx(100.0)
    # 100 - 10*(1-0.8) - 15*(1-0.6) = 100 - 2 - 6
    assert res.total[1] == pytest.approx(92.0)
    assert res.stages["맞이"][1] == pytest.approx(18.0) and res.stages["마무리"][1] == pytest.approx(14.0)
    assert res.stage_percent["마무리"][1] == pytest.approx(70.0)


def test_unrated_items_rescale_to_100():
    levels = np.full((1, 10), 5.0)
    levels[0, 9] = np.nan  # 전체만족 not rated
    levels[0, 0] = 1.0     # 접속신속 부진: 2 of 10 points
    res = courtesy.score_evaluations(levels)
    assert res.rated_points[0] == 90
    assert res.total[0] == pytest.approx((90 - 8) / 90 * 100)


def test_custom_credit():
    levels = np.array([[1.0, 5.0]])
    checklist = [courtesy.CheckItem("a", "맞이", 50), courtesy.CheckItem("b", "전체", 50)]
    res = courtesy.score_evaluations(levels, checklist, credit={1: 0.0, 2: 0.25, 3: 0.5, 4: 0.75, 5: 1.0})
    assert res.total[0] == pytest.approx(50.0)


def test_competition_rank_shares_ties():
    np.testing.assert_array_equal(courtesy.competition_rank([90, 85, 85, 70, np.nan]), [1, 2, 2, 4, 0])
    np.testing.assert_array_equal(courtesy.competition_rank([90.04, 90.01]), [1, 1])


def test_aggregate_ranks_and_minimum_flags():
    scores = [90, 92, 88, 80, 80, 80, 95, 96, 70]
    staff = ["kim", "kim", "kim", "lee", "lee", "lee", "park", "park", "choi"]
    rows = courtesy.aggregate(scores, staff, min_evaluations=3)
    by_unit = {r.unit: r for r in rows}
    assert by_unit["kim"].rank == 1 and by_unit["lee"].rank == 2
    assert by_unit["park"].rank is None and by_unit["park"].below_minimum
    assert by_unit["kim"].mean == pytest.approx(90.0)
    assert by_unit["kim"].se == pytest.approx(np.std([90, 92, 88], ddof=1) / np.sqrt(3))
    assert [r.unit for r in rows][:2] == ["kim", "lee"]
    levels = courtesy.aggregate_levels(scores, {"staff": staff, "team": ["t1"] * 6 + ["t2"] * 3})
    assert {r.unit for r in levels["team"]} == {"t1", "t2"}


def test_aggregate_interval_is_student_t_as_r_t_test():
    """R: ``t.test(extra ~ 1, data = sleep, subset = group == 1)`` (and ``== 2``) print 95 percent
    confidence intervals -0.5297804 2.0297804 (mean 0.75) and 0.8976775 3.7623225 (mean 2.33): a unit
    with ten evaluations gets the t interval, not the narrower normal one."""
    sleep_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    sleep_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    rows = {r.unit: r for r in courtesy.aggregate(sleep_1 + sleep_2, ["g1"] * 10 + ["g2"] * 10, decimals=None)}
    assert rows["g1"].ci == pytest.approx((-0.5297804, 2.0297804), abs=5e-8)
    assert rows["g2"].ci == pytest.approx((0.8976775, 3.7623225), abs=5e-8)
    single = courtesy.aggregate([90.0], ["one"], min_evaluations=1)[0]
    assert single.mean == 90.0 and np.isnan(single.ci[0]) and np.isnan(single.ci[1])
    constant = courtesy.aggregate([100.0, 100.0], ["same", "same"], min_evaluations=1)[0]
    assert constant.se == 0 and np.isnan(constant.ci[0])  # R: "data are essentially constant"


def test_courtesy_errors():
    with pytest.raises(ValueError, match="levels"):
        courtesy.score_evaluations(np.full((1, 10), 6.0))
    with pytest.raises(ValueError, match="checklist"):
        courtesy.score_evaluations(np.full((1, 9), 5.0))
    with pytest.raises(ValueError, match="min_evaluations"):
        courtesy.aggregate([1.0], ["a"], min_evaluations=0)


# --- drivers -------------------------------------------------------------------------

def _driver_data(seed=5, n=400):
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(n, 1))
    x = 0.6 * base + rng.normal(size=(n, 3))
    y = 0.5 * x[:, 0] + 0.3 * x[:, 1] + 0.0 * x[:, 2] + rng.normal(size=n)
    return y, x


def test_relative_weights_sum_to_r_squared_and_beta_matches_least_squares():
    y, x = _driver_data()
    res = drivers.driver_importance(y, x, ["process", "outcome", "environment"])
    assert sum(res.relative_weight) == pytest.approx(res.r_squared)
    assert sum(res.relative_share) == pytest.approx(100.0)
    z = (x - x.mean(0)) / x.std(0)
    zy = (y - y.mean()) / y.std()
    beta, *_ = np.linalg.lstsq(z, zy, rcond=None)
    np.testing.assert_allclose(res.beta, beta, rtol=1e-10)
    fitted = z @ beta
    assert res.r_squared == pytest.approx(1 - ((zy - fitted) ** 2).sum() / (zy ** 2).sum())
    assert res.relative_share[0] > res.relative_share[1] > res.relative_share[2]


def test_relative_weights_of_uncorrelated_predictors_are_squared_correlations():
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.normal(size=(50, 3)))
    x = q - q.mean(0)
    x, _ = np.linalg.qr(x - x.mean(0))
    x -= x.mean(0)
    y = x @ [1.0, 2.0, 0.5] + rng.normal(scale=0.1, size=50)
    res = drivers.driver_importance(y, x)
    np.testing.assert_allclose(res.relative_weight, np.square(res.correlation), atol=1e-3)


def test_quadrants():
    rows = drivers.importance_performance([0.5, 0.1, 0.4, 0.2], [60, 90, 85, 50], ["a", "b", "c", "d"])
    quadrant = {r.name: r.quadrant for r in rows}
    assert quadrant["a"].startswith("집중 개선") and quadrant["c"].startswith("유지 강화")
    assert quadrant["b"].startswith("과잉 투자") and quadrant["d"].startswith("점진 개선")


def test_driver_errors():
    y, x = _driver_data(n=50)
    with pytest.raises(ValueError, match="names"):
        drivers.driver_importance(y, x, ["a"])
    with pytest.raises(ValueError, match="collinear"):
        drivers.driver_importance(y, np.c_[x[:, 0], x[:, 0]])
    with pytest.raises(ValueError, match="performance"):
        drivers.importance_performance([1, 2], [1], ["a", "b"])


def test_score_answers_shifts_the_scale_and_leaves_off_scale_answers_out():
    items = [courtesy.CheckItem("a", "맞이", 60), courtesy.CheckItem("b", "마무리", 40)]
    scores, off = courtesy.score_answers([[4, 2], [7, 4], [0, -1]], items, low=0, high=4)
    assert off == 2
    assert np.allclose(scores.total, [80, 100, 0])
    assert courtesy.level_credit(5) == {1: 0, 2: 0.25, 3: 0.5, 4: 0.75, 5: 1}
    assert courtesy.level_credit(5, "proportional") == {1: 0.2, 2: 0.4, 3: 0.6, 4: 0.8, 5: 1}


@pytest.mark.parametrize(("call", "named"), [
    (lambda: courtesy.level_credit(5, "half"), "rule"),
    (lambda: courtesy.level_credit(1), "max_level"),
    (lambda: courtesy.score_answers([[1]], [courtesy.CheckItem("a", "맞이", 100)], low=3, high=3), "high"),
])
def test_credit_rules_refuse_bad_input_naming_the_argument(call, named):
    with pytest.raises(ValueError, match=named):
        call()
