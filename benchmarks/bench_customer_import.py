"""Benchmark: customer and order import from CSV files beside a bare PostgreSQL COPY of the same files.

For each size (customers:orders), in a child process of its own on a fresh PostgreSQL schema:

* ``ours``: ``survey_app.customers.importing.import_file`` of a customer file (name, phone, e-mail, address,
  birth year, gender, two consent columns: identifiers sealed with AES-GCM, phone and e-mail hashed, consent
  events written) and then of an order file (three date formats, amounts like ``12,300원``, 주문/배송/반품…),
  each streamed, validated and upserted in one transaction and committed, with the access log;
* ``bare COPY``: ``COPY … FROM STDIN (FORMAT csv, HEADER)`` of the same two files into plain tables of the
  same columns with the same unique, look-up and customer indexes and the orders' foreign key to their
  customer — no checks, no encryption, no upsert.

Peak memory is the child's maximum resident set (``ru_maxrss``, interpreter and libraries included), so two
sizes show whether it stays flat as the file grows. Target: ours ≤ 3× the bare COPY; memory flat.

Usage::

    python benchmarks/bench_customer_import.py --database-url postgresql://postgres@127.0.0.1/bench \
        --sizes 20000:100000,200000:1000000 --write-docs
    python benchmarks/bench_customer_import.py --database-url ... --sizes 500:2000 --no-docs   # smoke
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

SCHEMA = "bench_customer_import"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
MARK_START, MARK_END = "<!-- bench_customer_import:start -->", "<!-- bench_customer_import:end -->"
CUSTOMER_HEADER = "고객번호,고객구분,이름,휴대전화,전자우편,주소,출생연도,성별,설문동의,마케팅동의\n"
ORDER_HEADER = "주문번호,고객번호,주문일시,상품분류,상품명,금액,수량,주문상태\n"
STATUSES = ("주문", "배송", "배송", "배송", "반품", "교환", "취소")
CATEGORIES = ("농산물", "수산물", "축산물", "가공식품", "생활용품")


def write_files(folder: Path, customers: int, orders: int) -> tuple[Path, Path]:
    """A customer file and an order file of the given sizes (written line by line)."""
    people, bought = folder / "customers.csv", folder / "orders.csv"
    with people.open("w", encoding="utf-8") as out:
        out.write(CUSTOMER_HEADER)
        for i in range(customers):
            out.write(f"C{i:08d},{'법인' if i % 20 == 0 else '개인'},고객{i},010-{i // 10000 % 10000:04d}-{i % 10000:04d},"
                      f"c{i}@example.kr,서울특별시 종로구 세종대로 {i % 300},{1940 + i % 60},{'남여'[i % 2]},"
                      f"{'동의' if i % 7 else '미동의'},{'Y' if i % 3 else 'N'}\n")
    dates = ("2025-{m:02d}-{d:02d} 14:30", "2025.{m:02d}.{d:02d}", "2025{m:02d}{d:02d}")
    with bought.open("w", encoding="utf-8") as out:
        out.write(ORDER_HEADER)
        for i in range(orders):
            when = dates[i % 3].format(m=1 + i % 12, d=1 + i % 28)
            out.write(f'O{i:09d},C{(i * 7919) % customers:08d},{when},{CATEGORIES[i % 5]},상품 {i % 997},'
                      f'"{(i % 500 + 1) * 100:,}원",{1 + i % 3},{STATUSES[i % 7]}\n')
    return people, bought


def _fresh(url: str) -> str:
    base = url.replace("postgresql://", "postgresql+psycopg://")
    with create_engine(base).begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{SCHEMA}"


BARE_TABLES = (
    "CREATE TABLE bare_customers (id serial PRIMARY KEY, external_id varchar(64) UNIQUE NOT NULL, kind text, "
    "name text, phone text, email text, address text, birth_year int, gender text, consent_survey text, "
    "consent_marketing text)",
    "CREATE INDEX ix_bare_customers_phone ON bare_customers (phone)",
    "CREATE INDEX ix_bare_customers_email ON bare_customers (email)",
    "CREATE TABLE bare_orders (id serial PRIMARY KEY, external_id varchar(64) UNIQUE NOT NULL, "
    "customer_id varchar(64) NOT NULL REFERENCES bare_customers (external_id), "
    "ordered_at text, category text, product text, amount text, quantity int, status text)",
    "CREATE INDEX ix_bare_orders_customer ON bare_orders (customer_id, ordered_at)",
    "CREATE INDEX ix_bare_orders_time ON bare_orders (ordered_at)",
)


def bare_copy(url: str, people: Path, bought: Path) -> float:
    """Seconds to COPY both files into plain tables with the same indexes (one transaction)."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        for statement in BARE_TABLES:
            conn.execute(statement)
        conn.commit()
        start = time.perf_counter()
        with conn.cursor() as cursor:
            for table, path, columns in (
                    ("bare_customers", people, "external_id, kind, name, phone, email, address, birth_year, gender, "
                                               "consent_survey, consent_marketing"),
                    ("bare_orders", bought, "external_id, customer_id, ordered_at, category, product, amount, "
                                            "quantity, status")):
                with path.open("rb") as source, cursor.copy(
                        f"COPY {table} ({columns}) FROM STDIN (FORMAT csv, HEADER)") as copy:
                    while chunk := source.read(1 << 20):
                        copy.write(chunk)
        conn.commit()
        return time.perf_counter() - start


