"""Post-stratification and raking against R ``survey``'s published outputs.

Sources: ``tests/api.Rout.save`` (postStratify of dclus1 on stype) and
``tests/rakecheck.Rout.save`` (rake of dclus1 on stype and sch.wide; raking
with a partial joint distribution).
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import estimate, weighting

POP_TYPES = {"E": 4421, "H": 755, "M": 1018}
POP_SCHWIDE = {"No": 1072, "Yes": 5122}


def close(actual: float, printed: float, digits: int = 5) -> bool:
    return actual == pytest.approx(printed, rel=0.5 * 10.0 ** (1 - digits) + 1e-12)


@pytest.fixture(scope="module")
def design(apiclus1):
    return dict(psu=apiclus1["dnum"], fpc=apiclus1["fpc"])


def test_population_counts_in_fixture(apipop):
    # api.Rout.save: mean(apipop$api00) = 664.7126; sum(enroll) = 3811472
    assert np.mean(apipop["api00"]) == pytest.approx(664.7126, abs=5e-5)
    assert np.nansum(apipop["enroll"]) == 3811472
    values, counts = np.unique(apipop["stype"], return_counts=True)
    assert dict(zip(values.tolist(), counts.tolist(), strict=True)) == POP_TYPES


def test_poststratified_mean_and_total(apiclus1, design):
    ps = weighting.poststratify(apiclus1["pw"], apiclus1["stype"], POP_TYPES)
    m = estimate.mean(apiclus1["api00"], ps, **design)
    t = estimate.total(apiclus1["enroll"], ps, **design)
    assert close(m.value, 642.31) and close(m.se, 23.921)
    assert close(t.value, 3680893, 7) and close(t.se, 406293, 6)
    for label, count in POP_TYPES.items():
        assert ps.weights[apiclus1["stype"] == label].sum() == pytest.approx(count)


def test_poststratify_with_plain_weights_and_calibration(apiclus1, design):
    ps = weighting.poststratify(apiclus1["pw"], apiclus1["stype"], POP_TYPES)
    m = estimate.mean(apiclus1["api00"], ps.weights, calibration=ps.calibration, **design)
    assert close(m.se, 23.921)


def test_raking_like_r_defaults(apiclus1, design):
    # R's rake() defaults: maxit=10, epsilon=1 (absolute weighted count)
    rk = weighting.rake(apiclus1["pw"], {"stype": apiclus1["stype"], "sch.wide": apiclus1["sch.wide"]},
                        {"stype": POP_TYPES, "sch.wide": POP_SCHWIDE}, max_iter=10, tol=1)
    assert rk.converged
    m = estimate.mean(apiclus1["api00"], rk, **design)
    t = estimate.total(apiclus1["enroll"], rk, **design)
    assert close(m.value, 641.23) and close(m.se, 23.704)
    assert close(t.value, 3647300, 7) and close(t.se, 400603, 6)


def test_raking_to_convergence_matches_calibrate_raking(apiclus1, design):
    # rakecheck.Rout.save: calibrate(..., calfun="raking") total enroll 3647280 (SE 400603)
    rk = weighting.rake(apiclus1["pw"], [apiclus1["stype"], apiclus1["sch.wide"]],
                        [POP_TYPES, POP_SCHWIDE], tol=1e-10, max_iter=100)
    t = estimate.total(apiclus1["enroll"], rk, **design)
    m = estimate.mean(apiclus1["api00"], rk, **design)
    assert close(t.value, 3647280, 7) and close(t.se, 400603, 6)
    assert close(m.value, 641.23) and close(m.se, 23.704)
    assert rk.max_error < 1e-6


def test_raking_with_partial_joint_margin(apiclus1, apipop, design):
    # rakecheck.Rout.save: rake(dclus1, list(~stype+sch.wide, ~comp.imp), ...) -> 642.62 (22.732)
    joint = np.char.add(np.char.add(apipop["stype"], "|"), apipop["sch.wide"])
    cells, counts = np.unique(joint, return_counts=True)
    pop_joint = dict(zip(cells.tolist(), counts.tolist(), strict=True))
    sample_joint = np.char.add(np.char.add(apiclus1["stype"], "|"), apiclus1["sch.wide"])
    rk = weighting.rake(apiclus1["pw"], {"joint": sample_joint, "imp": apiclus1["comp.imp"]},
                        {"joint": pop_joint, "imp": {"No": 1712, "Yes": 4482}}, max_iter=10, tol=1)
    m = estimate.mean(apiclus1["api00"], rk, **design)
    assert close(m.value, 642.62) and close(m.se, 22.732)


def test_rake_reports_non_convergence(apiclus1):
    with pytest.warns(weighting.ConvergenceWarning):
        rk = weighting.rake(apiclus1["pw"], [apiclus1["stype"], apiclus1["sch.wide"]],
                            [POP_TYPES, POP_SCHWIDE], max_iter=1, tol=1e-12)
    assert not rk.converged and rk.iterations == 1 and rk.warnings


def _skewed_sample():
    rng = np.random.default_rng(1)
    sex = rng.choice(["m", "f"], 600, p=[0.7, 0.3])
    age = np.where(rng.random(600) < np.where(sex == "f", 0.1, 0.5), "old", "young")
    return [sex, age], [{"m": 500, "f": 500}, {"young": 500, "old": 500}]


def test_rake_trimming_bounds_weights_and_reports_conflict():
    margins, population = _skewed_sample()
    with pytest.warns(weighting.ConvergenceWarning):
        rk = weighting.rake(None, margins, population, trim=(0.3, 3.0), max_iter=200)
    ratio = rk.weights / rk.weights.mean()
    assert ratio.max() <= 3.0 + 1e-9 and ratio.min() >= 0.3 - 1e-9
    assert rk.trimmed > 0 and not rk.converged
    assert any("conflicts with the margins" in w for w in rk.warnings)


def test_rake_loose_trimming_changes_nothing():
    margins, population = _skewed_sample()
    plain = weighting.rake(None, margins, population, max_iter=200)
    loose = weighting.rake(None, margins, population, trim=(0.01, 100.0), max_iter=200)
    assert loose.converged and loose.trimmed == 0
    np.testing.assert_allclose(loose.weights, plain.weights)


def test_chained_poststratification_keeps_both_steps(apiclus1):
    first = weighting.poststratify(apiclus1["pw"], apiclus1["stype"], POP_TYPES)
    second = weighting.poststratify(first, apiclus1["sch.wide"], POP_SCHWIDE)
    assert len(second.calibration.steps) == 2


def test_kish_design_effect():
    assert weighting.kish_deff(np.ones(10)) == pytest.approx(1.0)
    assert weighting.kish_deff(np.array([1.0, 3.0])) == pytest.approx(2 * 10 / 16)


@pytest.mark.parametrize("call, name", [
    (lambda: weighting.poststratify([1, 1], ["a", "b"], {"a": 5}), "population"),
    (lambda: weighting.poststratify([1, 1], ["a", "a"], {"a": 5, "b": 3}), "population"),
    (lambda: weighting.poststratify([1, 1], ["a", "b"], [5, 3]), "population"),
    (lambda: weighting.poststratify([1, 1, 1], ["a", "b"], {"a": 1, "b": 1}), "weights"),
    (lambda: weighting.rake(None, [["a", "b"]], [{"a": 1, "b": 1}], max_iter=0), "max_iter"),
    (lambda: weighting.rake(None, [["a", "b"]], [{"a": 1, "b": 1}], tol=0), "tol"),
    (lambda: weighting.rake(None, [["a", "b"]], [{"a": 1, "b": 1}], trim=(2, 3)), "trim"),
    (lambda: weighting.rake(None, {"x": ["a", "b"]}, {"y": {"a": 1}}), "population"),
])
def test_bad_input_names_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_partial_poststratification_ignores_empty_cells():
    ps = weighting.poststratify([1.0, 1.0], ["a", "a"], {"a": 5, "b": 3}, partial=True)
    assert ps.weights.sum() == pytest.approx(5) and ps.warnings


def test_cell_space_raking_residuals_equal_r_row_space_loop(apiclus1):
    # R svyrecvar for rake(): for 10 iterations, for each margin:
    #   x <- x - psw * apply(x / psw, 2, ave, margin)
    rk = weighting.rake(apiclus1["pw"], [apiclus1["stype"], apiclus1["sch.wide"]],
                        [POP_TYPES, POP_SCHWIDE], max_iter=10, tol=1)
    step = rk.calibration.steps[0]
    rng = np.random.default_rng(4)
    x = rng.normal(size=(len(rk.weights), 3))
    expected = x.copy()
    for _ in range(10):
        for margin in step.margins:
            w = margin.weights[:, None]
            ratio = expected / w
            ave = np.zeros_like(ratio)
            for code in np.unique(margin.cells.codes):
                rows = margin.cells.codes == code
                ave[rows] = ratio[rows].mean(axis=0)
            expected = expected - w * ave
    np.testing.assert_allclose(step.project(x), expected, rtol=1e-10, atol=1e-12)


def test_rake_with_disagreeing_population_totals_is_not_converged():
    # Two population sources whose totals differ by 2% (6194 vs 6318): no weights can meet
    # both margins. The weights settle after a few sweeps (R's stopping rule), but the first
    # margin stays off by about 124 -- that must not be reported as converged.
    rng = np.random.default_rng(11)
    sex = rng.choice(["m", "f"], 400)
    age = rng.choice(["young", "old"], 400)
    pop_sex = {"m": 3000, "f": 3194}
    pop_age = {"young": 3100, "old": 3218}
    with pytest.warns(weighting.ConvergenceWarning, match=r"margins\[sex\]") as caught:
        rk = weighting.rake(None, {"sex": sex, "age": age}, {"sex": pop_sex, "age": pop_age},
                            max_iter=50, tol=1)
    assert not rk.converged and rk.iterations < 50
    # the last margin (age) is met, so the weights add up to 6318 and the sex cells overshoot
    # their population counts by 124 in all
    assert rk.weights.sum() == pytest.approx(6318)
    over = [rk.weights[sex == k].sum() - v for k, v in pop_sex.items()]
    assert sum(over) == pytest.approx(124) and rk.max_error == pytest.approx(max(over))
    assert "disagree" in str(caught[0].message) and "age" not in str(caught[0].message).split("not met")[0]
    assert any("margins[sex]" in w for w in rk.warnings)


def test_rake_converged_means_margins_met_within_tol(apiclus1):
    rk = weighting.rake(apiclus1["pw"], [apiclus1["stype"], apiclus1["sch.wide"]],
                        [POP_TYPES, POP_SCHWIDE], max_iter=10, tol=1)
    assert rk.converged and rk.max_error <= 1
    with pytest.warns(weighting.ConvergenceWarning, match=r"margins\[0\]"):
        stopped = weighting.rake(apiclus1["pw"], [apiclus1["stype"], apiclus1["sch.wide"]],
                                 [POP_TYPES, POP_SCHWIDE], max_iter=1, tol=1e-12)
    assert not stopped.converged and "sweeps was reached" in stopped.warnings[0]
