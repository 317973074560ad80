"""Benchmark: contact import, invitation creation and e-mail sending, each beside a bare baseline.

For each size N, on a fresh database (a temporary SQLite file, or a PostgreSQL schema with --database-url):

* ``import``: validate a CSV of N contacts (format, consent, office codes, duplicates in the file and against
  stored contacts) and import them encrypted, with the access log — baseline: csv parsing plus a bare
  executemany INSERT of N rows into the same table, no checks, no encryption. Target ≤ 10 s for 100k.
* ``invitations``: open a wave whose audience is the N contacts (audience query, tokens, invitations, outbox
  rows, skips) — baseline: a bare INSERT of N invitation rows. Target ≤ 10 s for 100k.
* ``email``: one sender process draining min(N, --emails) messages to a loopback aiosmtpd server — baseline:
  smtplib sending the same number of pre-built messages on one connection. Target ≥ 200 messages/s.
* ``crash``: a ``survey-app sender`` process sending to the same SMTP server is killed (``os._exit``, as a
  ``kill -9``) right after the server accepted its k-th message, for several k across and inside groups; the
  figure is the worst number of messages left *in doubt* (accepted but not recorded: sent again after the
  lease), counted by ``recover_expired``. Target: 1, the message in flight.

Usage::

    python benchmarks/bench_distribution.py --sizes 100000 --database-url postgresql://postgres@127.0.0.1/bench
    python benchmarks/bench_distribution.py --sizes 1000          # quick CI run (SQLite)
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import smtplib
import sys
import tempfile
import time
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, text  # noqa: E402

from survey_app import create_app, migrate  # noqa: E402
from survey_app.database import db  # noqa: E402
from tests.distribution_support import contact_csv, free_port, people  # noqa: E402

SCHEMA = "bench_distribution"


def _fresh(url: str | None, folder: str):
    if not url:
        return f"sqlite:///{folder}/bench.sqlite"
    base = url.replace("postgresql://", "postgresql+psycopg://")
    with create_engine(base).begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{SCHEMA}"


def _timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def bench_import(data: bytes, n: int) -> tuple[float, float]:
    """(ours, baseline) seconds."""
    from survey_app.distribution.contacts_import import import_contacts, validate_file
    from survey_app.models import Contact

    def ours():
        report = validate_file(data, "bench.csv")
        assert report.ok, report.problems[:2]
        import_contacts(report, source="bench.csv")
        db.session.commit()

    def baseline():
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))[1:]
        values = [{"name_enc": r[0].encode(), "phone_enc": r[1].encode(), "email_enc": r[2].encode(),
                   "phone_hash": f"b{i}", "email_hash": f"e{i}", "attributes": {"region": r[3]}, "consent": True,
                   "source": "baseline"} for i, r in enumerate(rows)]
        db.session.execute(insert(Contact), values)
        db.session.rollback()

    base, _ = _timed(baseline)
    mine, _ = _timed(ours)
    return mine, base


def bench_invitations(n: int) -> tuple[float, float, int]:
    """(ours, baseline, invitations made)."""
    from survey_app.distribution.fielding import open_wave
    from survey_app.distribution.plans import PlanInput, save_plan
    from survey_app.models import Invitation, Survey, Wave, utcnow

    survey = Survey(code="BENCH", title="벤치", kind="customer_satisfaction", draft_definition={})
    version = survey.publish({"code": "BENCH", "sections": []})
    waves = [Wave(code=f"BENCH-{i}", name="벤치", survey=survey, version=version) for i in range(2)]
    db.session.add_all(waves)
    db.session.flush()
    plan = save_plan(waves[0], PlanInput(utcnow(), utcnow() + timedelta(days=9), ["email"], quiet_start="00:00",
                                         quiet_end="00:00"))
    db.session.commit()
    contact_ids = db.session.scalars(text("SELECT id FROM contacts")).all()

    def baseline():
        rows = [{"wave_id": waves[1].id, "contact_id": cid, "token_hash": f"{cid:064d}", "channel": "email",
                 "status": "queued", "hidden": {}, "reminders_sent": 0, "created_at": utcnow()} for cid in contact_ids]
        db.session.execute(insert(Invitation), rows)
        db.session.rollback()

    def ours():
        made = open_wave(db.session.merge(plan), utcnow())
        db.session.commit()
        return made

    base, _ = _timed(baseline)
    mine, made = _timed(ours)
    return mine, base, made


def bench_email(app, count: int) -> tuple[float, float]:
    """(ours, baseline) messages per second."""
    from survey_app.distribution.sender import Sender

    with SinkProcess() as sink:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_SECURITY="none", SEND_BATCH=200)
        db.session.execute(text("UPDATE outbox_messages SET status = 'cancelled' WHERE id > :n"), {"n": _first_id() + count - 1})
        db.session.commit()
        mine, stats = _timed(lambda: Sender(app, ["email"], worker="bench").run(until_empty=True))
        assert stats.sent == count, stats
        smtp = smtplib.SMTP("127.0.0.1", sink.port)
        mails = []
        for i in range(count):
            mail = EmailMessage()
            mail["From"], mail["To"], mail["Subject"] = "survey@localhost", f"c{i}@example.com", "설문 안내"
            mail.set_content("안녕하십니까. http://127.0.0.1/s/" + "x" * 43)
            mails.append(mail)
        base, _ = _timed(lambda: [smtp.send_message(m) for m in mails])
        smtp.quit()
    return count / mine, count / base


class SinkProcess:
    """aiosmtpd's discarding sink in its own process (so it does not share the sender's interpreter)."""

    def __enter__(self) -> SinkProcess:
        import subprocess

        self.port = free_port()
        self.process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
                                         "-c", "aiosmtpd.handlers.Sink"])
        for _ in range(100):
            try:
                smtplib.SMTP("127.0.0.1", self.port, timeout=1).quit()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("SMTP sink did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(10)


CRASH_POINTS = (1, 2, 13, 49, 50, 51, 77)


def bench_crash(app, url: str, folder: str, count: int) -> int:
    """The most messages in doubt after a sender process is killed right after an acceptance, over CRASH_POINTS."""
    import subprocess

    from survey_app.distribution.outbox import recover_expired
    from survey_app.models import utcnow

    worst = 0
    with SinkProcess() as sink:
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}, "SURVEY_DATABASE_URL": url,
               "SURVEY_INSTANCE_PATH": folder, "SURVEY_SECRET_KEY": "bench", "SURVEY_SMTP_HOST": "127.0.0.1",
               "SURVEY_SMTP_PORT": str(sink.port), "SURVEY_SMTP_SECURITY": "none", "SURVEY_SEND_RATE_EMAIL": "0",
               "SURVEY_SEND_BATCH": "200", "SURVEY_LOG_LEVEL": "WARNING"}
        for point in CRASH_POINTS:
            first = _first_id()
            db.session.execute(text("UPDATE outbox_messages SET status = CASE WHEN id < :end THEN 'pending' "
                                    "ELSE 'cancelled' END, attempts = 0, attempt_started_at = NULL, locked_by = NULL, "
                                    "lease_until = NULL, next_attempt_at = :now"),
                               {"end": first + count, "now": utcnow() - timedelta(seconds=1)})
            db.session.commit()
            done = subprocess.run([sys.executable, "-m", "survey_app", "sender", "--channel", "email", "--max-seconds",
                                   "120"], env={**env, "SURVEY_TEST_SENDER_CRASH_AFTER": str(point)},
                                  capture_output=True, text=True, timeout=180)
            assert done.returncode == 17, done.stdout + done.stderr
            _released, in_doubt = recover_expired(utcnow() + timedelta(hours=1))  # as if the lease ran out
            worst = max(worst, in_doubt)
    return worst


def _first_id() -> int:
    return db.session.scalar(text("SELECT min(id) FROM outbox_messages"))


def run(n: int, url: str | None, emails: int) -> list[tuple[str, str, str, str, str]]:
    """The rows of the table for size n."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": _fresh(url, folder), "INSTANCE_PATH": folder, "SECRET_KEY": "bench",
                          "LOG_LEVEL": "WARNING"})
        with app.app_context():
            migrate.upgrade(db.engine)
            data = contact_csv(people(n))
            imp, imp_base = bench_import(data, n)
            inv, inv_base, made = bench_invitations(n)
            assert made == n
            rate, rate_base = bench_email(app, min(n, emails))
            doubt = bench_crash(app, app.config["SQLALCHEMY_URL"], folder, min(n, 200))
        app.extensions["survey_engine"].dispose()
    return [("import", f"contact import {n:,} with validation", f"{imp:.2f} s", f"{imp_base:.2f} s (bare insert)",
             f"{imp / imp_base:.1f}×"),
            ("invitations", f"invitation creation {n:,}", f"{inv:.2f} s", f"{inv_base:.2f} s (bare insert)",
             f"{inv / inv_base:.1f}×"),
            ("email", f"e-mail, 1 sender, {min(n, emails):,} msgs", f"{rate:.0f} msg/s",
             f"{rate_base:.0f} msg/s (raw smtplib)", f"{rate / rate_base:.2f}×"),
            ("crash", f"sender killed after an acceptance, worst of {len(CRASH_POINTS)} points",
             f"{doubt} in doubt", "1 (the message in flight)", f"{doubt}×")]


