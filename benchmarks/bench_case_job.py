"""Benchmark: the case job's own throughput, in-process — cases per second for a backlog of triggers.

Each measurement runs in a child process on a fresh PostgreSQL schema (``bench_case_job``): the 30-question
survey of ``bench_respondent`` with the rule of ``bench_case_rules`` (Q7 at or below 2), ``--triggers``
completed responses that all fire it (a third carry an ``office_code`` hidden field, a third a customer in
강원, routed by a region rule, the rest go to the center's queue), then the job drains them as the scheduler
does (``drain_triggers`` with ``--workers`` batches at once) and the case rows are counted.

``--before DIR`` also measures another copy of the code (e.g. ``git archive <commit> survey_app questionnaires``
unpacked into DIR), alternating with this one ``--rounds`` times, so both see the same machine load.

Usage::

    python benchmarks/bench_case_job.py --triggers 400 --before /tmp/caselat-before
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = "bench_case_job"
DEFAULT_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1/survey_bench")


def prepare(base: str) -> str:
    """A fresh migrated schema; returns its URL."""
    from sqlalchemy import create_engine, text

    from survey_app import migrate
    from survey_app.config import database_url

    url = database_url(base, "")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    engine.dispose()
    url = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{SCHEMA}"
    engine = create_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


def seed(app, triggers: int) -> None:
    """The survey with its rule, units, a region rule and ``triggers`` completed responses with triggers."""
    from sqlalchemy import insert, select

    from questionnaires import Questionnaire
    from survey_app.cases.rules import add_rule
    from survey_app.database import db
    from survey_app.models import (
        Answer,
        CaseRouting,
        CaseTrigger,
        Contact,
        Customer,
        Invitation,
        OrgUnit,
        Response,
        Survey,
        Wave,
        new_token,
        utcnow,
    )
    sys.path.insert(0, str(ROOT))
    from benchmarks.bench_respondent import thirty_questions

    with app.app_context():
        units = [OrgUnit(code=code, name=name, level=level) for code, name, level in
                 [("CENTER", "우편고객센터", "center"), ("P-SOKCHO", "속초우체국", "office"),
                  ("R-GW", "강원지방우정청", "regional")]]
        survey = Survey(code="JOB30", title="30문항 사건 작업", kind="customer_satisfaction", draft_definition={})
        version = survey.publish(Questionnaire.from_dict(thirty_questions()).to_dict())
        wave = Wave(code="JOB30-1", name="사건 작업", survey=survey, version=version, state="open")
        db.session.add_all([*units, survey, wave])
        db.session.flush()
        add_rule(survey, kind="score_at_most", question_code="Q7", threshold=2)
        db.session.add(CaseRouting(region="강원", org_unit_id=units[2].id, priority=10))
        customer = Customer(external_id="JOB-1", region="강원")
        db.session.add(customer)
        db.session.flush()
        contacts = iter(db.session.scalars(insert(Contact).returning(Contact.id, sort_by_parameter_order=True),
                                           [{"customer_id": customer.id} for i in range(triggers) if i % 3 == 1]))
        now = utcnow()
        db.session.execute(insert(Invitation), [
            {"wave_id": wave.id, "token_hash": new_token()[1], "channel": "sms", "opened_at": now,
             "contact_id": next(contacts) if i % 3 == 1 else None} for i in range(triggers)])
        invitations = db.session.scalars(select(Invitation.id).where(Invitation.wave_id == wave.id)
                                         .order_by(Invitation.id)).all()
        db.session.execute(insert(Response), [
            {"wave_id": wave.id, "version_id": version.id, "invitation_id": invitation, "status": "complete",
             "started_at": now, "finished_at": now, "hidden": {"office_code": "P-SOKCHO"} if i % 3 == 0 else {}}
            for i, invitation in enumerate(invitations)])
        responses = db.session.scalars(select(Response.id).where(Response.wave_id == wave.id)).all()
        db.session.execute(insert(Answer), [
            {"response_id": r, "question_code": f"Q{q}", "position": 0, "value_num": 1.0, "choice": "1"}
            for r in responses for q in range(1, 31)])
        db.session.execute(insert(CaseTrigger), [{"response_id": r, "created_at": now} for r in responses])
        db.session.commit()


def measure(base: str, triggers: int, workers: int) -> dict:
    """Seed, drain the triggers as the scheduler does, and count the cases (the child process's work)."""
    from sqlalchemy import func, select

    from survey_app import create_app
    from survey_app.database import db
    from survey_app.distribution.scheduler import drain_triggers
    from survey_app.models import Case, CaseEvent

    url = prepare(base)
    with tempfile.TemporaryDirectory(prefix="bench-case-job-") as tmp:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-case-job", "INSTANCE_PATH": tmp,
                          "LOG_LEVEL": "WARNING"})
        seed(app, triggers)
        started = time.perf_counter()
        processed = drain_triggers(app, workers)
        seconds = time.perf_counter() - started
        with app.app_context():
            cases = db.session.scalar(select(func.count(Case.id)))
            units = db.session.scalar(select(func.count(func.distinct(Case.org_unit_id))))
            events = db.session.scalar(select(func.count(CaseEvent.id)))
            db.session.remove()
        app.extensions["survey_engine"].dispose()
    return {"triggers": processed, "cases": cases, "events": events, "units": units, "seconds": seconds,
            "cases_per_s": cases / seconds}


def _child(code_dir: Path, args) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code_dir)}
    out = subprocess.run([sys.executable, __file__, "--child", "--database-url", args.database_url,
                          "--triggers", str(args.triggers), "--workers", str(args.workers)],
                         env=env, cwd=code_dir, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--triggers", type=int, default=400)
    parser.add_argument("--workers", type=int, default=3, help="batches at once, as CASE_TRIGGER_WORKERS")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another copy of the code to measure in the same run")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.child:
        print(json.dumps(measure(args.database_url, args.triggers, args.workers)))
        return
    copies = ([("before", args.before)] if args.before else []) + [("this", ROOT)]
    rates: dict[str, list[float]] = {name: [] for name, _ in copies}
    for round_number in range(args.rounds):
        for name, code_dir in copies:
            result = _child(code_dir, args)
            if result["cases"] != args.triggers or result["triggers"] != args.triggers:
                raise SystemExit(f"{name}: expected {args.triggers} cases, got {result}")
            rates[name].append(result["cases_per_s"])
            print(f"round {round_number + 1} {name}: {result['cases']} cases in {result['seconds']:.2f} s "
                  f"= {result['cases_per_s']:.0f} cases/s ({result['units']} units)", flush=True)
    for name, values in rates.items():
        print(f"{name}: median {statistics.median(values):.0f} cases/s over {len(values)} rounds")


if __name__ == "__main__":
    main()