def ours(url: str, folder: str, people: Path, bought: Path) -> dict:
    """Seconds for our two imports (each committed), and what they did."""
    from survey_app import create_app, migrate
    from survey_app.customers.importing import import_file
    from survey_app.database import db

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": folder, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"})
    result = {}
    with app.app_context():
        migrate.upgrade(db.engine)
        for kind, path in (("customers", people), ("orders", bought)):
            start = time.perf_counter()
            report = import_file(kind, path, path.name)
            assert report.ok and report.created == report.total, list(report.lines())[:5]
            db.session.commit()
            result[kind] = time.perf_counter() - start
            result[f"{kind}_rows"] = report.total
    app.extensions["survey_engine"].dispose()
    return result


def child(url: str, customers: int, orders: int, what: str) -> None:
    """One measurement in this process; prints a JSON line."""
    with tempfile.TemporaryDirectory() as folder:
        people, bought = write_files(Path(folder), customers, orders)
        fresh = _fresh(url)
        base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if what == "bare":
            found = {"bare": bare_copy(fresh, people, bought)}
        else:
            found = ours(fresh, folder, people, bought)
        found["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        found["start_rss_mb"] = base_rss / 1024
    print(json.dumps(found))


def measure(url: str, customers: int, orders: int, what: str) -> dict:
    """Run :func:`child` in a fresh interpreter so its peak memory is its own."""
    answer = subprocess.run([sys.executable, __file__, "--child", what, "--database-url", url,
                             "--sizes", f"{customers}:{orders}"], check=True, capture_output=True, text=True)
    return json.loads(answer.stdout.strip().splitlines()[-1])


def machine(url: str) -> str:
    """One line about where this ran."""
    import platform
    from datetime import date

    with create_engine(url.replace("postgresql://", "postgresql+psycopg://")).connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar_one().split()[0]
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"Measured {date.today()} on {os.cpu_count()} CPU(s), Python {platform.python_version()}, PostgreSQL "
            f"{version} on loopback; load average at the end {load} (1/5/15 min; the machine is shared).")


def main() -> None:
    """Measure every size, print the table and (with --write-docs) record it in docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"), required=False)
    parser.add_argument("--sizes", default="20000:100000,200000:1000000", help="customers:orders,…")
    parser.add_argument("--child", choices=["ours", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--no-docs", action="store_true", help="print only (the default; kept for smoke.sh)")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url (PostgreSQL) is required")
    sizes = [tuple(int(x) for x in s.split(":")) for s in args.sizes.split(",")]
    if args.child:
        child(args.database_url, *sizes[0], args.child)
        return
    rows = []
    for customers, orders in sizes:
        bare, mine = measure(args.database_url, customers, orders, "bare"), measure(args.database_url, customers,
                                                                                   orders, "ours")
        total = mine["customers"] + mine["orders"]
        rows.append(f"| {customers:,} + {orders:,} | {mine['customers']:.2f} | {mine['orders']:.2f} | {total:.2f} | "
                    f"{bare['bare']:.2f} | {total / bare['bare']:.2f}× | {mine['peak_rss_mb']:.0f} | "
                    f"{bare['peak_rss_mb']:.0f} |")
        print(rows[-1], flush=True)
    table = [MARK_START, "## Customer import (PostgreSQL, `benchmarks/bench_customer_import.py`)", "",
             machine(args.database_url), "",
             "| customers + orders | ours: customers s | ours: orders s | ours total s | bare COPY s | ratio | "
             "ours peak RSS MB | COPY peak RSS MB |", "|---:|---:|---:|---:|---:|---:|---:|---:|", *rows, "",
             "Target: ours ≤ 3× the bare COPY of the same two files, same run; peak memory flat as the files grow.",
             MARK_END]
    print("\n".join(table))
    if args.write_docs:
        current = DOCS.read_text(encoding="utf-8")
        if MARK_START in current:
            before, _sep, rest = current.partition(MARK_START)
            current = before + "\n".join(table) + rest.partition(MARK_END)[2]
        else:
            current = current.rstrip("\n") + "\n\n" + "\n".join(table) + "\n"
        DOCS.write_text(current, encoding="utf-8")


if __name__ == "__main__":
    main()
