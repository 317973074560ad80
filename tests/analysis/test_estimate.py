"""Design-based estimates against R ``survey``'s published outputs.

Sources: R survey ``tests/api.Rout.save`` (example(api)), ``tests/fpc.Rout.save``,
``tests/domain.Rout.save``, ``tests/lonely.psu.Rout.save`` and the
``svyby(~api99, ~stype, dclus1, svymean)`` example. R prints 5 significant
digits; we require agreement to the printed precision (rel. 5e-5 or better).
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import estimate
from analysis.design import domain_variances, linearised_variance, make_design


def close(actual: float, printed: float, digits: int = 5) -> bool:
    """True when ``actual`` rounds to the ``digits`` significant digits R printed."""
    return actual == pytest.approx(printed, rel=0.5 * 10.0 ** (1 - digits) + 1e-12)


# --- api data, README table -------------------------------------------------------

def test_stratified_mean_api00(apistrat):
    est = estimate.mean(apistrat["api00"], apistrat["pw"], strata=apistrat["stype"], fpc=apistrat["fpc"])
    assert close(est.value, 662.29) and close(est.se, 9.4089)
    assert est.n == 200 and est.df == 197


def test_stratified_total_enroll(apistrat):
    est = estimate.total(apistrat["enroll"], apistrat["pw"], strata=apistrat["stype"], fpc=apistrat["fpc"])
    assert close(est.value, 3687178, 7) and close(est.se, 114642, 6)


def test_one_stage_cluster_mean_and_total(apiclus1):
    d = dict(weights=apiclus1["pw"], psu=apiclus1["dnum"], fpc=apiclus1["fpc"])
    m = estimate.mean(apiclus1["api00"], **d)
    t = estimate.total(apiclus1["enroll"], **d)
    assert close(m.value, 644.17) and close(m.se, 23.542)
    assert close(t.value, 3404940, 7) and close(t.se, 932235, 6)
    assert m.df == 14


def test_two_stage_cluster_weights_from_fpc(apiclus2):
    psu = np.c_[apiclus2["dnum"], apiclus2["snum"]]
    fpc = np.c_[apiclus2["fpc1"], apiclus2["fpc2"]]
    m = estimate.mean(apiclus2["api00"], psu=psu, fpc=fpc)
    t = estimate.total(apiclus2["enroll"], psu=psu, fpc=fpc)  # 6 NA: R's na.rm=TRUE
    assert close(m.value, 670.81) and close(m.se, 30.099)
    assert close(t.value, 2639273, 7) and close(t.se, 799638, 6)
    assert t.n == 120


def test_two_stage_with_replacement(apiclus2):
    psu = [apiclus2["dnum"], apiclus2["snum"]]
    m = estimate.mean(apiclus2["api00"], apiclus2["pw"], psu=psu)
    t = estimate.total(apiclus2["enroll"], apiclus2["pw"], psu=psu)
    assert close(m.value, 670.81) and close(m.se, 30.712)
    assert close(t.se, 820261, 6)


def test_design_weights_from_fpc_match_published_pw(apiclus2):
    psu = np.c_[apiclus2["dnum"], apiclus2["snum"]]
    d = make_design(len(psu), psu=psu, fpc=np.c_[apiclus2["fpc1"], apiclus2["fpc2"]])
    np.testing.assert_allclose(d.weights, apiclus2["pw"], rtol=1e-6)


# --- fpc data (tests/fpc.Rout.save) ----------------------------------------------

@pytest.mark.parametrize("fpc_kind, expected_se", [(None, 0.7413), ("Nh", 0.616), ("fraction", 0.616)])
def test_fpc_specifications(fpc_data, fpc_kind, expected_se):
    fpc = {None: None, "Nh": fpc_data["Nh"], "fraction": fpc_data["nh"] / fpc_data["Nh"]}[fpc_kind]
    est = estimate.mean(fpc_data["x"], fpc_data["weight"], strata=fpc_data["stratid"],
                        psu=fpc_data["psuid"], fpc=fpc)
    assert close(est.value, 5.4481)
    assert close(est.se, expected_se, 4)  # R printed the SE to 4 digits (0.616 = 0.6160)


def test_fpc_weights_inferred_when_absent(fpc_data):
    est = estimate.mean(fpc_data["x"], strata=fpc_data["stratid"], psu=fpc_data["psuid"], fpc=fpc_data["Nh"])
    assert close(est.value, 5.4481) and close(est.se, 0.616, 4)


# --- domains (tests/domain.Rout.save, svyby example) ------------------------------

def test_domain_means_keep_full_design(fpc_data):
    res = estimate.by(fpc_data["x"], fpc_data["x"] > 4, fpc_data["weight"], strata=fpc_data["stratid"],
                      psu=fpc_data["psuid"])
    assert res[True].value == pytest.approx(6.195, rel=1e-9)
    assert res[True].se == pytest.approx(0.7555129, rel=1e-6)
    assert res[False].value == pytest.approx(3.314286, rel=1e-6)
    assert res[False].se == pytest.approx(0.3117042, rel=1e-6)


def test_domain_argument_equals_by(fpc_data):
    d = dict(weights=fpc_data["weight"], strata=fpc_data["stratid"], psu=fpc_data["psuid"])
    one = estimate.mean(fpc_data["x"], domain=fpc_data["x"] > 4, **d)
    assert one.se == pytest.approx(0.7555129, rel=1e-6)


def test_svyby_api99_by_school_type(apiclus1):
    res = estimate.by(apiclus1["api99"], apiclus1["stype"], apiclus1["pw"], psu=apiclus1["dnum"],
                      fpc=apiclus1["fpc"])
    e = res["E"]
    assert e.value == pytest.approx(607.7917, rel=1e-7)
    assert e.ci[0] == pytest.approx(563.0720, rel=1e-7)
    assert e.ci[1] == pytest.approx(652.5114, rel=1e-7)
    assert res["H"].value == pytest.approx(595.7143, rel=1e-7)
    assert res["M"].value == pytest.approx(608.6000, rel=1e-7)


def test_domain_mean_stratified_equals_ratio_se(apistrat):
    # domain.Rout.save: subset mean SE equals the ratio-estimator SE; the ratio
    # of totals with linearisation (y - R x) / X is computed independently here.
    yes = apistrat["comp.imp"] == "Yes"
    d = dict(weights=apistrat["pw"], strata=apistrat["stype"], fpc=apistrat["fpc"])
    dom = estimate.mean(apistrat["enroll"], domain=yes, **d)
    w = apistrat["pw"]
    num, den = np.sum(w * apistrat["enroll"] * yes), np.sum(w * yes)
    ratio = num / den
    z = w * (apistrat["enroll"] * yes - ratio * yes) / den
    var = linearised_variance(z, make_design(200, w, apistrat["stype"], fpc=apistrat["fpc"]))
    assert dom.value == pytest.approx(ratio) and dom.se == pytest.approx(np.sqrt(var[0]))


# --- lonely PSUs (tests/lonely.psu.Rout.save) ---------------------------------------

@pytest.mark.parametrize("rule, expected", [("remove", 5.8058), ("certainty", 5.8058),
                                            ("adjust", 5.8281), ("average", 6.0096)])
def test_lonely_psu_rules(apiclus1, rule, expected):
    est = estimate.mean(apiclus1["api00"], apiclus1["pw"], strata=apiclus1["dnum"], lonely_psu=rule)
    assert close(est.value, 644.17) and close(est.se, expected)
    assert any("lonely" in w for w in est.warnings)


def test_lonely_psu_fail_is_default(apiclus1):
    with pytest.raises(ValueError, match="strata.*413"):
        estimate.mean(apiclus1["api00"], apiclus1["pw"], strata=apiclus1["dnum"])


@pytest.mark.parametrize("rule", ["fail", "remove", "certainty", "adjust", "average"])
def test_certainty_psu_by_fpc_is_not_lonely(apiclus1, rule):
    fpc = np.where(apiclus1["dnum"] == 413, 1, 1000)
    est = estimate.mean(apiclus1["api00"], apiclus1["pw"], strata=apiclus1["dnum"], fpc=fpc,
                        lonely_psu=rule)
    assert close(est.se, 5.7344)


def test_lonely_in_domain_only_is_centred(apiclus1):
    # lonely.psu.Rout.save: district 406 reduced to one school by subsetting -> 5.8909
    keep = apiclus1["dnum"] != 413
    data = {k: v[keep] for k, v in apiclus1.items()}
    domain = np.ones(keep.sum(), dtype=bool)
    domain[30] = False  # R's ds[-31, ]
    est = estimate.mean(data["api00"], data["pw"], strata=data["dnum"], domain=domain)
    assert close(est.value, 645.14) and close(est.se, 5.8909)


# --- vectorised items ----------------------------------------------------------------

def test_means_matches_single_item_calls(apistrat):
    y = np.c_[apistrat["api00"], apistrat["api99"], apistrat["enroll"]]
    y[::7, 1] = np.nan
    d = dict(weights=apistrat["pw"], strata=apistrat["stype"], fpc=apistrat["fpc"])
    many = estimate.means(y, **d)
    for j in range(3):
        one = estimate.mean(y[:, j], **d)
        assert many.value[j] == pytest.approx(one.value) and many.se[j] == pytest.approx(one.se)
        assert many.item(j).ci == pytest.approx(one.ci)


def test_proportion_success_values(apistrat):
    yes = (apistrat["sch.wide"] == "Yes").astype(float)
    d = dict(weights=apistrat["pw"], strata=apistrat["stype"], fpc=apistrat["fpc"])
    p = estimate.proportion(yes, **d)
    m = estimate.mean(yes, **d)
    assert p.value == pytest.approx(m.value) and p.se == pytest.approx(m.se)
    scores = np.array([7, 6, 5, 1, np.nan, 7])
    top2 = estimate.proportion(scores, success=[6, 7])
    assert top2.value == pytest.approx(3 / 5) and top2.n == 5


def test_empty_domain_gives_nan_with_warning():
    est = estimate.mean([1.0, 2.0, 3.0], domain=np.array([False, False, False]))
    assert np.isnan(est.value) and "no responses in the domain" in est.warnings


def test_small_sample_warning():
    est = estimate.mean(np.arange(10.0))
    assert est.warnings and "small sample" in est.warnings[0]


# --- validation ----------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, name", [
    (dict(weights=[1, 2]), "weights"),
    (dict(weights=[1, -1, 1]), "weights"),
    (dict(strata=["a", "b"]), "strata"),
    (dict(psu=[1, 2]), "psu"),
    (dict(fpc=[10, 0.5, 10]), "fpc"),
    (dict(fpc=[1, 1, 1], psu=[1, 2, 3]), "fpc"),
    (dict(lonely_psu="drop"), "lonely_psu"),
    (dict(confidence=1.5), "confidence"),
    (dict(domain=[1, 0, 1]), "domain"),
])
def test_bad_input_names_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        estimate.mean([1.0, 2.0, 3.0], **kwargs)


def test_proportion_rejects_non_binary():
    with pytest.raises(ValueError, match="y must be 0/1"):
        estimate.proportion([0, 1, 2])


def test_single_response_has_undefined_se():
    est = estimate.mean([5.0])
    assert est.value == 5.0 and np.isnan(est.se) and "undefined" in est.warnings[0]


def test_empty_input_names_y():
    with pytest.raises(ValueError, match="y"):
        estimate.mean([])


def test_package_imports_without_flask_sqlalchemy_pandas():
    import subprocess
    import sys
    code = ("import sys, analysis; bad = [m for m in ('flask', 'sqlalchemy', 'pandas', 'questionnaires') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


# --- many domains: the sparse path equals the dense computation --------------------------

@pytest.mark.parametrize("rule", ["remove", "adjust", "average"])
def test_domain_sparse_path_equals_dense(apiclus2, rule):
    from analysis.estimate import _domains_dense, _domains_sparse
    psu = np.c_[apiclus2["dnum"], apiclus2["snum"]]
    d = make_design(len(psu), psu=psu, fpc=np.c_[apiclus2["fpc1"], apiclus2["fpc2"]], lonely_psu=rule)
    _, codes = np.unique(apiclus2["stype"], return_inverse=True)
    for stat in ("mean", "total"):
        sparse = _domains_sparse(apiclus2["enroll"], codes, 3, d, stat, 0.95)
        dense = _domains_dense(apiclus2["enroll"], codes, 3, d, stat, 0.95)
        np.testing.assert_allclose(sparse.value, dense.value, rtol=1e-12)
        np.testing.assert_allclose(sparse.se, dense.se, rtol=1e-9)


def test_thousands_of_domains_are_cheap():
    rng = np.random.default_rng(2)
    n, offices = 60_000, 3_400
    y = rng.integers(1, 8, n).astype(float)
    office, w, strata = rng.integers(0, offices, n), rng.uniform(1, 3, n), rng.integers(0, 17, n)
    res = estimate.by(y, office, w, strata=strata)
    assert len(res) == offices
    one = estimate.mean(y, w, strata=strata, domain=office == 123)
    assert res[123].value == pytest.approx(one.value) and res[123].se == pytest.approx(one.se)


def test_a_weights_only_design_numbers_its_units_in_row_order_and_its_domain_variances_match_the_general_path():
    """One stratum, every response its own PSU: the units are the rows (no sort), and domain variances taken
    through the (unit, domain) pairs of a design whose PSUs are the same responses in another order agree."""
    rng = np.random.default_rng(5)
    n, domains = 2_000, 7
    x, domain, w = rng.normal(size=n), rng.integers(0, domains, n), rng.uniform(0.5, 2.0, n)
    plain = make_design(n, w)
    assert plain.stages[0].order is None and plain.stages[0].unit.tolist() == list(range(n))
    relabelled = make_design(n, w, psu=np.arange(n)[::-1])
    assert relabelled.stages[0].order is not None
    np.testing.assert_allclose(domain_variances(x, domain, domains, plain),
                               domain_variances(x, domain, domains, relabelled), rtol=1e-12)
