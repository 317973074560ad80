"""Significance tests against scipy's documented examples and R outputs."""
from __future__ import annotations

import numpy as np
import pytest

from analysis import compare, estimate
from analysis.results import Estimate

# R datasets::sleep, extra by group
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

# scipy.stats.f_oneway docstring: McDonald et al. (1991) mussel shells
TILLAMOOK = [0.0571, 0.0813, 0.0831, 0.0976, 0.0817, 0.0859, 0.0735, 0.0659, 0.0923, 0.0836]
NEWPORT = [0.0873, 0.0662, 0.0672, 0.0819, 0.0749, 0.0649, 0.0835, 0.0725]
PETERSBURG = [0.0974, 0.1352, 0.0817, 0.1016, 0.0968, 0.1064, 0.105]
MAGADAN = [0.1033, 0.0915, 0.0781, 0.0685, 0.0677, 0.0697, 0.0764, 0.0689]
TVARMINNE = [0.0703, 0.1026, 0.0956, 0.0973, 0.1039, 0.1045]


def test_welch_t_r_sleep():
    # R: t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776, p-value = 0.07939,
    # 95 percent CI -3.3654832 0.2054832, means 0.75 and 2.33
    res = compare.welch_t(SLEEP_1, SLEEP_2)
    assert res.statistic == pytest.approx(-1.8608, abs=5e-5)
    assert res.df == pytest.approx(17.776, abs=5e-4)
    assert res.pvalue == pytest.approx(0.07939, abs=5e-6)
    assert res.ci == pytest.approx((-3.3654832, 0.2054832), abs=5e-8)
    assert res.estimate == pytest.approx(0.75 - 2.33)
    assert res.effect_size_name == "cohen_d" and res.effect_size < 0


def test_welch_t_drops_missing():
    res = compare.welch_t(SLEEP_1 + [np.nan], SLEEP_2)
    assert res.statistic == pytest.approx(-1.8608, abs=5e-5) and res.n == 20


def test_anova_scipy_mussels():
    res = compare.anova_oneway(TILLAMOOK, NEWPORT, PETERSBURG, MAGADAN, TVARMINNE)
    assert res.statistic == pytest.approx(7.121019471642447, rel=1e-12)
    assert res.pvalue == pytest.approx(0.0002812242314534544, rel=1e-10)
    assert res.df == (4.0, 34.0)
    assert 0 < res.effect_size < 1


def test_welch_anova_r_oneway_test():
    # R oneway.test(value ~ group, var.equal = FALSE) as quoted in scipy's test suite
    res = compare.welch_anova([-50.42, 40.31, -18.09, 35.58, -6.8, 0.22], [23.44, 4.5, 15.1, 9.66],
                              [11.94, 11.1, 9.87, 9.09, 3.33])
    assert res.statistic == pytest.approx(0.609740409019517, rel=1e-12)
    assert res.pvalue == pytest.approx(0.574838941286302, rel=1e-12)


def test_kruskal_scipy_examples():
    res = compare.kruskal([1, 3, 5, 7, 9], [2, 4, 6, 8, 10])
    assert res.statistic == pytest.approx(0.2727272727272734, rel=1e-12)
    assert res.pvalue == pytest.approx(0.6015081344405895, rel=1e-12)
    ties = compare.kruskal([1, 1, 1], [2, 2, 2], [2, 2])
    assert ties.statistic == pytest.approx(7.0) and ties.pvalue == pytest.approx(0.0301973834223185, rel=1e-12)
    assert ties.effect_size == pytest.approx(7.0 / 7)


def test_chi2_scipy_examples():
    res = compare.chi2_independence([[10, 10, 20], [20, 20, 20]])
    assert res.statistic == pytest.approx(2.7777777777777777, rel=1e-12)
    assert res.pvalue == pytest.approx(0.24935220877729619, rel=1e-12)
    assert res.df == 2
    uncorrected = compare.chi2_independence([[12, 3], [17, 16]], correction=False)
    assert uncorrected.pvalue == pytest.approx(0.0614122539870913, rel=1e-12)


