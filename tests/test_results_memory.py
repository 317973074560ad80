"""Memory of the wave recompute: scoring a wave holds a few copies of its answer matrix, not a dozen.

A 1M x 30 background recompute must peak well under 1 GB (issue 22). This pins the scoring core's
share of that cheaply: ``score_core`` on 50,000 responses x 31 answers, measured with ``tracemalloc``
(numpy reports its buffers to it), must peak below 3.5 times the answer matrix (2.8 measured on 2026-12-06;
before the in-place and blocked computations it peaked at 7.4 times, docs/benchmarks.md). Cronbach's alpha
of a dimension reads its columns in place, and the app starts without sklearn. The numbers themselves are checked
in tests/test_results_scoring.py (against ``analysis`` called directly) and tests/analysis (R ``survey``).
"""
from __future__ import annotations

import subprocess
import sys
import tracemalloc

import numpy as np

from analysis import reliability
from questionnaires import load_yaml
from survey_app.results.loading import WaveData
from survey_app.results.scoring import score_core, scoring_plan

DIMENSIONS = (("process", 7), ("outcome", 7), ("environment", 7), ("social", 6))


def questionnaire():
    """27 seven-point items in four dimensions (one reversed), overall, intention to use again, NPS."""
    rows, j = [], 0
    for dim, k in DIMENSIONS:
        for i in range(k):
            j += 1
            reverse = ", reverse: true" if (dim, i) == ("process", 4) else ""
            rows.append(f"      - {{code: Q{j:02d}, type: likert, text: {{ko: 문항 {j}}}, scale: agree7, "
                        f"scoring: {{dimension: {dim}{reverse}}}}}")
    rows += ["      - {code: Q28, type: likert, text: {ko: 전반적 만족}, scale: agree7, "
             "scoring: {dimension: overall, kpi: overall}}",
             "      - {code: Q29, type: likert, text: {ko: 재이용 의향}, scale: agree7, "
             "scoring: {dimension: repurchase, kpi: repurchase}}",
             "      - {code: Q30, type: nps, text: {ko: 추천 의향}, scoring: {kpi: nps}}"]
    body = "\n".join(rows)
    dims = "\n".join(f"    - {{code: {d}, name: {{ko: {d}}}}}" for d in [d for d, _ in DIMENSIONS] + ["overall", "repurchase"])
    return load_yaml(f"""
code: MEM
version: 1
kind: customer_satisfaction
title: {{ko: 메모리 시험}}
scales:
  agree7:
    points: 7
    labels: [{{value: 1, label: {{ko: 전혀 그렇지 않다}}}}, {{value: 7, label: {{ko: 매우 그렇다}}}}]
sections:
  - code: S1
    title: {{ko: 평가}}
    questions:
{body}
scoring:
  dimensions:
{dims}
  indices:
    - code: service_quality
      name: {{ko: 서비스 품질}}
      weights: {{process: 0.25, outcome: 0.25, environment: 0.25, social: 0.25}}
    - code: pcsi
      name: {{ko: 종합}}
      weights: {{process: 0.15, outcome: 0.15, environment: 0.15, social: 0.15, overall: 0.3, repurchase: 0.1}}
""")


def wave(n: int) -> WaveData:
    """``n`` responses with 3% missing answers and unequal weights."""
    rng = np.random.default_rng(1)
    values = np.clip(np.round(rng.normal(5, 1.3, size=(n, 30))), 1, 7)
    values[:, 29] = rng.integers(0, 11, n)
    values[rng.random((n, 30)) < 0.03] = np.nan
    return WaveData(wave_id=1, codes=tuple(f"Q{j:02d}" for j in range(1, 31)), values=values,
                    response_ids=np.arange(n), weights=rng.uniform(0.5, 2.0, n), segments={},
                    staff=np.full(n, -1), units=np.full(n, -1))


def test_score_core_peaks_below_three_and_a_half_answer_matrices():
    data = wave(50_000)
    plan = scoring_plan(questionnaire(), data.codes)
    assert len(plan.specs) == 29 and plan.headline.code == "pcsi"
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        core = score_core(data, plan)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert np.isfinite(core.report.scores.index.value)
    assert peak < 3.5 * data.values.nbytes, f"score_core peaked at {peak / data.values.nbytes:.1f} answer matrices"


def test_alpha_of_some_columns_holds_less_than_a_copy_of_them():
    scores = np.clip(np.random.default_rng(2).normal(60, 20, size=(200_000, 29)), 0, 100)
    scores[np.random.default_rng(3).random(scores.shape) < 0.05] = np.nan
    columns = [7, 8, 9, 10, 11, 12, 13]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        found = reliability.cronbach_alpha(scores, columns=columns)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert abs(found.alpha - reliability.cronbach_alpha(np.array(scores[:, columns])).alpha) < 1e-12
    assert peak < scores[:, columns].nbytes, f"alpha peaked at {peak / scores[:, columns].nbytes:.1f} copies"


def test_the_app_starts_without_sklearn():
    code = ("import sys, tempfile; from survey_app import create_app; "
            "create_app({'DATABASE_URL': 'sqlite://', 'SECRET_KEY': 'x', 'INSTANCE_PATH': tempfile.mkdtemp()}); "
            "print('sklearn' in sys.modules)")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"