TARGETS = {"import": "≤ 10 s at 100k", "invitations": "≤ 10 s at 100k", "email": "≥ 200 msg/s",
           "crash": "≤ 1 message in doubt"}
MARK_START, MARK_END = "<!-- bench_distribution:start -->", "<!-- bench_distribution:end -->"


def machine(url: str | None) -> str:
    """One line about where this ran: date, CPUs, load, database."""
    import platform
    from datetime import date

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    database = "SQLite (temporary file)"
    if url:
        with create_engine(url.replace("postgresql://", "postgresql+psycopg://")).connect() as conn:
            database = conn.execute(text("SHOW server_version")).scalar_one().split()[0]
            database = f"PostgreSQL {database} on loopback"
    return (f"Measured {date.today()} on {os.cpu_count()} CPU(s) ({cpu}), Python {platform.python_version()}, "
            f"{database}; load average at the end {load} (1/5/15 min; other engineers' test runs share the machine).")


def main() -> None:
    """Run the sizes asked for and print (and record) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--emails", type=int, default=5000)
    parser.add_argument("--note", default="", help="a sentence added under the table (e.g. earlier figures)")
    parser.add_argument("--write-docs", action="store_true", help="replace this benchmark's section of docs/benchmarks.md")
    args = parser.parse_args()
    rows = [row for n in (int(s) for s in args.sizes.split(",")) for row in run(n, args.database_url, args.emails)]
    db_name = "PostgreSQL" if args.database_url else "SQLite"
    lines = [MARK_START, f"## Distribution ({db_name}, `benchmarks/bench_distribution.py`)", "",
             machine(args.database_url), "",
             "| work | ours | baseline (same run) | ratio | target |", "|---|---|---|---|---|",
             *(f"| {a} | {b} | {c} | {d} | {TARGETS[k]} |" for k, a, b, c, d in rows), ""]
    if args.note:
        lines += [args.note, ""]
    lines.append(MARK_END)
    print("\n".join(lines))
    if args.write_docs:
        _write_section(lines)


def _write_section(lines: list[str]) -> None:
    """Replace this benchmark's marked section (or its older unmarked one) in place; other sections stay."""
    path = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
    old = path.read_text(encoding="utf-8").splitlines() if path.exists() else ["# Benchmarks", ""]
    if MARK_START in old and MARK_END in old:
        start, end = old.index(MARK_START), old.index(MARK_END) + 1
    else:
        heading = lines[1].split(" (")[0]
        start = next((i for i, line in enumerate(old) if line.startswith(heading)), len(old))
        end = next((i for i in range(start + 1, len(old)) if old[i].startswith(("## ", "<!--"))), len(old))
    path.write_text("\n".join(old[:start] + lines + [""] + old[end:]).rstrip() + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
