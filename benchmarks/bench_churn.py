"""Benchmark: churn model quality beside two baselines, and the SQL feature build and scoring at scale.

Quality (same run, same test customers): the time-split backtest of
:func:`survey_app.retention.scoring.run_backtest` — features built by SQL in the database at three
training cutoffs, tested at the latest cutoff whose 180-day horizon is observed — reporting ROC-AUC,
PR-AUC, top-decile lift and Brier for the logistic model, for recency alone (days since the last
order) and for the RFM score alone (R + F + M). The model must beat both; the script says so. Data sets:

* ``demo``: the demo's 20,000 customers (``survey-app demo``'s generator, seeded afresh here);
* ``cdnow``: the CDNOW master sample (23,570 customers, 69,659 purchases, 1997-01 to 1998-06; Fader &
  Hardie's version) read from ``lifetimes/datasets/CDNOW_master.txt`` inside the ``lifetimes`` wheel,
  which is fetched with ``pip download lifetimes --no-deps`` (not installed).

Speed (``--sizes customers:orders,...``): customers, orders and a tenth as many interactions generated
in PostgreSQL with ``generate_series``, then timed:

* ``bare``: the baseline — one plain ``GROUP BY customer_id`` (count, sum, max) over the orders before
  the cutoff, fetched to Python;
* ``features``: :func:`survey_app.retention.features.build_features` with the churn label (the whole
  feature table: orders, calls, consent, survey answers, label); tracemalloc's Python peak is taken on a
  second, untimed build;
* ``scoring``: risk and Korean reasons for every customer from a fitted logistic model.

The database named by ``--database-url`` is EMPTIED (its ``public`` schema dropped and migrated afresh).

Usage::

    python benchmarks/bench_churn.py --database-url postgresql://postgres@127.0.0.1/bench_churn
    python benchmarks/bench_churn.py --database-url ... --sizes 2000:10000 --no-demo   # smoke
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CDNOW_MEMBER = "lifetimes/datasets/CDNOW_master.txt"
SPEED_CUTOFF = date(2026, 6, 1)


def reset_database(url: str) -> None:
    """Drop the public schema and migrate it afresh."""
    from survey_app import migrate

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    engine.dispose()


def cdnow_rows(cache: Path) -> list[tuple[str, date, int, float]]:
    """(customer, day, CDs, dollars) from the lifetimes wheel (downloaded once into ``cache``)."""
    wheels = sorted(cache.glob("[Ll]ifetimes-*.whl"))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "lifetimes", "--no-deps", "-q", "-d", str(cache)],
                       check=True)
        wheels = sorted(cache.glob("[Ll]ifetimes-*.whl"))
    raw = zipfile.ZipFile(wheels[-1]).read(CDNOW_MEMBER).decode()
    rows = []
    for line in raw.splitlines()[1:]:
        customer, day, cds, dollars = line.split()
        rows.append((customer, datetime.strptime(day, "%Y%m%d").date(), int(cds), float(dollars)))
    return rows


def load_cdnow(url: str, rows) -> None:
    """Customers and their orders (one order per purchase line, cents as the amount) by COPY."""
    engine = create_engine(url)
    customers = sorted({r[0] for r in rows})
    ids = {c: i + 1 for i, c in enumerate(customers)}
    now = datetime.now(UTC).isoformat()
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        with raw.cursor() as cur:
            with cur.copy("COPY customers (id, external_id, kind, is_stub, created_at, updated_at) FROM STDIN") as copy:
                copy.write("".join(f"{ids[c]}\tCD{c}\tperson\tf\t{now}\t{now}\n" for c in customers))
            with cur.copy("COPY orders (external_id, customer_id, ordered_at, amount, quantity, status) FROM STDIN") as copy:
                copy.write("".join(f"CD{n}\t{ids[c]}\t{d.isoformat()} 12:00:00+00\t{round(v * 100)}\t{q}\tdelivered\n"
                                   for n, (c, d, q, v) in enumerate(rows)))
            cur.execute("SELECT setval(pg_get_serial_sequence('customers', 'id'), %s)", (len(customers),))
    engine.dispose()


def seed_demo(app) -> None:
    """The demo's organisation, surveys and 20,000 customers."""
    from survey_app.database import db
    from survey_app.demo import seed_demo as seed

    with app.app_context():
        seed()
        db.session.commit()


