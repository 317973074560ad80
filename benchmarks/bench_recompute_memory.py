"""Benchmark: peak memory of each step of a wave's scoring, in multiples of its answer matrix (no database).

Builds the synthetic wave of ``bench_analysis_report.py`` (27 quality items, overall, intention, NPS, age band;
region, office, channel and customer type; unequal weights) directly as a
:class:`survey_app.results.loading.WaveData` and runs the steps of
:func:`survey_app.results.report.score_loaded_wave` one by one under ``tracemalloc`` (numpy reports its buffers
to it). For each step it prints the peak of traced memory above the start (the wave itself not counted), as MB
and as a multiple of the n x 31 answer matrix, and the seconds (slowed by tracing). What the whole recompute
process peaks at, with the load from PostgreSQL, is ``bench_analysis_report.py``'s ``peak MB``.

Usage::

    python benchmarks/bench_recompute_memory.py --sizes 200000
"""
from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analysis_report import questionnaire_yaml, synthetic_answers  # noqa: E402

from questionnaires import load_yaml  # noqa: E402
from survey_app.results import report, scoring  # noqa: E402
from survey_app.results.courtesy import courtesy_scores  # noqa: E402
from survey_app.results.coverage import coverage  # noqa: E402
from survey_app.results.loading import Segment, WaveData  # noqa: E402
from survey_app.results.segments import segment_tables  # noqa: E402

SEGMENTS = (("region", 17), ("office_code", 170), ("channel", 4), ("customer_type", 2))


def synthetic_wave(n: int) -> WaveData:
    """The benchmark's answers with 모름 codes already NaN (as the loader gives them) and random segments."""
    rng = np.random.default_rng(0)
    values = synthetic_answers(n, rng)
    values[values == 9] = np.nan
    segments = {name: Segment(name, tuple(f"{name}{i}" for i in range(levels)), rng.integers(0, levels, n))
                for name, levels in SEGMENTS}
    segments["age_band"] = Segment("age_band", tuple("12345"), (values[:, 30] - 1).astype(np.int64))
    return WaveData(wave_id=1, codes=tuple(f"Q{j:02d}" for j in range(1, 32)), values=values,
                    response_ids=np.arange(n), weights=rng.uniform(0.5, 2.0, n), segments=segments,
                    staff=np.full(n, -1), units=np.full(n, -1))


def steps(data: WaveData, q) -> list[tuple[str, object]]:
    """The steps of ``score_loaded_wave`` as (name, thunk); each thunk may use the earlier ones' results."""
    done: dict[str, object] = {}
    plan = scoring.scoring_plan(q, data.codes)

    def headline():
        return report._headline(done["core"], plan, done["courtesy"])[2]

    return [
        ("core", lambda: done.setdefault("core", scoring.score_core(data, plan))),
        ("courtesy", lambda: done.setdefault("courtesy", courtesy_scores(data, q, done["core"].design, None))),
        ("kpis", lambda: scoring.kpi_results(data, done["core"], plan)),
        ("dimensions", lambda: done.setdefault("dimensions", scoring.dimension_results(done["core"], plan))),
        ("items", lambda: done.setdefault("items", scoring.item_results(done["core"], plan))),
        ("segments", lambda: segment_tables(data, headline(), done["core"].design, done["core"].dimension_scores,
                                            plan.dimensions, {})),
        ("drivers", lambda: scoring.driver_results(data, done["core"], plan, done["dimensions"], done["items"])),
        ("coverage", lambda: coverage(data, q, report._scored_questions(q, plan, done["courtesy"]), headline())),
    ]


def measure(n: int) -> None:
    """Print each step's traced peak for a wave of ``n`` responses."""
    data, q = synthetic_wave(n), load_yaml(questionnaire_yaml())
    matrix = data.values.nbytes
    print(f"{n:,} responses, answer matrix {matrix / 2**20:.0f} MB")
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for name, step in steps(data, q):
        tracemalloc.reset_peak()
        start = time.perf_counter()
        step()
        peak = tracemalloc.get_traced_memory()[1] - base
        print(f"  {name:<11} peak {peak / 2**20:7.0f} MB = {peak / matrix:4.1f} x matrix  {time.perf_counter() - start:6.2f} s",
              flush=True)
    tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200000", help="comma-separated numbers of responses")
    for n in [int(s) for s in parser.parse_args().sizes.split(",") if s]:
        measure(n)


if __name__ == "__main__":
    main()