def test_cramers_v_scipy_association():
    res = compare.chi2_independence([[100, 150], [203, 322], [420, 700], [320, 210]])
    assert res.effect_size == pytest.approx(0.18617813077483678, rel=1e-12)


def test_chi2_from_labels_and_expected_count_warning():
    rows = ["a"] * 6 + ["b"] * 6
    cols = ["x", "y"] * 6
    res = compare.chi2_independence(rows=rows, columns=cols)
    assert res.n == 12 and any("expected count" in w for w in res.warnings)


def test_bh_scipy_false_discovery_control():
    ps = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
          0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000]
    expected = [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.06385714, 0.06385714, 0.0645,
                0.0765, 0.486, 0.58118182, 0.714875, 0.75323077, 0.81321429, 1.0]
    res = compare.adjust_pvalues(ps, "bh")
    np.testing.assert_allclose(res.adjusted, expected, rtol=1e-7)
    assert res.reject.sum() == 4  # "the first four adjusted p-values fall below 0.05"
    unsorted = compare.adjust_pvalues([0.5, 0.6, 0.1, 0.001], "bh")
    np.testing.assert_allclose(unsorted.adjusted, [0.6, 0.6, 0.2, 0.004])


def test_holm_example():
    # Holm (1979) step-down; Wikipedia's worked example: p = .01, .04, .03, .005 at
    # alpha = .05 rejects H1 and H4 only. Adjusted values as R p.adjust("holm").
    res = compare.adjust_pvalues([0.01, 0.04, 0.03, 0.005], "holm")
    assert res.reject.tolist() == [True, False, False, True]
    np.testing.assert_allclose(res.adjusted, [0.03, 0.06, 0.06, 0.02])
    # Benjamini & Hochberg (1995): the Bonferroni-type procedures reject only the
    # first three of their 15 hypotheses
    ps = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
          0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000]
    assert compare.adjust_pvalues(ps, "holm").reject.sum() == 3


def test_adjust_keeps_nan():
    res = compare.adjust_pvalues([0.01, np.nan, 0.04], "holm")
    assert np.isnan(res.adjusted[1]) and not res.reject[1]


def test_segment_comparisons_srs_matches_domain_difference():
    rng = np.random.default_rng(3)
    y = np.r_[rng.normal(5, 1, 60), rng.normal(5.8, 1, 60), rng.normal(5, 1, 60)]
    groups = np.repeat(["a", "b", "c"], 60)
    res = compare.segment_comparisons(y, groups, method="holm")
    assert res.labels.tolist() == ["a", "b", "c"]
    assert res.reject[1] and res.difference[1] > 0
    assert (res.adjusted >= res.pvalue - 1e-15).all()
    assert res.n.tolist() == [60, 60, 60] and not res.warnings
    small = compare.segment_comparisons(y[:70], groups[:70])
    assert any("small segments" in w for w in small.warnings)
    vs_a = compare.segment_comparisons(y, groups, against="a")
    assert vs_a.labels.tolist() == ["b", "c"]
    by = estimate.by(y, groups)
    assert vs_a.difference[0] == pytest.approx(by["b"].value - by["a"].value)
    # disjoint domains of one SRS design are nearly independent
    assert vs_a.se[0] == pytest.approx(np.hypot(by["a"].se, by["b"].se), rel=0.02)


def test_wave_change():
    now = Estimate(value=72.0, se=1.5, ci=(69.06, 74.94), n=900, weighted_n=900.0, statistic="mean")
    before = Estimate(value=70.0, se=2.0, ci=(66.08, 73.92), n=800, weighted_n=800.0, statistic="mean")
    res = compare.wave_change(now, before)
    assert res.estimate == pytest.approx(2.0) and res.se == pytest.approx(2.5)
    assert res.statistic == pytest.approx(0.8) and res.pvalue == pytest.approx(0.42371, abs=1e-5)
    with pytest.raises(ValueError, match="previous"):
        compare.wave_change(now, Estimate(1.0, 0.1, (0, 2), 5, 5.0, "total"))


