"""Benchmark: what weighting a wave to population margins (가중치 적용) adds to its scoring.

For each size the script builds the synthetic 30-item wave of ``bench_findings`` in memory (no database)
with three segments (9 regions, 7 age bands, 2 customer types, a few percent unknown) and times, in the
same run, :func:`survey_app.results.report.score_loaded_wave`:

* ``baseline``: unweighted (the default);
* ``weighted``: :func:`survey_app.results.weighting.weight_wave` raking to three margins, then scoring.

It prints both, their ratio and the raking alone. Usage::

    python benchmarks/bench_weighting.py                      # 20k and 100k responses
    python benchmarks/bench_weighting.py --sizes 2000 --repeat 1   # quick CI run
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_analysis_report as seed  # noqa: E402
from bench_findings import best, wave  # noqa: E402

from questionnaires import load_yaml  # noqa: E402
from survey_app.results import report  # noqa: E402
from survey_app.results.loading import Segment, WaveData  # noqa: E402
from survey_app.results.weighting import weight_wave  # noqa: E402

LEVELS = {"region": tuple(f"R-{i}" for i in range(9)), "age_band": tuple(f"{a}대" for a in range(1, 8)),
          "customer_type": ("individual", "business")}
SAMPLE = {"region": [.25, .2, .12, .1, .08, .08, .07, .05, .05], "age_band": [.04, .12, .16, .2, .22, .16, .1],
          "customer_type": [.8, .2]}
POPULATION = {"region": [19, 30, 15, 10.5, 6.5, 9.5, 4, 3.5, 2], "age_band": [2, 8, 12, 17, 22, 22, 17],
              "customer_type": [85, 15]}


def with_segments(data: WaveData, rng: np.random.Generator) -> WaveData:
    """The wave with region, age band and customer type drawn from sample shares (3% unknown)."""
    segments = {}
    for name, levels in LEVELS.items():
        codes = rng.choice(len(levels), size=data.n, p=SAMPLE[name])
        codes[rng.random(data.n) < 0.03] = -1
        segments[name] = Segment(name, levels, codes.astype(np.int64))
    return replace(data, segments=segments, weights=None)


def margins() -> dict[str, dict[str, float]]:
    return {name: dict(zip(levels, POPULATION[name], strict=True)) for name, levels in LEVELS.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    q = load_yaml(seed.questionnaire_yaml())
    report.score_loaded_wave(with_segments(wave(500, q), np.random.default_rng(0)), q)  # warm up (first-call costs)
    print(f"{'responses':>10} {'baseline s':>11} {'weighted s':>11} {'ratio':>6} {'raking s':>9}")
    for n in args.sizes:
        data = with_segments(wave(n, q), np.random.default_rng(n))
        base = best(lambda data=data: report.score_loaded_wave(data, q), args.repeat)
        rake = best(lambda data=data: weight_wave(data, margins(), {}), args.repeat)
        full = best(lambda data=data: report.score_loaded_wave(weight_wave(data, margins(), {})[0], q), args.repeat)
        print(f"{n:>10} {base:>11.3f} {full:>11.3f} {full / base:>6.2f} {rake:>9.3f}")


if __name__ == "__main__":
    main()