def quality(app, name: str) -> bool:
    """Backtest on the loaded data; print the three rows; True if the model beats both baselines."""
    from survey_app.retention.scoring import run_backtest

    with app.app_context(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        bt, _frames = run_backtest()
        seconds = time.perf_counter() - start
    print(f"\n{name}: train {', '.join(map(str, bt.train_cutoffs))}; test {bt.test_cutoff}: "
          f"{bt.model.n:,} customers, churn {bt.model.base_rate:.1%} ({seconds:.1f} s)")
    print(f"  {'':14}{'ROC-AUC':>9}{'PR-AUC':>9}{'lift@10%':>10}{'Brier':>8}")
    for label, ev in (("model", bt.model), ("recency only", bt.recency), ("RFM score", bt.rfm)):
        brier = "-" if ev.brier != ev.brier else f"{ev.brier:.3f}"
        print(f"  {label:14}{ev.roc_auc:9.3f}{ev.pr_auc:9.3f}{ev.top_decile_lift:10.2f}{brier:>8}")
    print(f"  model beats both baselines: {'yes' if bt.beats_baselines else 'NO'} "
          f"(AUC +{bt.model.roc_auc - bt.recency.roc_auc:.3f} over recency, +{bt.model.roc_auc - bt.rfm.roc_auc:.3f} over RFM)")
    return bt.beats_baselines


def generate(url: str, customers: int, orders: int) -> None:
    """Customers, orders over 2025-01..2026-11 (5% returned, 3% cancelled; skewed: low ids buy far more often,
    so there are heavy buyers and lapsed ones at every size) and calls, in the database."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO customers (id, external_id, kind, is_stub, consent_marketing, created_at, "
                          "updated_at) SELECT g, 'B' || g, 'person', false, random() < 0.4, now(), now() "
                          "FROM generate_series(1, :n) g"), {"n": customers})
        conn.execute(text(
            "INSERT INTO orders (external_id, customer_id, ordered_at, amount, quantity, status, returned_on) "
            "SELECT 'O' || g, 1 + floor(power(random(), 2) * :c)::int, t, 10000 + floor(random() * 90000)::int, 1, "
            "CASE WHEN r < 0.05 THEN 'returned' WHEN r < 0.08 THEN 'cancelled' ELSE 'delivered' END, "
            "CASE WHEN r < 0.05 THEN (t + interval '6 days')::date END "
            "FROM (SELECT g, random() AS r, timestamptz '2025-01-01 00:00+00' + random() * interval '700 days' AS t "
            "FROM generate_series(1, :m) g) s"), {"c": customers, "m": orders})
        conn.execute(text(
            "INSERT INTO interactions (external_id, customer_id, occurred_at, channel, topic_code, outcome) "
            "SELECT 'I' || g, 1 + floor(random() * :c)::int, "
            "timestamptz '2025-01-01 00:00+00' + random() * interval '700 days', 'call', "
            "(ARRAY['delivery_status','loss_damage','complaint_staff','fee'])[1 + floor(random() * 4)::int], "
            "CASE WHEN random() < 0.05 THEN 'unresolved' ELSE 'resolved' END "
            "FROM generate_series(1, :k) g"), {"c": customers, "k": max(1, orders // 10)})
        conn.execute(text("ANALYZE customers; ANALYZE orders; ANALYZE interactions"))
    engine.dispose()


def speed(app, customers: int, orders: int) -> dict:
    """Time the bare GROUP BY, the feature build and the scoring; Python peak memory of the build."""
    from analysis.customers.churn import ChurnDefinition, fit_churn_model, reasons
    from survey_app.database import db
    from survey_app.retention.features import FEATURE_NAMES, FEATURES, build_features, start_of

    with app.app_context(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cut = start_of(SPEED_CUTOFF)
        start = time.perf_counter()
        bare = db.session.execute(text("SELECT customer_id, count(*), sum(amount), max(ordered_at) FROM orders "
                                       "WHERE ordered_at < :cut GROUP BY customer_id"), {"cut": cut}).all()
        bare_s = time.perf_counter() - start
        start = time.perf_counter()
        table = build_features(SPEED_CUTOFF, ChurnDefinition())
        features_s = time.perf_counter() - start
        tracemalloc.start()  # a second build for memory: tracemalloc slows Python several times over
        build_features(SPEED_CUTOFF, ChurnDefinition())
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        model = fit_churn_model(table.X, table.y, FEATURE_NAMES)
        start = time.perf_counter()
        risk = model.risk(table.X)
        why = reasons(model, table.X, FEATURES)
        scoring_s = time.perf_counter() - start
        db.session.rollback()
    assert len(why) == len(risk) == len(table.customer_ids)
    return {"customers": customers, "orders": orders, "rows": len(table.customer_ids), "bare_rows": len(bare),
            "bare": bare_s, "features": features_s, "scoring": scoring_s, "peak_mb": peak / 2**20}


def main() -> None:
    """Quality on the demo and CDNOW, then speed at each size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("SURVEY_BENCH_DATABASE_URL"),
                        help="PostgreSQL database to EMPTY and use (default: $SURVEY_BENCH_DATABASE_URL)")
    parser.add_argument("--sizes", default="20000:100000,20000:1000000,200000:1000000",
                        help="comma-separated customers:orders for the speed part")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo data set (seeding takes a minute)")
    parser.add_argument("--no-cdnow", action="store_true", help="skip the CDNOW data set")
    parser.add_argument("--wheel-cache", default=str(Path(tempfile.gettempdir()) / "bench_churn_wheels"),
                        help="where the lifetimes wheel is downloaded once")
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgresql"):
        parser.error("give a PostgreSQL URL with --database-url or SURVEY_BENCH_DATABASE_URL")
    from survey_app import create_app
    from survey_app.config import database_url

    url = database_url(args.database_url, "")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": tempfile.mkdtemp()})
    beaten = []
    if not args.no_demo:
        reset_database(url)
        seed_demo(app)
        beaten.append(quality(app, "demo (20,000 customers)"))
    if not args.no_cdnow:
        cache = Path(args.wheel_cache)
        cache.mkdir(parents=True, exist_ok=True)
        reset_database(url)
        load_cdnow(url, cdnow_rows(cache))
        beaten.append(quality(app, "CDNOW master (23,570 customers)"))
    rows = []
    if args.sizes:
        print(f"\n{'customers':>10}{'orders':>11}{'scored':>9}{'bare s':>8}{'features s':>11}{'ratio':>7}"
              f"{'scoring s':>10}{'peak MB':>9}")
    for size in [s for s in args.sizes.split(",") if s]:
        customers, orders = (int(v) for v in size.split(":"))
        reset_database(url)
        generate(url, customers, orders)
        r = speed(app, customers, orders)
        rows.append(r)
        print(f"{customers:>10,}{orders:>11,}{r['rows']:>9,}{r['bare']:>8.2f}{r['features']:>11.2f}"
              f"{r['features'] / r['bare']:>7.1f}{r['scoring']:>10.2f}{r['peak_mb']:>9.1f}", flush=True)
    app.extensions["survey_engine"].dispose()
    if beaten and not all(beaten):
        raise SystemExit("the churn model did not beat the recency and RFM baselines on every data set")


if __name__ == "__main__":
    main()
