"""Benchmark: the respondent's final POST with case rules on vs off, and response → case time, in one run.

What it does, all on 127.0.0.1 (reusing ``bench_respondent``'s pieces):

1. a PostgreSQL schema of its own (``bench_case_rules``), migrated, with the same 30-question survey twice in
   two open waves: ``RULESOFF`` (no case rule) and ``RULESON`` (a rule that fires on every response sent:
   question 7 at or below 2 — by default the worst case, every final POST leaves a trigger and becomes a case;
   ``--case-share 0.2`` makes the other respondents of both waves answer question 7 with 5, so one response
   in five opens a case, with the same work per POST in both waves);
2. the survey app under gunicorn (``survey-app serve``) and the scheduler (``survey-app scheduler`` with
   ``SURVEY_CASE_TRIGGER_SECONDS=1``), as operators run them;
3. wrk posting final submissions to each wave in turn, ``--rounds`` times, fresh respondents each time, so
   both see the same background load (the case job runs during the rules-on rounds and after);
4. after the load, waits until every trigger is processed, checks that every rules-on response made exactly
   one case and no rules-off response made a trigger, and reports throughput on vs off (target ≥ 95 %) and
   the time from a response's completion to its case's creation at p50/p95 (target ≤ 5 s at p95).

Usage::

    python benchmarks/bench_case_rules.py                                         # 12 s per scenario, 32 clients
    python benchmarks/bench_case_rules.py --seconds 2 --rounds 1 --clients 4 --respondents 4000  # smoke
    python benchmarks/bench_case_rules.py --case-share 0.2                        # one response in five
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

import benchmarks.bench_respondent as respondent  # noqa: E402

respondent.SCHEMA = "bench_case_rules"  # its own schema, dropped and recreated
respondent.wait_until_up.__defaults__ = (120,)  # a loaded machine may need more than 30 s to start gunicorn
SECRET = respondent.SECRET


def add_rule(app, wave_id: int) -> None:
    """The rules-on survey's rule: question 7 at or below 2 (the benchmark's answers give it 1)."""
    from survey_app.cases.rules import add_rule as add
    from survey_app.database import db
    from survey_app.models import Wave

    with app.app_context():
        add(db.session.get(Wave, wave_id).survey, kind="score_at_most", question_code="Q7", threshold=2)
        db.session.commit()


def scheduler(env: dict, workdir: Path) -> subprocess.Popen:
    """``survey-app scheduler`` with the case job every second."""
    return subprocess.Popen([sys.executable, "-m", "survey_app", "scheduler"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            env=respondent.server_env({**env, "SURVEY_CASE_TRIGGER_SECONDS": "1"}))


def with_share(lines: list[str], share: float) -> list[str]:
    """Mark all but ``share`` of the respondents "calm" (question 7 answered 5: no rule fires), evenly spread."""
    return [line if int((k + 1) * share) > int(k * share) else f"{line} calm" for k, line in enumerate(lines)]


def outcome(url: str, on_wave: int, off_wave: int, wait: float = 120) -> dict:
    """Wait for the case job to finish, then count and time what it made."""
    engine = create_engine(url)
    deadline = time.monotonic() + wait
    with engine.connect() as conn:
        while conn.execute(text("SELECT count(*) FROM case_triggers WHERE processed_at IS NULL")).scalar() and \
                time.monotonic() < deadline:
            time.sleep(0.5)
            conn.rollback()
        counts = conn.execute(text(
            "SELECT (SELECT count(*) FROM responses r JOIN answers a ON a.response_id = r.id "
            " WHERE r.wave_id = :on AND r.status = 'complete' AND a.question_code = 'Q7' AND a.value_num <= 2), "
            "(SELECT count(*) FROM cases c JOIN responses r ON r.id = c.response_id WHERE r.wave_id = :on), "
            "(SELECT count(DISTINCT c.response_id) FROM cases c JOIN responses r ON r.id = c.response_id "
            " WHERE r.wave_id = :on), "
            "(SELECT count(*) FROM case_triggers t JOIN responses r ON r.id = t.response_id WHERE r.wave_id = :off), "
            "(SELECT count(*) FROM case_triggers WHERE processed_at IS NULL)"), {"on": on_wave, "off": off_wave}).one()
        delays = conn.execute(text(
            "SELECT percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY "
            "extract(epoch FROM c.created_at - r.finished_at)) FROM cases c JOIN responses r ON r.id = c.response_id "
            "WHERE r.wave_id = :on"), {"on": on_wave}).scalar() or [None, None]
    engine.dispose()
    return {"responses_on": counts[0], "cases": counts[1], "distinct_cases": counts[2], "triggers_off": counts[3],
            "pending": counts[4], "p50_s": delays[0], "p95_s": delays[1]}


def serve_and_post(args, env: dict, workdir: Path, pools: dict, off_code: str, on_code: str) -> dict:
    """wrk against the served app, rules off and on in turn; a slow gunicorn shutdown keeps the results."""
    results: dict = {}
    try:
        with respondent.gunicorn("survey-app serve", env, args.workers, "/") as base:
            scenarios = [{"name": "rules_off", "url": f"{base}/r/{off_code}?p=1", "pool": pools["off"], "mode": "post"},
                         {"name": "rules_on", "url": f"{base}/r/{on_code}?p=1", "pool": pools["on"], "mode": "post"}]
            results.update(respondent.run_interleaved(scenarios, args, workdir))
    except subprocess.TimeoutExpired:  # gunicorn got SIGTERM and is still draining on a loaded machine
        if not results:
            raise
    return results


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", respondent.DEFAULT_URL))
    parser.add_argument("--seconds", type=float, default=12, help="measured seconds per scenario (default 12)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds the seconds are split into")
    parser.add_argument("--slices", type=int, default=1, help="passes through both scenarios in one round (default 1)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn workers")
    parser.add_argument("--respondents", type=int, default=30_000, help="invitations per wave")
    parser.add_argument("--case-share", type=float, default=1.0,
                        help="share of respondents whose answers fire the rule (default 1: every one)")
    return parser.parse_args()


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    args = parse_args()
    url = respondent.prepare_database(args.database_url)
    with tempfile.TemporaryDirectory(prefix="bench-case-rules-") as tmp:
        workdir = Path(tmp)
        app = respondent.make_app(url, tmp)
        off_code, off_id, off_ids = respondent.seed(app, args.respondents, code="RULESOFF")
        on_code, on_id, on_ids = respondent.seed(app, args.respondents, code="RULESON")
        add_rule(app, on_id)
        pools = {"off": with_share(respondent.prepared_sessions(app, off_code, off_ids), args.case_share),
                 "on": with_share(respondent.prepared_sessions(app, on_code, on_ids), args.case_share)}
        app.extensions["survey_engine"].dispose()
        env = {"SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": SECRET, "SURVEY_INSTANCE_PATH": tmp,
               "SURVEY_LOG_LEVEL": "WARNING", "SURVEY_GUNICORN_ACCESS_LOG": ""}
        jobs = scheduler(env, workdir)
        try:
            results = serve_and_post(args, env, workdir, pools, off_code, on_code)
            stored = outcome(url, on_id, off_id)
        finally:
            jobs.terminate()
            jobs.wait(timeout=30)
    off, on = results["rules_off"], results["rules_on"]
    ratio = on["rate"] / off["rate"]
    print(f"final POST, rules off: {off['rate']:.0f}/s (p99 {off['p99_us'] / 1000:.1f} ms)")
    print(f"final POST, rules on:  {on['rate']:.0f}/s (p99 {on['p99_us'] / 1000:.1f} ms)")
    print(f"rules on / off: {ratio:.1%} (target ≥ 95%)")
    print(f"respondents whose answers open a case: {args.case_share:.0%}")
    print(f"response → case: p50 {stored['p50_s'] or 0:.2f} s, p95 {stored['p95_s'] or 0:.2f} s (target ≤ 5 s at p95); "
          f"{stored['cases']} cases for {stored['responses_on']} rules-on responses that fire the rule")
    if stored["cases"] != stored["responses_on"] or stored["distinct_cases"] != stored["cases"] \
            or stored["triggers_off"] or stored["pending"]:
        raise SystemExit(f"cases do not match the responses: {stored}")


if __name__ == "__main__":
    main()
