"""Weighting a wave to population margins kept per survey, and judging targets by their intervals.

References: R ``survey`` (``tests/rakecheck.Rout.save``, ``tests/api.Rout.save``): apiclus1 raked on
``stype`` (E 4421, H 755, M 1018) and ``sch.wide`` (No 1072, Yes 5122) gives mean api00 641.23;
post-stratified on ``stype`` alone 642.31. The margins are given here as shares in percent, as staff
enter them. A small post-stratification is checked against a hand computation in its docstring.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from analysis import estimate
from analysis.targets import MET, NOT_MET, UNDECIDED, target_status
from survey_app.results.loading import Segment, WaveData
from survey_app.results.margins import check_margins, read_table
from survey_app.results.weighting import weight_wave

DATA = Path(__file__).parent / "analysis" / "data" / "api_clus1.csv"


def wave_data(values: np.ndarray, segments: dict[str, list[str]]) -> WaveData:
    """A WaveData of one numeric column and the given segment labels per response."""
    n = len(values)
    segs = {}
    for name, labels in segments.items():
        levels = tuple(sorted({v for v in labels if v is not None}))
        codes = np.array([levels.index(v) if v is not None else -1 for v in labels], dtype=np.int64)
        segs[name] = Segment(name, levels, codes)
    return WaveData(wave_id=1, codes=("y",), values=np.asarray(values, float)[:, None], response_ids=np.arange(n),
                    weights=None, segments=segs, staff=np.full(n, -1), units=np.full(n, -1))


@pytest.fixture(scope="module")
def apiclus1():
    with open(DATA, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return ([float(r["api00"]) for r in rows], [r["stype"] for r in rows], [r["sch.wide"] for r in rows])


def shares(counts: dict[str, float]) -> dict[str, float]:
    total = sum(counts.values())
    return {k: 100 * v / total for k, v in counts.items()}


def test_raking_to_shares_matches_r_survey_rake(apiclus1):
    api00, stype, schwide = apiclus1
    data = wave_data(np.array(api00), {"customer_type": stype, "age_band": schwide})
    margins = {"customer_type": shares({"E": 4421, "H": 755, "M": 1018}), "age_band": shares({"No": 1072, "Yes": 5122})}
    weighted, summary = weight_wave(data, margins, {})
    mean = estimate.mean(weighted.values[:, 0], weighted.weights)
    assert mean.value == pytest.approx(641.23, abs=0.005)
    assert summary.method == "rake" and summary.converged
    assert summary.effective_n == pytest.approx(len(api00) / summary.design_effect)
    by = {(s.variable, s.label): s for s in summary.shares}
    assert by["customer_type", "E"].weighted_share == pytest.approx(100 * 4421 / 6194, abs=1e-6)
    assert by["customer_type", "E"].sample_share == pytest.approx(100 * stype.count("E") / len(stype))
    unweighted = estimate.mean(np.array(api00))
    assert mean.se > unweighted.se * 0.9  # the weights' design effect is in the interval


def test_poststratifying_to_shares_matches_r_survey_poststratify(apiclus1):
    api00, stype, _ = apiclus1
    data = wave_data(np.array(api00), {"customer_type": stype})
    weighted, summary = weight_wave(data, {"customer_type": shares({"E": 4421, "H": 755, "M": 1018})}, {})
    assert estimate.mean(weighted.values[:, 0], weighted.weights).value == pytest.approx(642.31, abs=0.005)
    assert summary.method == "poststratify"


def test_poststratification_by_hand_with_unknown_category_kept():
    """Hand computation: 4 responses A(10), A(20), B(40), unknown(100); population A 25%, B 75%.

    Known responses weigh 3 in total: A gets 0.75 (0.375 each), B gets 2.25; the unknown keeps 1.
    Weighted mean = (0.375·10 + 0.375·20 + 2.25·40 + 1·100) / 4 = 201.25 / 4 = 50.3125.
    Kish deff = 4·(2·0.375² + 2.25² + 1) / 4² = 4·6.34375/16 = 1.5859375.
    """
    data = wave_data(np.array([10.0, 20.0, 40.0, 100.0]), {"age_band": ["A", "A", "B", None]})
    weighted, summary = weight_wave(data, {"age_band": {"A": 25.0, "B": 75.0}}, {})
    assert weighted.weights == pytest.approx([0.375, 0.375, 2.25, 1.0])
    assert estimate.mean(weighted.values[:, 0], weighted.weights).value == pytest.approx(50.3125)
    assert summary.design_effect == pytest.approx(1.5859375)
    assert summary.effective_n == pytest.approx(4 / 1.5859375)


def test_margins_of_variables_not_in_the_data_leave_it_unweighted():
    data = wave_data(np.array([1.0, 2.0]), {"age_band": ["A", "B"]})
    same, summary = weight_wave(data, {"region": {"R-1": 100.0}}, {})
    assert summary is None and same.weights is None


KNOWN = {"age_band": {"20대": "20대", "30대": "30대", "40대": "40대"},
         "customer_type": {"individual": "개인", "business": "사업자"}}


def test_margins_table_accepts_names_header_and_percent_signs():
    rows = read_table("변수,범주,비율(%)\n연령대,20대,30\n연령대,30대,30%\n연령대,40대,40\n고객 유형,개인,80\n"
                      "고객 구분,사업자,20\n")
    margins, errors = check_margins(rows, KNOWN)
    assert errors == []
    assert margins == {"age_band": {"20대": 30, "30대": 30, "40대": 40},
                       "customer_type": {"individual": 80, "business": 20}}


def test_margins_errors_name_every_bad_row_in_korean():
    rows = read_table("연령대,20대,30\n연령대,80대,10\n성별,남,50\n연령대,30대,열\n연령대,20대,5\n"
                      "고객 구분,개인,120\n연령대,40대\n")
    margins, errors = check_margins(rows, KNOWN)
    assert margins == {}
    text = "\n".join(errors)
    assert "2행: 응답 자료에 없는 범주입니다 — 연령대 '80대'" in text
    assert "3행: 응답 자료에 없는 변수입니다 — '성별'" in text
    assert "4행: 비율이 숫자가 아닙니다 — '열'" in text
    assert "5행: 앞에서 이미 적은 범주입니다" in text
    assert "6행: 비율은 0에서 100 사이여야 합니다 — 120" in text
    assert "7행: 칸이 세 개" in text
    assert "연령대: 비율의 합계가 30%입니다" in text
    assert "연령대: 응답 자료에 있는 범주의 비율이 빠졌습니다 — '30대', '40대'" in text
    assert "고객 구분: 응답 자료에 있는 범주의 비율이 빠졌습니다 — '사업자'" in text


def test_empty_margins_table_is_refused():
    assert check_margins(read_table("\n\n"), KNOWN) == ({}, ["표가 비어 있습니다. 한 줄에 변수, 범주, 비율(%)을 하나씩 적어 주십시오."])


@pytest.mark.parametrize(("low", "high", "target", "status"), [
    (71.0, 75.0, 70.0, MET), (70.0, 75.0, 70.0, MET), (65.0, 69.9, 70.0, NOT_MET), (68.0, 72.0, 70.0, UNDECIDED),
    (69.0, 70.0, 70.0, UNDECIDED), (float("nan"), 72.0, 70.0, None)])
def test_target_met_only_when_the_whole_interval_is_above(low, high, target, status):
    assert target_status(low, high, target) == status


def test_target_status_refuses_a_reversed_interval():
    with pytest.raises(ValueError, match="ci_low"):
        target_status(75.0, 70.0, 72.0)
