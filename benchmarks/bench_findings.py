"""Benchmark: what deciding "does this difference mean anything" costs in a wave's scoring.

For each size the script builds the synthetic 30-item wave of ``bench_analysis_report`` in memory (no
database) and times, in the same run, :func:`survey_app.results.report.score_loaded_wave`:

* ``baseline``: with the dimension contrasts, the bootstrap importance intervals and the item-level
  drivers switched off (what the scoring did before they existed);
* ``full``: as the app runs it.

It prints both and their ratio. Usage::

    python benchmarks/bench_findings.py                    # 20k and 100k responses
    python benchmarks/bench_findings.py --sizes 2000 --repeat 1   # quick CI run
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_analysis_report as seed  # noqa: E402

from questionnaires import load_yaml  # noqa: E402
from survey_app.results import report, scoring  # noqa: E402
from survey_app.results.loading import WaveData  # noqa: E402


def wave(n: int, q) -> WaveData:
    """The synthetic wave as the loader would give it (모름 codes as NaN)."""
    rng = np.random.default_rng(n)
    values = seed.synthetic_answers(n, rng)
    values[values == seed.NA_CODE] = np.nan
    hidden = {h.code for h in q.hidden}
    codes = tuple(f.code for f in q.answer_fields() if f.code not in hidden)[:values.shape[1]]
    return WaveData(wave_id=1, codes=codes, values=values, response_ids=np.arange(n),
                    weights=rng.lognormal(0, 0.3, n), segments={}, staff=np.full(n, -1), units=np.full(n, -1))


def best(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def baseline(data: WaveData, q) -> None:
    """Scoring with the new statistics switched off."""
    saved = scoring._importance_interval, scoring._item_drivers, scoring._contrasts
    scoring._importance_interval = lambda o, p, base: (np.full(p.shape[1], np.nan),) * 2
    scoring._item_drivers = lambda *a: ()
    scoring._contrasts = lambda core, cols: None
    try:
        report.score_loaded_wave(data, q)
    finally:
        scoring._importance_interval, scoring._item_drivers, scoring._contrasts = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    q = load_yaml(seed.questionnaire_yaml())
    print(f"{'responses':>10} {'baseline s':>11} {'full s':>8} {'ratio':>6}")
    for n in args.sizes:
        data = wave(n, q)
        base = best(lambda data=data: baseline(data, q), args.repeat)
        full = best(lambda data=data: report.score_loaded_wave(data, q), args.repeat)
        print(f"{n:>10} {base:>11.3f} {full:>8.3f} {full / base:>6.2f}")


if __name__ == "__main__":
    main()