@pytest.mark.parametrize("call, name", [
    (lambda: compare.welch_t([1.0], [1.0, 2.0]), "samples"),
    (lambda: compare.anova_oneway([1.0, 2.0]), "samples"),
    (lambda: compare.chi2_independence([[1, 2, 3]]), "table"),
    (lambda: compare.adjust_pvalues([0.1, 2.0]), "pvalues"),
    (lambda: compare.adjust_pvalues([0.1], "bonf"), "method"),
    (lambda: compare.segment_comparisons([1.0, 2.0], ["a", "b"], against="z"), "against"),
    (lambda: compare.welch_t([1.0, 2.0], [1.0, 2.0], confidence=2), "confidence"),
])
def test_bad_input_names_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# --- cross-checks with scipy's implementations on random data ---------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402
from scipy import stats  # noqa: E402

samples = hnp.arrays(np.float64, st.integers(3, 30), elements=st.integers(1, 7).map(float))


@settings(max_examples=40, deadline=None)
@given(samples, samples, samples)
def test_tests_agree_with_scipy(a, b, c):
    if min(np.std(a), np.std(b), np.std(c)) == 0:
        return
    ours, ref = compare.welch_t(a, b), stats.ttest_ind(a, b, equal_var=False)
    assert ours.statistic == pytest.approx(ref.statistic, rel=1e-9)
    assert ours.pvalue == pytest.approx(ref.pvalue, rel=1e-7, abs=1e-14)
    assert ours.df == pytest.approx(ref.df, rel=1e-9)
    assert ours.ci == pytest.approx(tuple(ref.confidence_interval()), rel=1e-7)
    f = stats.f_oneway(a, b, c)
    assert compare.anova_oneway(a, b, c).statistic == pytest.approx(f.statistic, rel=1e-9)
    welch = stats.f_oneway(a, b, c, equal_var=False)
    assert compare.welch_anova(a, b, c).statistic == pytest.approx(welch.statistic, rel=1e-9)
    assert compare.welch_anova(a, b, c).pvalue == pytest.approx(welch.pvalue, rel=1e-7, abs=1e-14)
    h = stats.kruskal(a, b, c)
    assert compare.kruskal(a, b, c).statistic == pytest.approx(h.statistic, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.int64, st.tuples(st.integers(2, 4), st.integers(2, 4)), elements=st.integers(1, 60)))
def test_chi2_agrees_with_scipy(table):
    ref = stats.chi2_contingency(table)
    ours = compare.chi2_independence(table)
    assert ours.statistic == pytest.approx(ref.statistic, rel=1e-9)
    assert ours.pvalue == pytest.approx(ref.pvalue, rel=1e-7, abs=1e-14)
    assert ours.effect_size == pytest.approx(stats.contingency.association(table, method="cramer"), rel=1e-9)


def test_segment_blocks_give_the_same_answer(apistrat):
    from analysis.compare import _domain_differences
    from analysis.design import make_design
    d = make_design(200, apistrat["pw"], apistrat["stype"], fpc=apistrat["fpc"])
    labels = apistrat["cname"]
    tested = np.unique(labels)
    whole = _domain_differences(apistrat["api00"], labels, tested, None, d)
    blocks = _domain_differences(apistrat["api00"], labels, tested, None, d, cells=600)
    for a, b in zip(whole, blocks, strict=True):
        np.testing.assert_allclose(a, b)


# --- degenerate data: a ValueError naming the argument, or the reference's NaN with a warning ---

from analysis.results import DegenerateDataWarning  # noqa: E402


@pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")  # scipy's, on the constant sample
def test_welch_t_on_constant_samples_raises_like_r():
    # R: t.test(c(3,3,3), c(4,4,4)) -> Error: data are essentially constant
    with pytest.raises(ValueError, match=r"a, b: data are essentially constant"):
        compare.welch_t([3, 3, 3], [4, 4, 4])
    # one constant sample is fine: the SE comes from the other (df = n_a - 1), as scipy
    res = compare.welch_t([1, 2, 3, 4], [4, 4, 4])
    ref = stats.ttest_ind([1, 2, 3, 4], [4, 4, 4], equal_var=False)
    assert res.statistic == pytest.approx(ref.statistic, rel=1e-12) and res.df == pytest.approx(3.0)
    assert res.pvalue == pytest.approx(ref.pvalue, rel=1e-9)


