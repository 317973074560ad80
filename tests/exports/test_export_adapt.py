"""Adapters from analysis results to workbook rows keep the analysis numbers and test changes correctly."""
from __future__ import annotations

import numpy as np
import pytest

from analysis import compare, courtesy, estimate
from analysis.results import Estimate
from exports import adapt


def _est(value, se, n=100):
    return Estimate(value=value, se=se, ci=(value - 1.96 * se, value + 1.96 * se), n=n, weighted_n=n,
                    statistic="mean")


def test_change_between_uses_the_wave_z_test():
    change = adapt.change_between(_est(82.0, 1.0), _est(79.0, 1.0))
    # z = 3 / sqrt(2) = 2.1213, two-sided p = 0.033895 (normal table)
    assert change.difference == pytest.approx(3.0) and change.pvalue == pytest.approx(0.0338949, abs=1e-6)
    assert change.significant and change.previous == 79.0
    assert not adapt.change_between(_est(80.0, 1.0), _est(79.0, 1.0)).significant
    assert adapt.change_between(_est(80.0, 1.0), None) is None
    assert adapt.change_between(_est(float("nan"), 1.0), _est(79.0, 1.0)) is None


def test_kpi_without_estimate_says_so():
    k = adapt.kpi("CES", None)
    assert k.value is None and k.note == "자료 없음"


def test_family_changes_are_holm_adjusted():
    pairs = [(_est(82.0, 1.0), _est(79.0, 1.0)), (_est(80.5, 1.0), _est(79.0, 1.0)), (_est(85.0, 1.0), _est(79.0, 1.0))]
    changes = adapt.changes(pairs)
    raw = [compare.wave_change(c, p).pvalue for c, p in pairs]
    assert [c.pvalue for c in changes] == pytest.approx(list(compare.adjust_pvalues(raw, "holm").adjusted))
    assert [c.significant for c in changes] == [False, False, True]  # raw p 0.034 no longer below 0.05 after Holm


def test_segment_rows_pair_estimates_with_comparisons():
    rng = np.random.default_rng(1)
    y = rng.normal(70, 10, 300)
    groups = rng.choice(["A", "B", "C"], 300)
    y[groups == "C"] -= 8
    rows = adapt.segment_rows("지역", estimate.by(y, groups), compare.segment_comparisons(y, groups),
                              labels={"C": "강원"})
    by_name = {r.segment: r for r in rows}
    assert set(by_name) == {"A", "B", "강원"}
    assert by_name["강원"].significant and by_name["강원"].difference < 0
    assert by_name["A"].estimate.value == pytest.approx(y[groups == "A"].mean())


def test_courtesy_table_matches_aggregate_and_flags():
    rng = np.random.default_rng(2)
    scores = courtesy.score_evaluations(np.clip(np.round(4 + rng.normal(size=(40, 10))), 1, 5))
    units = np.array(["가"] * 20 + ["나"] * 18 + ["다"] * 2)
    table = adapt.courtesy_table("우체국", scores, units, threshold=79.0)
    expected = {u.unit: u for u in courtesy.aggregate(scores.total, units)}
    assert table.stage_points == {"맞이": 20, "응대": 50, "마무리": 20, "전체": 10}
    for row in table.rows:
        assert row.total == pytest.approx(expected[row.unit].mean) and row.rank == expected[row.unit].rank
        assert sum(row.stages.values()) == pytest.approx(row.total)
        assert row.below_threshold == (row.total < 79.0)
    assert [r.unit for r in table.rows if r.below_minimum] == ["다"]


def test_frequency_table_orders_by_questionnaire_and_computes_percent():
    t = adapt.frequency_table("Q1", "만족", {2: 30, 1: 10, 9: 10, 7: 1}, ((1, "불만"), (2, "만족"), (9, "모름")))
    assert [(r.label, r.count, r.percent) for r in t.rows] == [
        ("불만", 10, pytest.approx(10 / 51 * 100)), ("만족", 30, pytest.approx(30 / 51 * 100)),
        ("모름", 10, pytest.approx(10 / 51 * 100)), ("7", 1, pytest.approx(1 / 51 * 100))]
    multi = adapt.frequency_table("Q2", "경로", {1: 30, 2: 25}, ((1, "가"), (2, "나")), n=40, multiple=True)
    assert [r.percent for r in multi.rows] == pytest.approx([75.0, 62.5])
    with pytest.raises(ValueError, match="number of respondents"):
        adapt.frequency_table("Q2", "경로", {1: 3}, multiple=True)


def test_trend_needs_one_result_per_wave():
    with pytest.raises(ValueError, match="waves has 2 entries"):
        adapt.trend(["1", "2"], [])
