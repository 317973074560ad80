"""Issue 21: a group of five answers was marked "▲ 유의하게 높음" (and an office with five answers "▲ 유의한 상승").
A group or office with fewer than ``SMALL_N`` answers keeps its score and p-value but is never called
significant; larger groups are judged as before."""
from __future__ import annotations

import numpy as np
import pytest

from analysis.design import make_design
from analysis.results import SMALL_N, Estimate
from exports import adapt
from survey_app.results.segments import segment_table


def _est(value, se, n):
    return Estimate(value=value, se=se, ci=(value - 1.96 * se, value + 1.96 * se), n=n, weighted_n=n,
                    statistic="mean")


def _groups():
    """300 answers around 70; a big office (100 answers) 6 points up and a tiny one (5 answers) 15 points up."""
    rng = np.random.default_rng(7)
    groups = np.repeat([0, 1, 2], [195, 100, 5])
    y = rng.normal(70, 8, len(groups))
    y[groups == 1] += 6
    y[groups == 2] = 85 + rng.normal(0, 0.5, 5)  # five nearly equal, high answers: a tiny SE
    return y, groups


def test_a_tiny_group_is_shown_but_not_called_significant():
    y, groups = _groups()
    design = make_design(len(y), None, None, None, None, "fail", None)
    table = segment_table("office_code", y, groups, ["A", "B", "C"], design, (y[:, None], ["d"]), {})
    rows = {r.label: r for r in table.rows}
    assert rows["B"].significant and rows["B"].direction == "higher"  # 100 answers: judged
    tiny = rows["C"]
    assert tiny.n == 5 < SMALL_N and tiny.adjusted_pvalue < 0.001  # the test alone would call it
    assert not tiny.significant and tiny.direction == ""
    assert tiny.score.value == pytest.approx(y[groups == 2].mean())


def test_a_change_resting_on_a_handful_of_answers_is_not_called_significant():
    big = (_est(80.0, 1.0, 200), _est(74.0, 1.0, 200))
    tiny = (_est(79.2, 1.5, 5), _est(58.6, 2.0, 6))
    found = adapt.changes([big, tiny], min_n=SMALL_N)
    assert found[0].significant
    assert found[1].pvalue < 0.001 and not found[1].significant and found[1].difference == pytest.approx(20.6)
    assert adapt.changes([big, tiny])[1].significant  # without the rule the z test alone would call it