def test_anova_without_variation_follows_scipy_f_oneway():
    with pytest.warns(DegenerateDataWarning, match="all values are identical"):
        same = compare.anova_oneway([7, 7, 7], [7, 7, 7])
    ref = stats.f_oneway([7, 7, 7], [7, 7, 7])
    assert np.isnan(ref.statistic) and np.isnan(same.statistic) and np.isnan(same.pvalue)
    assert np.isnan(same.effect_size) and "identical" in same.warnings[-1]
    with pytest.warns(DegenerateDataWarning, match="no group varies"):
        apart = compare.anova_oneway([7, 7, 7], [8, 8, 8])
    ref = stats.f_oneway([7, 7, 7], [8, 8, 8])  # documented: (inf, 0) for this case
    assert (apart.statistic, apart.pvalue) == (ref.statistic, ref.pvalue) == (np.inf, 0.0)
    assert apart.effect_size == 1.0


def test_welch_anova_with_a_constant_group_is_nan_with_a_warning():
    with pytest.warns(DegenerateDataWarning, match=r"samples\[1\]: zero variance"):
        res = compare.welch_anova([1, 2, 3], [4, 4, 4], [5, 6, 9])
    with np.errstate(all="ignore"):
        ref = stats.f_oneway([1, 2, 3], [4, 4, 4], [5, 6, 9], equal_var=False)
    assert np.isnan(ref.statistic) and np.isnan(res.statistic) and np.isnan(res.pvalue)
    assert any("samples[1]" in w for w in res.warnings)


def test_kruskal_on_identical_values_is_nan_with_a_warning():
    with pytest.warns(DegenerateDataWarning, match="identical"):
        res = compare.kruskal([7, 7, 7], [7, 7, 7])
    with np.errstate(all="ignore"):
        assert np.isnan(stats.kruskal([7, 7, 7], [7, 7, 7]).statistic)
    assert np.isnan(res.statistic) and np.isnan(res.pvalue)


def test_chi2_on_an_all_zero_table_raises_like_r():
    # R: chisq.test(matrix(0, 2, 2)) -> Error: at least one entry of 'x' must be positive
    with pytest.raises(ValueError, match="table has no counts"):
        compare.chi2_independence([[0, 0], [0, 0]])


# --- segment comparisons use R svyttest's degrees of freedom: degf(design) - 1 ---------------
# R survey, svyttest.default: m <- svyglm(formula, design); statistic coef(m)[2] / SE(m)[2],
# parameter degf(design) - 1 (svyglm's df.residual = degf + 1 - 2 coefficients);
# p.value 2 * pt(-abs(statistic), parameter). degf() = PSUs - strata among the rows with a
# non-zero weight (svyglm drops rows with a missing answer).

def test_segment_df_is_svyttest_df_for_a_two_stage_cluster_design(apiclus2):
    # svyttest(enroll ~ comp.imp, dclus2), dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2):
    # 40 districts in one stratum; svyglm drops the 6 schools without enroll, which empties 2
    # districts, so degf = 38 - 1 = 37 and df = 36 (the full design's df, 39, was used before)
    psu = np.column_stack([apiclus2["dnum"], apiclus2["snum"]])
    fpc = np.column_stack([apiclus2["fpc1"], apiclus2["fpc2"]])
    enroll = apiclus2["enroll"].astype(float)
    assert np.isnan(enroll).sum() == 6 and len(np.unique(apiclus2["dnum"][~np.isnan(enroll)])) == 38
    res = compare.segment_comparisons(enroll, apiclus2["comp.imp"], psu=psu, fpc=fpc, against="No")
    assert res.labels.tolist() == ["Yes"] and res.df.tolist() == [36.0]
    by = estimate.by(enroll, apiclus2["comp.imp"], psu=psu, fpc=fpc)
    assert res.difference[0] == pytest.approx(by["Yes"].value - by["No"].value, rel=1e-12)
    assert res.pvalue[0] == pytest.approx(2 * stats.t.sf(abs(res.statistic[0]), 36), rel=1e-12)
    complete = compare.segment_comparisons(np.nan_to_num(enroll), apiclus2["comp.imp"], psu=psu, fpc=fpc)
    assert complete.df.tolist() == [38.0, 38.0]  # all 40 districts: degf 39 - 1


