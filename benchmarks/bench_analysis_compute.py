"""Benchmark: compute part of a 30-item wave report, beside a plain numpy baseline.

For each size the script builds a synthetic wave (7-point items with ~5% missing
answers, an NPS item, unequal weights), then times, in the same run:

* ``analysis``: :func:`analysis.report.score_wave` — per-item means with
  Taylor SEs, 100-point item scores, dimension scores and the index with SEs,
  NPS (design SE) and CSAT (Wilson);
* ``numpy``: the same numbers written directly in numpy for this simple design
  (weights only), the reference point for the "compute <= 2x numpy" target.

It checks that both give the same numbers and prints a table with the ratio.
Loading from PostgreSQL is timed by a separate benchmark.

Usage::

    python benchmarks/bench_analysis_compute.py                 # 10k, 100k, 1M
    python benchmarks/bench_analysis_compute.py --sizes 1000    # quick CI run
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from analysis.index import ItemSpec
from analysis.report import score_wave

N_ITEMS = 30
N_DIMS = 5
DIM_WEIGHTS = {f"D{d}": w for d, w in enumerate([0.3, 0.2, 0.2, 0.15, 0.15])}


def make_wave(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Synthetic wave: responses (n x 30), NPS answers and weights."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    y = np.clip(np.round(4.8 + 1.2 * latent + rng.normal(size=(n, N_ITEMS))), 1, 7)
    y[rng.random((n, N_ITEMS)) < 0.05] = np.nan
    nps = np.clip(np.round(7 + 2 * latent[:, 0] + rng.normal(size=n)), 0, 10)
    weights = rng.lognormal(0.0, 0.4, size=n)
    return {"y": y, "nps": nps, "weights": weights}


ITEMS = [ItemSpec(f"Q{j + 1}", f"D{j % N_DIMS}") for j in range(N_ITEMS)]


def run_analysis(wave: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The package's wave report."""
    rep = score_wave(wave["y"], ITEMS, DIM_WEIGHTS, nps_scores=wave["nps"], csat_scores=wave["y"][:, 0],
                     weights=wave["weights"])
    return {"mean": rep.item_means.value, "se": rep.item_means.se, "index": rep.scores.index.value,
            "index_se": rep.scores.index.se, "nps": rep.nps.value, "nps_se": rep.nps.se,
            "csat": rep.csat.value}


def _baseline_means(y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted means and their linearised SEs (one stratum, rows as PSUs)."""
    n = y.shape[0]
    ok = ~np.isnan(y)
    wd = w[:, None] * ok
    yz = np.nan_to_num(y)
    wsum = wd.sum(0)
    m = (wd * yz).sum(0) / wsum
    x = wd * (yz - m) / wsum
    var = n / (n - 1) * ((x - x.mean(0)) ** 2).sum(0)
    return m, np.sqrt(var), x


def run_numpy(wave: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The same numbers computed directly with numpy."""
    y, w = wave["y"], wave["weights"]
    n = len(w)
    m, se, _ = _baseline_means(y, w)
    m100, _, x100 = _baseline_means((y - 1) / 6 * 100, w)
    dims = np.arange(N_ITEMS) % N_DIMS
    coef = np.array([DIM_WEIGHTS[f"D{d}"] for d in dims]) / np.bincount(dims)[dims]
    xi = x100 @ coef
    index_se = np.sqrt(n / (n - 1) * ((xi - xi.mean()) ** 2).sum())
    points = np.where(wave["nps"] >= 9, 100.0, np.where(wave["nps"] <= 6, -100.0, 0.0))
    nm, nse, _ = _baseline_means(points[:, None], w)
    ok = ~np.isnan(y[:, 0])
    p = (w[ok] * (y[ok, 0] >= 6)).sum() / w[ok].sum()
    return {"mean": m, "se": se, "index": float(m100 @ coef), "index_se": index_se, "nps": nm[0],
            "nps_se": nse[0], "csat": 100 * p}


def best_time(func, wave, repeat: int) -> tuple[float, dict]:
    """Best wall time of ``repeat`` runs and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = func(wave)
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="comma-separated numbers of responses (default 10k,100k,1M)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best is kept")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"{'responses':>10} {'items':>5} {'analysis s':>11} {'numpy s':>9} {'ratio':>6}  check")
    for n in sizes:
        wave = make_wave(n)
        t_pkg, got = best_time(run_analysis, wave, args.repeat)
        t_np, ref = best_time(run_numpy, wave, args.repeat)
        same = all(np.allclose(got[k], ref[k], rtol=1e-9, atol=1e-12) for k in ref)
        print(f"{n:>10} {N_ITEMS:>5} {t_pkg:>11.4f} {t_np:>9.4f} {t_pkg / t_np:>6.2f}  "
              f"{'same numbers' if same else 'MISMATCH'}")
        if not same:
            raise SystemExit("analysis and numpy baseline disagree")


if __name__ == "__main__":
    main()
