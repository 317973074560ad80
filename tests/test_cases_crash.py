"""Exactly-once case creation with real processes: the case job is killed with SIGKILL in the middle of a
batch; the batches it committed stay, the one it was working on leaves nothing behind, and a fresh run
opens every missing case — no trigger lost, no case doubled. On SQLite (a file) and on PostgreSQL."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, func, select, text

from survey_app import create_app, migrate
from survey_app.database import db
from survey_app.models import Case, CaseTrigger, Survey
from tests.cases_support import DEFINITION, complete_response
from tests.dbsupport import PG_URL, empty_postgres_schema, normalise_url

pytestmark = pytest.mark.crash
SCHEMA = "cases_crash"
RESPONSES, BATCH, KILL_AT = 150, 40, 60  # killed on the 20th trigger of the second batch
CHILD = """
import os, sys, time
from pathlib import Path
from survey_app import create_app
from survey_app.cases import triggers
marker, stop_at = Path(sys.argv[1]), int(sys.argv[2])
seen = 0
def pause():
    global seen
    seen += 1
    if seen == stop_at:
        marker.write_text("mid-batch")
        time.sleep(120)
if stop_at:
    triggers._pause = pause
app = create_app()
with app.app_context():
    while triggers.process_triggers(int(sys.argv[3]))["triggers"]:
        pass
print("done", flush=True)
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request, tmp_path):
    """A migrated database of its own, committed test data, and the environment for child processes."""
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("needs PostgreSQL (SURVEY_TEST_DATABASE_URL)")
        base = normalise_url(PG_URL, "")
        empty_postgres_schema(base, SCHEMA)
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{SCHEMA}"
    else:
        url = f"sqlite:///{tmp_path / 'crash.sqlite'}"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}, "SURVEY_DATABASE_URL": url,
           "SURVEY_INSTANCE_PATH": str(tmp_path), "SURVEY_SECRET_KEY": "cases-crash", "SURVEY_LOG_LEVEL": "WARNING"}
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "cases-crash"})
    with app.app_context():
        migrate.upgrade(db.engine)
    yield app, env, tmp_path
    app.extensions["survey_engine"].dispose()
    if request.param == "postgresql":
        with create_engine(base).begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))


def _seed(app) -> int:
    """RESPONSES completed responses of a survey with an NPS rule; every third is a promoter (it leaves no
    trigger: no rule may fire on its answers). Returns detractors, each with a trigger."""
    from survey_app.cases.rules import add_rule
    from survey_app.models import Wave

    with app.app_context():
        survey = Survey(code="CRASH-VOC", title="장애 시험", kind="customer_satisfaction", draft_definition=DEFINITION)
        version = survey.publish(DEFINITION)
        wave = Wave(code="CRASH-VOC-1", name="장애 시험", survey=survey, version=version, state="open")
        db.session.add_all([survey, wave])
        db.session.flush()
        add_rule(survey, kind="nps_detractor", question_code="NPS")
        for i in range(RESPONSES):
            complete_response(wave.id, {"NPS": 10 if i % 3 == 0 else i % 7, "SAT": 3})
        db.session.commit()
        detractors = sum(1 for i in range(RESPONSES) if i % 3 != 0)
        assert db.session.scalar(select(func.count(CaseTrigger.id))) == detractors
    return detractors


def _child(env, marker, stop_at: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(marker), str(stop_at), str(BATCH)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _state(app) -> tuple[int, int, int, int]:
    with app.app_context():
        processed = db.session.scalar(select(func.count(CaseTrigger.id)).where(CaseTrigger.processed_at.is_not(None)))
        cases = db.session.scalar(select(func.count(Case.id)))
        distinct = db.session.scalar(select(func.count(func.distinct(Case.trigger_id))))
        opened = db.session.scalar(select(func.count(CaseTrigger.id)).where(CaseTrigger.outcome == "case"))
        db.session.remove()
    return processed, cases, distinct, opened


def test_killing_the_case_job_mid_batch_loses_nothing_and_doubles_nothing(world):
    app, env, tmp = world
    detractors = _seed(app)
    marker = tmp / "mid-batch"
    job = _child(env, marker, KILL_AT)
    deadline = time.monotonic() + 90
    while not marker.exists():
        assert job.poll() is None, [line for line in job.communicate()[1].splitlines() if "Error" in line]
        assert time.monotonic() < deadline, "the job never reached the middle of its second batch"
        time.sleep(0.05)
    job.send_signal(signal.SIGKILL)
    job.wait(10)

    processed, cases, distinct, opened = _state(app)
    assert processed == BATCH  # the first batch was committed, nothing of the second
    assert cases == distinct == opened == BATCH  # every trigger is a detractor's

    rerun = _child(env, marker, 0)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    processed, cases, distinct, opened = _state(app)
    assert (processed, cases, distinct, opened) == (detractors, detractors, detractors, detractors)


def test_the_scheduler_jobs_parallel_batches_open_each_case_once(world):
    """The case job's workers (threads, each its own session; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the
    write lock on SQLite) share the pending triggers: every detractor gets exactly one case, every trigger is
    processed once."""
    from survey_app.distribution.scheduler import drain_triggers

    app, _env, _tmp = world
    detractors = _seed(app)
    assert drain_triggers(app, workers=3) == detractors
    assert _state(app) == (detractors, detractors, detractors, detractors)
