"""Indices (PCSI-style, KCSI-style) and the one-pass wave report."""
from __future__ import annotations

import numpy as np
import pytest

from analysis import estimate, index, report, scales, weighting
from analysis.index import ItemSpec, item_scores


def test_kcsi_reproduces_hand_computed_index():
    # 10 respondents; top-2-box shares: overall 70%, element items 60% and 80%, repurchase 50%
    overall = [7, 6, 7, 6, 7, 6, 7, 5, 4, 3]
    e1 = [7, 7, 6, 6, 6, 6, 5, 4, 3, 2]
    e2 = [7, 7, 7, 7, 6, 6, 6, 6, 5, 1]
    rep = [7, 7, 7, 7, 6, 5, 4, 3, 2, 1]
    y = np.c_[overall, e1, e2, rep]
    items = [ItemSpec("ov", "overall"), ItemSpec("e1", "element"), ItemSpec("e2", "element"),
             ItemSpec("rp", "repurchase")]
    res = index.kcsi_index(y, items)
    assert res.dimensions["overall"].value == pytest.approx(70.0)
    assert res.dimensions["element"].value == pytest.approx(70.0)
    assert res.dimensions["repurchase"].value == pytest.approx(50.0)
    assert res.index.value == pytest.approx(0.3 * 70 + 0.5 * 70 + 0.2 * 50)
    assert res.weights == {"overall": 0.3, "element": 0.5, "repurchase": 0.2}


def test_pcsi_hand_computed_with_reverse_item_weights_and_missing():
    y = np.array([[7, 1, 4, 6], [5, 3, np.nan, 7], [6, 2, 5, np.nan]], dtype=float)
    items = [ItemSpec("a", "process"), ItemSpec("b", "process", reverse=True, weight=2),
             ItemSpec("c", "outcome"), ItemSpec("d", "outcome", points=7)]
    res = index.pcsi_index(y, items, {"process": 60, "outcome": 40})
    a = scales.to_100(6.0, 7)                       # mean 6
    b = scales.to_100(8 - 2.0, 7)                   # reversed mean 6
    c = scales.to_100(4.5, 7)                       # answered by two
    d = scales.to_100(6.5, 7)
    process, outcome = (a + 2 * b) / 3, (c + d) / 2
    assert res.dimensions["process"].value == pytest.approx(process)
    assert res.dimensions["outcome"].value == pytest.approx(outcome)
    assert res.index.value == pytest.approx(0.6 * process + 0.4 * outcome)
    np.testing.assert_allclose(res.items.value, [a, b, c, d])


def test_index_se_equals_respondent_level_mean_when_complete(apistrat):
    # With no missing answers the index is the mean of respondent-level indices,
    # so its SE must equal the R-validated svymean SE of that variable.
    rng = np.random.default_rng(7)
    y = rng.integers(1, 8, size=(200, 3)).astype(float)
    items = [ItemSpec("a", "p"), ItemSpec("b", "p"), ItemSpec("c", "q")]
    d = dict(weights=apistrat["pw"], strata=apistrat["stype"], fpc=apistrat["fpc"])
    res = index.pcsi_index(y, items, {"p": 0.7, "q": 0.3}, **d)
    person = 0.7 * (scales.to_100(y[:, 0], 7) + scales.to_100(y[:, 1], 7)) / 2 + 0.3 * scales.to_100(y[:, 2], 7)
    ref = estimate.mean(person, **d)
    assert res.index.value == pytest.approx(ref.value) and res.index.se == pytest.approx(ref.se)
    dim_q = estimate.mean(scales.to_100(y[:, 2], 7), **d)
    assert res.dimensions["q"].se == pytest.approx(dim_q.se)


def test_index_errors():
    y = np.ones((5, 2))
    items = [ItemSpec("a", "p"), ItemSpec("b", "q")]
    with pytest.raises(ValueError, match="items"):
        index.pcsi_index(y, items[:1])
    with pytest.raises(ValueError, match="dimension_weights"):
        index.pcsi_index(y, items, {"zzz": 1})
    with pytest.raises(ValueError, match="responses"):
        index.pcsi_index(np.full((5, 2), 9.0), items)
    with pytest.raises(ValueError, match="method"):
        index.compute_index(y, items, method="median")


from analysis.results import DegenerateDataWarning  # noqa: E402


