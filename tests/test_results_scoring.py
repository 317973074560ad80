"""Scoring a loaded wave: the numbers equal ``analysis`` called directly on the same arrays, and a small
wave checked by hand.

References: the hand-checked numbers follow the PCSI 100-point conversion (x̄ − 1)/(k − 1) × 100 and the
NPS/CSAT definitions in docs/analysis.md; everything else is compared with the ``analysis`` function the
result documents (which is itself checked against R ``survey``, scipy and pingouin in tests/analysis).
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import compare, courtesy, estimate, kpi, reliability
from analysis.contrasts import dimension_contrasts
from analysis.design import make_design
from analysis.drivers import driver_importance
from analysis.index import ItemSpec, compute_index
from analysis.report import score_wave
from questionnaires import load_yaml
from survey_app.results.courtesy import Directory
from survey_app.results.loading import Segment, WaveData
from survey_app.results.report import score_loaded_wave
from survey_app.results.segments import compare_levels
from tests.test_results_support import CODES, HAND_ROWS, SMALL

NAN = np.nan
SPECS = [ItemSpec("Q1", "process", 5), ItemSpec("Q2", "process", 5), ItemSpec("Q3", "outcome", 5, reverse=True),
         ItemSpec("Q4", "outcome", 5), ItemSpec("Q5", "overall", 5)]
CSI = {"process": 0.3, "outcome": 0.3, "overall": 0.4}


def wave_data(values, codes=CODES, *, weights=None, segments=None, staff=None, units=None) -> WaveData:
    """A WaveData built by hand."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    return WaveData(wave_id=1, codes=tuple(codes), values=values, response_ids=np.arange(1, n + 1),
                    weights=None if weights is None else np.asarray(weights, dtype=float), segments=segments or {},
                    staff=np.full(n, -1) if staff is None else np.asarray(staff),
                    units=np.full(n, -1) if units is None else np.asarray(units))


def hand_matrix() -> np.ndarray:
    na = ("Q1", "Q2", "Q3", "Q4", "Q5")
    return np.array([[NAN if a.get(c) is None or (a[c] == 9 and c in na) else a[c] for c in CODES]
                     for a, _o, _c in HAND_ROWS], dtype=float)


def test_small_wave_checked_by_hand():
    offices = Segment("office_code", ("P-A", "P-B"), np.array([0, 0, 1, 1]))
    result = score_loaded_wave(wave_data(hand_matrix(), segments={"office_code": offices}), SMALL)
    items = {i.code: i for i in result.items}
    # 100-point item scores: (mean - 1) / 4 * 100; Q2 and Q3 leave out their 모름 answers; Q3 is reverse-coded
    assert items["Q1"].score.value == pytest.approx(62.5)
    assert items["Q2"].score.value == pytest.approx(50.0)
    assert items["Q3"].mean.value == pytest.approx(7 / 3) and items["Q3"].score.value == pytest.approx(200 / 3)
    assert items["Q3"].mean.n == 3
    dims = {d.code: d.score.value for d in result.dimensions}
    assert dims == pytest.approx({"process": 56.25, "outcome": (200 / 3 + 62.5) / 2, "overall": 62.5})
    indices = {i.code: i for i in result.indices}
    assert indices["quality"].score.value == pytest.approx((56.25 + (200 / 3 + 62.5) / 2) / 2)
    assert indices["csi"].score.value == pytest.approx(0.3 * 56.25 + 0.3 * (200 / 3 + 62.5) / 2 + 0.4 * 62.5)
    assert result.headline_code == "csi" and indices["csi"].headline  # the index over the most dimensions
    assert result.kpis["nps"].score.value == pytest.approx(0.0)  # 10, 9 promote; 6, 3 detract
    assert result.kpis["csat"].score.value == pytest.approx(50.0)  # overall item answered 4 or 5 by 2 of 4
    assert result.kpis["overall"].score.value == pytest.approx(62.5)
    first = result.segments[0].rows[0]
    assert result.segments[0].segment == "office_code" and first.label == "P-A" and first.n == 2
    # respondent 1: process (100 + 75) / 2, outcome 100, overall 100; respondent 2: process 50, outcome 75, overall 75
    assert first.score.value == pytest.approx((0.3 * 87.5 + 0.3 * 100 + 0.4 * 100 + 0.3 * 50 + 0.3 * 75 + 0.4 * 75) / 2)


