"""Benchmark: the customer page (고객 정보) of a customer with many orders and calls, beside a bare baseline.

On a fresh database (a temporary SQLite file, or a PostgreSQL schema with --database-url) one customer gets
N orders, N/2 interactions and an answered survey. In one process, the same run times:

* ``page``: ``GET /manage/customers/<id>`` through the whole app (sign-in session, access check, summaries
  in SQL, the merged first timeline page of 50 rows, survey scores, consents, linked contacts);
* ``bare``: a bare Flask app with a plain SQLAlchemy Core query of the newest 50 orders and 50 interactions
  of the same customer from the same database, rendered as one table (no session, no access check).

Each is the median of --repeat requests after a warm-up; the ratio page/bare is reported. Target: the
page ≤ 100 ms for 1,000 orders and 500 interactions.

Usage::

    python benchmarks/bench_customer_page.py                                  # 1,000 orders (SQLite)
    python benchmarks/bench_customer_page.py --orders 1000 10000 --database-url postgresql://postgres@127.0.0.1/bench
    python benchmarks/bench_customer_page.py --orders 100 --repeat 3          # quick CI run
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, render_template_string  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402

from survey_app import create_app, migrate  # noqa: E402
from survey_app.database import db  # noqa: E402
from survey_app.models import Interaction, Order  # noqa: E402

SCHEMA = "bench_customer_page"
PASSWORD = "Bench2026customer"
BARE_PAGE = """<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>고객</title></head><body><main>
<h1>고객 {{ customer_id }}</h1><table><thead><tr><th>일시</th><th>종류</th><th>내용</th></tr></thead><tbody>
{% for at, kind, a, b, c in rows %}<tr><td>{{ at }}</td><td>{{ kind }}</td><td>{{ a }} · {{ b }} · {{ c }}</td></tr>{% endfor %}
</tbody></table></main></body></html>"""


def _fresh(url: str | None, folder: str) -> str:
    if not url:
        return f"sqlite:///{folder}/bench.sqlite"
    base = url.replace("postgresql://", "postgresql+psycopg://")
    with create_engine(base).begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{SCHEMA}"


def seed(app, orders: int) -> int:
    """An admin and one customer with ``orders`` orders, half as many calls and an answered survey."""
    from survey_app.accounts.operations import create_user
    from survey_app.models import Survey, Wave
    from tests.customer_support import add_interactions, add_orders, answered_survey, make_customer
    from tests.test_results_support import SMALL

    with app.app_context():
        create_user("bench_admin", PASSWORD, is_admin=True)
        customer = make_customer(db.session, "C-BENCH")
        add_orders(db.session, customer, orders)
        add_interactions(db.session, customer, orders // 2)
        survey = Survey(code="BENCH-SMALL", title="벤치", kind="customer_satisfaction", draft_definition=SMALL.to_dict())
        db.session.add(survey)
        wave = Wave(code="W-BENCH", name="벤치 차수", survey=survey, version=survey.publish(SMALL.to_dict()),
                    state="open")
        db.session.add(wave)
        db.session.flush()
        answered_survey(db.session, wave, {"Q1": 5, "Q2": 4, "Q5": 4, "Q6": 9})
        db.session.commit()
        return customer.id


def bare_app(url: str, customer_id: int) -> Flask:
    """The least a Flask app does for the same first page: two indexed queries and one table."""
    engine = create_engine(url)
    bare = Flask("bare_customer_page")

    @bare.get("/c")
    def page():
        with engine.connect() as conn:
            orders = conn.execute(select(Order.ordered_at, Order.external_id, Order.category, Order.amount)
                                  .where(Order.customer_id == customer_id)
                                  .order_by(Order.ordered_at.desc()).limit(50)).all()
            calls = conn.execute(select(Interaction.occurred_at, Interaction.channel, Interaction.topic_code,
                                        Interaction.note).where(Interaction.customer_id == customer_id)
                                 .order_by(Interaction.occurred_at.desc()).limit(50)).all()
        rows = sorted([(o[0], "order", *o[1:]) for o in orders] + [(c[0], "call", *c[1:]) for c in calls],
                      key=lambda r: r[0], reverse=True)[:50]
        return render_template_string(BARE_PAGE, customer_id=customer_id, rows=rows)

    return bare


def median_ms(get, repeat: int) -> float:
    """Median wall time of ``get()`` in milliseconds after two warm-up calls."""
    for _ in range(2):
        get()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        answer = get()
        times.append((time.perf_counter() - start) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"HTTP {answer.status_code}")
    return statistics.median(times)


def run(orders: int, url: str | None, repeat: int) -> tuple[float, float]:
    """(page ms, bare ms) for a customer with ``orders`` orders."""
    with tempfile.TemporaryDirectory() as folder:
        database = _fresh(url, folder)
        app = create_app({"DATABASE_URL": database, "INSTANCE_PATH": folder, "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False, "RATE_LIMIT_ENABLED": False})
        with app.app_context():
            migrate.upgrade(db.engine)
        customer_id = seed(app, orders)
        client = app.test_client()
        signed_in = client.post("/manage/login", data={"username": "bench_admin", "password": PASSWORD})
        if signed_in.status_code != 302:
            raise SystemExit("sign-in failed")
        page = median_ms(lambda: client.get(f"/manage/customers/{customer_id}"), repeat)
        engine_url = app.extensions["survey_engine"].url.render_as_string(hide_password=False)
        bare_client = bare_app(engine_url, customer_id).test_client()
        bare = median_ms(lambda: bare_client.get("/c"), repeat)
        app.extensions["survey_engine"].dispose()
        return page, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[1000])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(f"{'orders':>8} {'calls':>6} {'page ms':>9} {'bare ms':>9} {'ratio':>6}  target page ≤ 100 ms")
    for orders in args.orders:
        page, bare = run(orders, args.database_url, args.repeat)
        verdict = "ok" if page <= 100 else "SLOW"
        print(f"{orders:>8} {orders // 2:>6} {page:>9.1f} {bare:>9.1f} {page / bare:>6.1f}  {verdict}")


if __name__ == "__main__":
    main()
