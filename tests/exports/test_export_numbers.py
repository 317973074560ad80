"""Numbers read back from the workbook equal the analysis results.

Each figure is recomputed here by calling :mod:`analysis` directly on the
sample's arrays (not through :mod:`exports.adapt`), then read back from the
written file with two independent XLSX readers: python-calamine (Rust) and
openpyxl.
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import compare, courtesy, estimate, kpi, report
from exports.sample import ITEMS, WAVES, courtesy_evaluations, raw_rows, respondent_score, sample_wave

SEED = 3


@pytest.fixture(scope="module")
def waves(sample_size):
    return [sample_wave(sample_size, SEED + k, shift=s) for k, s in WAVES]


@pytest.fixture(scope="module")
def reports(waves):
    return [report.score_wave(w.y, ITEMS, nps_scores=w.nps, csat_scores=w.y[:, 0], weights=w.weights)
            for w in waves]


def _openpyxl_row(book, sheet, col, value):
    for row in book.xl[sheet].iter_rows(values_only=True):
        if len(row) > col and row[col] == value:
            return list(row)
    raise AssertionError(f"{value!r} not in {sheet}")


def test_headline_kpis_equal_analysis(sample_book, reports, waves):
    now, prev = reports[-1], reports[-2]
    for reader in (sample_book.find, lambda s, c, v: _openpyxl_row(sample_book, s, c, v)):
        index = reader("요약", 0, "종합지수")
        assert index[1:5] == pytest.approx([now.scores.index.value, *now.scores.index.ci, now.n], rel=1e-12)
        assert index[5:7] == pytest.approx([prev.scores.index.value, now.scores.index.value - prev.scores.index.value])
        nps = reader("요약", 0, "NPS (순추천지수)")
        assert nps[1:4] == pytest.approx([now.nps.value, *now.nps.ci], rel=1e-12)
        csat = reader("요약", 0, "CSAT (만족 비율)")  # shares are stored as fractions, shown as 0.0%
        assert [100 * v for v in csat[1:4]] == pytest.approx([now.csat.value, *now.csat.ci], rel=1e-12)
        assert csat[6] == pytest.approx(now.csat.value - prev.csat.value, rel=1e-12)  # change in %p
        ces = reader("요약", 0, "CES (이용 편의, 7점)")
        assert ces[1] == pytest.approx(kpi.ces(waves[-1].ces, weights=waves[-1].weights).value, rel=1e-12)


def test_significance_mark_follows_wave_change(sample_book, reports):
    test = compare.wave_change(reports[-1].scores.index, reports[-2].scores.index)
    row = sample_book.find("차원별 점수", 1, "INDEX")
    assert row[10] == pytest.approx(test.pvalue, rel=1e-9)
    assert row[11] == ("▲ 유의한 상승" if test.pvalue < 0.05 and test.estimate > 0 else
                       "▼ 유의한 하락" if test.pvalue < 0.05 else "유의한 변화 없음")


def test_dimension_and_item_scores_equal_analysis(sample_book, reports):
    now, prev = reports[-1], reports[-2]
    for dim, est in now.scores.dimensions.items():
        row = sample_book.find("차원별 점수", 1, dim)
        assert row[3:8] == pytest.approx([est.value, est.se, *est.ci, est.n], rel=1e-12)
    raw_p = [compare.wave_change(now.scores.items.item(j), prev.scores.items.item(j)).pvalue
             for j in range(len(ITEMS))]
    holm = compare.adjust_pvalues(raw_p, "holm").adjusted
    for j, spec in enumerate(ITEMS):
        row = sample_book.find("차원별 점수", 1, spec.code)
        items = now.scores.items
        assert row[3:8] == pytest.approx([items.value[j], items.se[j], items.ci_low[j], items.ci_high[j], items.n[j]],
                                         rel=1e-12)
        assert row[10] == pytest.approx(holm[j], rel=1e-9)


def test_segments_equal_domain_estimates_and_holm_comparisons(sample_book, waves):
    cur = waves[-1]
    y = respondent_score(cur)
    by = estimate.by(y, cur.region, cur.weights)
    comp = compare.segment_comparisons(y, cur.region, cur.weights, method="holm")
    rows = [r for r in sample_book.rows("세그먼트") if r[0] == "지역"]
    assert {r[1] for r in rows} == set(by)
    for r in rows:
        est = by[r[1]]
        i = comp.labels.tolist().index(r[1])
        assert [r[2], *r[3:7]] == pytest.approx([est.n, est.value, est.se, *est.ci], rel=1e-12)
        assert r[7:9] == pytest.approx([comp.difference[i], comp.adjusted[i]], rel=1e-12)
    total = sample_book.find("세그먼트", 0, "전체")
    assert total[3] == pytest.approx(estimate.mean(y, cur.weights).value, rel=1e-12)


def test_trend_equals_each_waves_index(sample_book, reports):
    row = sample_book.find("추이", 0, "종합지수")
    assert row[1:4] == pytest.approx([r.scores.index.value for r in reports], rel=1e-12)


def test_courtesy_ranking_equals_aggregate(sample_book):
    scores, offices, _ = courtesy_evaluations(SEED)
    expected = courtesy.aggregate(scores.total, offices)
    for unit in expected:
        row = sample_book.find("친절도 순위", 1, unit.unit)
        assert row[0] == unit.rank_text and row[2] == unit.n  # the ranks the intervals allow, e.g. "1~4위"
        shown = [min(max(v, 0.0), 100.0) for v in unit.ci]  # the interval as far as the 100-point scale goes
        assert row[7:11] == pytest.approx([unit.mean, unit.se, *shown], rel=1e-12)
        stage_sum = sum(row[3:7])
        assert stage_sum == pytest.approx(unit.mean, rel=1e-9)  # complete checklists: stages add up to the total
    assert any("~" in unit.rank_text for unit in expected)  # ~30 evaluations per office do not settle every rank
    sd = float(np.std(scores.total, ddof=1))
    needed = courtesy.evaluations_needed(sd)
    notes = [r[0] for r in sample_book.rows("친절도 순위") if r and isinstance(r[0], str) and "5점 차이" in r[0]]
    assert notes and f"약 {needed:,}건 필요" in notes[0]


def test_frequencies_equal_counts(sample_book, waves):
    q1 = waves[-1].y[:, 0]
    answered = q1[~np.isnan(q1)]
    rows = sample_book.rows("문항별 응답")
    start = next(i for i, r in enumerate(rows) if str(r[0]).startswith("Q1."))
    table = rows[start + 3:start + 3 + 8]
    for value, row in zip(range(1, 8), table[:7], strict=True):
        count = int((answered == value).sum())
        assert row[1] == count and row[2] == pytest.approx(count / len(answered), rel=1e-12)


def test_raw_rows_equal_source_rows(sample_book, waves, sample_size):
    rows = sample_book.rows("원자료")
    header, body = rows[0], rows[1:]
    assert len(body) == sample_size == sample_book.summary.raw_rows
    source = list(raw_rows(waves[-1]))
    q1 = header.index("직원의 친절")  # Korean headers; the codes are in the codebook
    for got, want in zip(body[:50], source[:50], strict=True):
        assert got[0] == want[0]
        assert [None if v == "" else v for v in got[q1:q1 + 12]] == want[q1:q1 + 12]
        assert got[-1] == pytest.approx(want[-1], rel=1e-15)