def _random_wave(n: int = 600, seed: int = 3) -> tuple[WaveData, np.ndarray]:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    y = np.clip(np.round(3.4 + latent + rng.normal(scale=0.8, size=(n, 5))), 1, 5)
    y[rng.random((n, 5)) < 0.08] = NAN
    nps = np.clip(np.round(7 + 2 * latent[:, 0] + rng.normal(size=n)), 0, 10)
    age = rng.integers(1, 3, size=n).astype(float)
    weights = rng.lognormal(0, 0.3, size=n)
    groups = rng.integers(0, 4, size=n)
    segments = {"channel": Segment("channel", ("email", "kiosk", "qr", "sms"), groups)}
    return wave_data(np.column_stack([y, nps, age]), weights=weights, segments=segments), weights


def _respondent_scores(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Independent per-respondent dimension scores and CSI index, by plain loops."""
    s = (np.column_stack([y[:, 0], y[:, 1], 6 - y[:, 2], y[:, 3], y[:, 4]]) - 1) / 4 * 100
    dims = np.full((len(y), 3), NAN)
    for i in range(len(y)):
        for d, cols in enumerate(([0, 1], [2, 3], [4])):
            got = [s[i, c] for c in cols if not np.isnan(s[i, c])]
            dims[i, d] = np.mean(got) if got else NAN
    w = np.array([0.3, 0.3, 0.4])
    index = np.array([np.nansum(row * w) / w[~np.isnan(row)].sum() if (~np.isnan(row)).any() else NAN for row in dims])
    return dims, index


def test_scores_equal_analysis_called_directly_on_the_same_arrays():
    data, w = _random_wave()
    result = score_loaded_wave(data, SMALL)
    y = data.values[:, :5]
    report = score_wave(y, SPECS, CSI, weights=w, nps_scores=data.values[:, 5], csat_scores=y[:, 4], csat_points=5)
    assert result.headline.value == pytest.approx(report.scores.index.value, rel=1e-12)
    assert result.headline.se == pytest.approx(report.scores.index.se, rel=1e-12)
    assert [i.score.value for i in result.items] == pytest.approx(report.scores.items.value.tolist(), rel=1e-12)
    assert [i.mean.se for i in result.items] == pytest.approx(report.item_means.se.tolist(), rel=1e-12)
    assert [d.score.se for d in result.dimensions] == pytest.approx(
        [report.scores.dimensions[d].se for d in ("process", "outcome", "overall")], rel=1e-12)
    quality = compute_index(y, SPECS, {"process": 0.5, "outcome": 0.5}, weights=w)
    assert result.indices[0].score.value == pytest.approx(quality.index.value, rel=1e-12)
    assert result.indices[0].score.se == pytest.approx(quality.index.se, rel=1e-12)
    design = make_design(len(w), w)
    assert result.kpis["nps"].score.se == pytest.approx(kpi.nps(data.values[:, 5], design=design).se, rel=1e-12)
    assert result.kpis["csat"].score.ci_low == pytest.approx(kpi.csat(y[:, 4], 5, weights=w).ci[0], rel=1e-12)
    hundred = (np.column_stack([y[:, 0], y[:, 1]]) - 1) / 4 * 100
    assert result.dimensions[0].reliability.alpha == pytest.approx(reliability.cronbach_alpha(hundred).alpha, rel=1e-12)


def test_segment_rows_equal_estimate_by_and_segment_comparisons():
    data, w = _random_wave()
    result = score_loaded_wave(data, SMALL)
    dims, index = _respondent_scores(data.values[:, :5])
    groups = data.segments["channel"].codes
    by = estimate.by(index, groups, weights=w)
    ref = compare.segment_comparisons(index, groups, weights=w, method="holm")
    rows = result.segments[0].rows
    assert [r.label for r in rows] == ["email", "kiosk", "qr", "sms"]
    assert [r.score.value for r in rows] == pytest.approx([by[g].value for g in range(4)], rel=1e-12)
    assert [r.score.se for r in rows] == pytest.approx([by[g].se for g in range(4)], rel=1e-12)
    assert [r.difference for r in rows] == pytest.approx(ref.difference.tolist(), rel=1e-9)
    assert [r.se for r in rows] == pytest.approx(ref.se.tolist(), rel=1e-9)
    assert [r.adjusted_pvalue for r in rows] == pytest.approx(ref.adjusted.tolist(), rel=1e-9)
    assert [r.significant for r in rows] == ref.reject.tolist()
    means = estimate.by(dims[:, 1], groups, weights=w)
    assert [r.dimensions["outcome"] for r in rows] == pytest.approx([means[g].value for g in range(4)], rel=1e-12)


def test_level_comparisons_equal_analysis_with_an_empty_level_and_a_significant_one():
    rng = np.random.default_rng(7)
    y = rng.normal(60, 12, 3000)
    groups = rng.integers(0, 6, 3000)
    y[groups == 2] += 6  # clearly higher
    y[groups == 4] = NAN  # a level with no answers
    w = rng.lognormal(0, 0.5, 3000)
    mine = compare_levels(y, groups, w, 6)
    ref = compare.segment_comparisons(y, groups, weights=w, method="holm")
    np.testing.assert_allclose(mine.se, ref.se, rtol=1e-9)
    np.testing.assert_allclose(mine.adjusted, ref.adjusted, rtol=1e-9)
    assert mine.reject.tolist() == ref.reject.tolist() and mine.reject[2]


def test_drivers_equal_relative_weights_on_respondent_dimension_scores():
    data, _w = _random_wave()
    result = score_loaded_wave(data, SMALL)
    dims, _index = _respondent_scores(data.values[:, :5])
    overall = (data.values[:, 4] - 1) / 4 * 100
    ref = driver_importance(overall, dims[:, :2], names=["process", "outcome"])
    assert result.drivers.outcome == "Q5"
    assert [r.relative_share for r in result.drivers.rows] == pytest.approx(list(ref.relative_share), rel=1e-9)
    assert result.drivers.r_squared == pytest.approx(ref.r_squared, rel=1e-9)
    assert {r.quadrant for r in result.drivers.rows} <= set(__import__("analysis").drivers.QUADRANTS.values())


COURTESY_YAML = """
code: COURTESY_SMALL
version: 1
kind: staff_courtesy
title: {ko: 친절도 시험}
scales:
  level5:
    points: 5
    labels: [{value: 1, label: {ko: 부진}}, {value: 5, label: {ko: 탁월}}]
    na: {value: 9, label: {ko: 해당 없음}}
sections:
  - code: C
    title: {ko: 창구}
    questions:
      - {code: C1, type: rating, text: {ko: 맞이 인사}, scale: level5, scoring: {checklist: counter, stage: 맞이, points: 60}}
      - {code: C2, type: rating, text: {ko: 배웅}, scale: level5, scoring: {checklist: counter, stage: 마무리, points: 40}}
scoring:
  checklists:
    - {code: counter, name: {ko: 창구 친절도}, total: 100}
"""


def test_courtesy_scores_and_rankings_checked_by_hand():
    q = load_yaml(COURTESY_YAML)
    levels = [[5, 3], [1, 5], [4, NAN], [5, 5], [3, 3]]
    staff = [11, 12, 11, 11, 13]
    data = wave_data(levels, ("C1", "C2"), staff=staff, units=[7, 7, 7, 7, 8])
    found = Directory(staff={11: ("E1", "김친절"), 12: ("E2", "이응대"), 13: ("E3", "박배웅")},
                      units={7: ("P-A", "가우체국"), 8: ("P-B", "나우체국"), 1: ("R-1", "지방청")},
                      region_of={7: 1, 8: 1})
    result = score_loaded_wave(data, q, directory=found)
    counter = result.courtesy[0]
    # points x (level - 1) / 4: (5,3) 60 + 20 = 80; (1,5) 0 + 40 = 40; (4,-) 45 of 60 rated points -> 75; 100; 50
    totals = [80.0, 40.0, 75.0, 100.0, 50.0]
    assert counter.score.value == pytest.approx(np.mean(totals))
    assert result.headline_code == "courtesy" and result.headline.value == pytest.approx(np.mean(totals))
    assert counter.stages == pytest.approx({"맞이": np.mean([100, 0, 75, 100, 50]), "마무리": np.mean([50, 100, 100, 50])})
    staff_ranks = counter.rankings["staff"]
    assert [(r.name, r.n, r.rank) for r in staff_ranks] == [("김친절", 3, 1), ("박배웅", 1, None), ("이응대", 1, None)]
    assert staff_ranks[0].mean == pytest.approx(85.0)
    ref = courtesy.aggregate(np.array(totals), np.array(staff), min_evaluations=3)
    assert staff_ranks[0].se == pytest.approx(ref[0].se)
    assert [r.name for r in counter.rankings["unit"]] == ["가우체국", "나우체국"]
    assert counter.rankings["region"][0].n == 5 and counter.rankings["region"][0].name == "지방청"


def test_a_wave_without_responses_has_no_scores():
    result = score_loaded_wave(wave_data(np.empty((0, len(CODES)))), SMALL)
    assert result.n == 0 and result.headline is None and result.items == ()
    assert any("no complete responses" in w for w in result.warnings)


def test_off_scale_answers_are_left_out_with_a_warning():
    values = hand_matrix()
    values[0, 0] = 8  # not on 1..5 and not a declared 모름 code
    result = score_loaded_wave(wave_data(values), SMALL)
    assert result.items[0].mean.n == 3 and result.items[0].mean.value == pytest.approx(3.0)
    assert any("off their item's scale" in w for w in result.warnings)


def test_the_result_is_json_with_plain_field_names(app_ctx, make_survey, make_org):
    import json

    from survey_app.models import Wave
    from survey_app.results.build import wave_result
    from tests.test_results_support import seed_hand_wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        result = wave_result(session.get(Wave, ids["wave_id"]))
    data = json.loads(result.to_json())
    assert data["response_rate"] == {"invitations": 6, "started": 5, "partial": 1, "complete": 4,
                                     "rate": pytest.approx(400 / 6), "invited_complete": 4}
    assert data["headline_code"] == "csi" and data["n"] == 4
    assert data["segments"][0]["rows"][0]["name"] == "가우체국"
    assert data["trend"][0]["wave_id"] == ids["wave_id"] and data["trend"][0]["change"] is None
    assert set(data) >= {"wave", "indices", "dimensions", "items", "kpis", "courtesy", "drivers", "warnings"}


def test_wave_whose_weights_are_all_zero_scores_as_undefined_not_an_error():
    # Before: kpi.csat raised "n must be positive, got nan" (a 500 on the results page); after that,
    # importance_performance refused the NaN dimension scores. Now every figure is NaN (shown "–")
    # and says why.
    import warnings

    from analysis.results import DegenerateDataWarning
    data, w = _random_wave()
    zero = wave_data(data.values, weights=np.zeros(len(w)), segments=data.segments)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.warns(DegenerateDataWarning):
            result = score_loaded_wave(zero, SMALL)
    assert np.isnan(result.headline.value) and any("weight zero" in n for n in result.headline.warnings)
    assert np.isnan(result.kpis["csat"].score.value) and np.isnan(result.kpis["nps"].score.value)
    assert result.drivers is None or any("performance" in n for n in result.drivers.warnings)


def test_segment_p_values_use_svyttest_df_answered_responses_minus_two():
    # weights-only design: every answered response is a PSU of one stratum, degf = n - 1, and
    # R's svyttest refers t to degf - 1 = n - 2 (compare_levels used n - 1 over all responses)
    from scipy import stats
    rng = np.random.default_rng(2)
    y = rng.normal(50, 10, 12)
    y[:2] = NAN
    groups = np.repeat([0, 1, 2], 4)
    w = rng.lognormal(0, 0.3, 12)
    cmp = compare_levels(y, groups, w, 3)
    np.testing.assert_allclose(cmp.pvalue, 2 * stats.t.sf(np.abs(cmp.statistic), 10 - 2), rtol=1e-12)


def _level_wave(n: int, process: float, outcome: float, seed: int = 8) -> WaveData:
    """Process and outcome items drawn around the given 5-point means (Q3 reverse-coded), overall tied to both."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1)) * 0.7
    means = np.array([process, process, 6 - outcome, outcome])
    sign = np.array([1, 1, -1, 1])
    items = np.clip(np.round(means + sign * latent + rng.normal(scale=0.7, size=(n, 4))), 1, 5)
    overall = np.clip(np.round(3.5 + latent[:, 0] + rng.normal(scale=0.6, size=n)), 1, 5)
    nps = np.clip(np.round(7 + 2 * latent[:, 0]), 0, 10)
    age = rng.integers(1, 3, size=n).astype(float)
    return wave_data(np.column_stack([items, overall, nps, age]))


def test_dimensions_that_differ_by_noise_are_not_ranked_nor_put_in_a_quadrant():
    """Equal true means: no dimension is 'above' or 'below', and no driver gets an action quadrant."""
    result = score_loaded_wave(_level_wave(900, 3.5, 3.5), SMALL)
    assert [d.standing for d in result.dimensions] == ["", "", ""]
    assert result.drivers.rows and not any(r.settled for r in result.drivers.rows)
    assert {r.quadrant_name for r in result.drivers.rows} == {"판단 보류"}
    for r in result.drivers.rows:
        assert r.importance_low <= r.relative_share <= r.importance_high


def test_a_dimension_clearly_below_the_others_is_called_so_with_the_paired_test():
    data = _level_wave(900, 4.0, 3.0)
    result = score_loaded_wave(data, SMALL)
    standing = {d.code: d.standing for d in result.dimensions}
    assert standing["outcome"] == "below"
    dims, _ = _respondent_scores(data.values[:, :5])
    ref = dimension_contrasts(dims)  # the three dimensions' respondent scores, computed by plain loops
    got = {d.code: d for d in result.dimensions}
    assert got["outcome"].versus_others == pytest.approx(ref.difference[1])
    assert got["outcome"].versus_others_p == pytest.approx(ref.adjusted[1])


def test_item_drivers_equal_relative_weights_on_the_filled_item_scores_and_flag_only_a_clear_pain_point():
    """Reference: analysis.contrasts.importance_intervals on the item scores with a respondent's missing item
    filled by their own dimension mean (computed here by loops), and dimension_contrasts over the items.
    One item (Q2: low and driving overall) must be the only priority."""
    from analysis.contrasts import importance_intervals

    rng = np.random.default_rng(11)
    n = 900
    general = rng.normal(size=n)
    pain = rng.normal(size=n)
    items = np.column_stack([3.6 + 0.6 * general + rng.normal(scale=0.6, size=n),    # Q1 process
                             2.6 + 0.6 * general + 0.9 * pain + rng.normal(scale=0.4, size=n),  # Q2 process: the pain
                             2.4 - 0.6 * general + rng.normal(scale=0.6, size=n),    # Q3 outcome (reverse-coded)
                             3.6 + 0.6 * general + rng.normal(scale=0.6, size=n)])   # Q4 outcome
    items = np.clip(np.round(items), 1, 5)
    items[rng.random((n, 4)) < 0.05] = np.nan
    overall = np.clip(np.round(3.4 + 0.5 * general + 0.8 * pain + rng.normal(scale=0.5, size=n)), 1, 5)
    data = wave_data(np.column_stack([items, overall, np.full(n, 8.0), np.ones(n)]))
    result = score_loaded_wave(data, SMALL)
    got = {i.code: i for i in result.drivers.items}
    assert [code for code, i in got.items() if i.priority] == ["Q2"]
    s = (np.column_stack([items[:, 0], items[:, 1], 6 - items[:, 2], items[:, 3]]) - 1) / 4 * 100
    dims, _ = _respondent_scores(np.column_stack([items, overall]))
    filled = s.copy()
    for i in range(n):
        for j, d in enumerate((0, 0, 1, 1)):
            if np.isnan(filled[i, j]):
                filled[i, j] = dims[i, d]
    ref = importance_intervals((overall - 1) / 4 * 100, filled, ["Q1", "Q2", "Q3", "Q4"])
    assert [got[c].relative_share for c in ("Q1", "Q2", "Q3", "Q4")] == pytest.approx(list(ref.share))
    assert [got[c].importance_low for c in ("Q1", "Q2", "Q3", "Q4")] == pytest.approx(list(ref.low))