def test_segment_df_for_a_stratified_design_and_with_missing_answers(apistrat):
    # apistrat: 200 schools (PSUs) in 3 strata, degf 197 -> df 196
    res = compare.segment_comparisons(apistrat["api00"], apistrat["sch.wide"], apistrat["pw"],
                                      apistrat["stype"], fpc=apistrat["fpc"])
    assert res.df.tolist() == [196.0, 196.0]
    y = apistrat["api00"].astype(float).copy()
    y[:10] = np.nan  # svyglm drops them: 190 PSUs with an answer, still 3 strata -> 186
    assert compare.segment_comparisons(y, apistrat["sch.wide"], apistrat["pw"], apistrat["stype"],
                                       fpc=apistrat["fpc"]).df.tolist() == [186.0, 186.0]


def test_segment_p_with_few_psus_uses_one_df_less_than_the_design():
    # 5 PSUs, one stratum: degf 4, svyttest df 3. At |t| = 2.5: 2 * pt(-2.5, 3) = 0.0877
    # (the design df 4 gave 0.0668, calling more differences significant than R does).
    psu = np.repeat(np.arange(5), 4)
    groups = np.tile(["a", "b"], 10)
    rng = np.random.default_rng(5)
    y = rng.normal(size=20) + (groups == "a")
    res = compare.segment_comparisons(y, groups, psu=psu)
    assert res.df.tolist() == [3.0, 3.0]
    np.testing.assert_allclose(res.pvalue, 2 * stats.t.sf(np.abs(res.statistic), 3), rtol=1e-12)
    assert 2 * stats.t.sf(2.5, 3) == pytest.approx(0.08775, abs=5e-5)


def test_segment_comparison_without_df_is_nan_with_a_warning():
    # two answered PSUs: degf 1, svyttest df 0 -> R's pt(., df = 0) is NaN
    with pytest.warns(DegenerateDataWarning, match="too few PSUs"):
        res = compare.segment_comparisons([1.0, np.nan, 4.0, np.nan], ["a", "a", "b", "b"],
                                          psu=[1, 2, 3, 4], lonely_psu="remove")
    assert np.isnan(res.pvalue).all() and np.isnan(res.df).all()


def test_weights_only_closed_form_equals_the_design_computation():
    from analysis.compare import _domain_differences, _weights_only_differences
    from analysis.design import make_design
    rng = np.random.default_rng(7)
    y = rng.normal(60, 12, 800)
    groups = rng.integers(0, 5, 800)
    y[rng.random(800) < 0.1] = np.nan
    w = rng.lognormal(0, 0.5, 800)
    tested = np.unique(groups)
    fast = _weights_only_differences(y, groups, tested, w)
    slow = _domain_differences(y, groups, tested, None, make_design(800, w))
    for a, b in zip(fast, slow, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9)


def test_segment_comparisons_by_code_lays_levels_out_by_their_integer_label():
    rng = np.random.default_rng(4)
    y = rng.normal(50, 10, 60)
    groups = np.repeat([0, 2, 3], 20)
    res = compare.segment_comparisons(y, groups)
    laid = res.by_code(5)
    assert laid.labels.tolist() == [0, 1, 2, 3, 4] and laid.n.tolist() == [20, 0, 20, 20, 0]
    np.testing.assert_array_equal(laid.pvalue[[0, 2, 3]], res.pvalue)
    assert np.isnan(laid.pvalue[[1, 4]]).all() and not laid.reject[[1, 4]].any() and not laid.untestable
    with pytest.raises(ValueError, match="n_levels"):
        res.by_code(3)