def test_unanswered_item_is_left_out_of_its_dimension():
    y = np.array([[7, np.nan, 4], [5, np.nan, 6], [6, np.nan, 5]], dtype=float)
    items = [ItemSpec("a", "p"), ItemSpec("b", "p"), ItemSpec("c", "q")]
    res = index.pcsi_index(y, items)
    assert res.dimensions["p"].value == pytest.approx(scales.to_100(6.0, 7))
    assert any("no answers" in w for w in res.index.warnings)
    assert np.isnan(res.items.value[1]) and np.isfinite(res.index.value)
    with pytest.warns(DegenerateDataWarning, match="undefined"):
        empty_dim = index.pcsi_index(y, [ItemSpec("a", "p"), ItemSpec("b", "r"), ItemSpec("c", "q")])
    assert np.isnan(empty_dim.dimensions["r"].value) and np.isnan(empty_dim.index.value)
    assert any("undefined" in w for w in empty_dim.index.warnings)


def test_score_wave_matches_separate_calls(apiclus1):
    rng = np.random.default_rng(11)
    n = len(apiclus1["pw"])
    y = rng.integers(1, 8, size=(n, 4)).astype(float)
    y[rng.random((n, 4)) < 0.1] = np.nan
    items = [ItemSpec(f"Q{j}", "p" if j < 2 else "q") for j in range(4)]
    nps_scores = rng.integers(0, 11, n).astype(float)
    ps = weighting.poststratify(apiclus1["pw"], apiclus1["stype"], {"E": 4421, "H": 755, "M": 1018})
    d = dict(psu=apiclus1["dnum"], fpc=apiclus1["fpc"])
    rep = report.score_wave(y, items, nps_scores=nps_scores, csat_scores=y[:, 0], weights=ps, **d)
    one = estimate.mean(y[:, 2], ps, **d)
    assert rep.item_means.value[2] == pytest.approx(one.value) and rep.item_means.se[2] == pytest.approx(one.se)
    points = np.where(nps_scores >= 9, 100.0, np.where(nps_scores <= 6, -100.0, 0.0))
    assert rep.nps.value == pytest.approx(estimate.mean(points, ps, **d).value)
    assert rep.csat.value == pytest.approx(100 * np.nansum(ps.weights * (y[:, 0] >= 6)) /
                                           np.sum(ps.weights[~np.isnan(y[:, 0])]))
    assert rep.scores.index.se > 0 and rep.n == n


def test_items_as_mappings_and_bad_keys():
    y = np.array([[7.0, 1.0], [6.0, 2.0]])
    res = index.pcsi_index(y, [{"code": "a", "dimension": "p"}, {"code": "b", "dimension": "p", "reverse": True}])
    assert res.index.value == pytest.approx(scales.to_100(6.5, 7))
    with pytest.raises(ValueError, match="items"):
        index.pcsi_index(y, [{"code": "a", "dim": "p"}, {"code": "b", "dimension": "p"}])


def test_item_scores_is_the_one_item_score_rule():
    specs = [ItemSpec("a", "d", 7), ItemSpec("b", "d", 5, low=0, reverse=True)]
    y = np.array([[7, 0], [6, 4], [1, np.nan]], dtype=float)
    assert np.allclose(item_scores(y, specs), [[100, 100], [500 / 6, 0], [0, np.nan]], equal_nan=True)
    # top-2-box: 6 or 7 on seven points; reverse-coded 0 on 0..4 is its top category
    assert np.allclose(item_scores(y, specs, "top2box"), [[100, 100], [100, 0], [0, np.nan]], equal_nan=True)
    assert np.allclose(item_scores(y, specs, "top2box", top=1), [[100, 100], [0, 0], [0, np.nan]], equal_nan=True)


@pytest.mark.parametrize(("args", "named"), [
    ((np.array([[8.0]]), [ItemSpec("a", "d", 7)]), "responses"),
    ((np.array([[1.0]]), [ItemSpec("a", "d", 7)] * 2), "items"),
    ((np.array([[1.0]]), [ItemSpec("a", "d", 7)], "median"), "method"),
])
def test_item_scores_refuses_bad_input_naming_the_argument(args, named):
    with pytest.raises(ValueError, match=named):
        item_scores(*args)
    with pytest.raises(ValueError, match="top"):
        item_scores(np.array([[1.0]]), [ItemSpec("a", "d", 3)], "top2box", top=3)
