"""The scheduler process (``survey-app scheduler``): APScheduler 3 with its jobs in the app database.

Exactly one scheduler is active (see :mod:`.leader`); a second process waits as a standby and takes
over when the first dies. It is never started inside web workers: only this command starts it.

Jobs (ids are fixed, so restarting replaces them instead of adding copies):

- ``distribution-tick`` every ``SCHEDULER_TICK_SECONDS``: open waves whose start has come (creating
  their invitations), queue due reminders, close waves at their close time. The schedule itself lives
  in the wave and plan rows; the tick only looks at them, so a missed tick loses nothing.
- ``contact-retention`` daily at 03:00: purge or anonymise contacts whose retention has ended.
- ``results-refresh`` every ``RESULTS_REFRESH_SECONDS``: recompute stored wave results whose answers changed
  (see :mod:`survey_app.results.stored`), the ones a viewer saw stale first.
- ``voc-analysis`` every ``VOC_ANALYSIS_SECONDS``: analyse new open-ended answers, call notes and cases (topic —
  a new case's suggested topic —, sentiment, content words) and store them, retraining the topic model first when
  staff confirmed topics since (:mod:`survey_app.voc.jobs`), so reports never re-tokenise.
- ``case-triggers`` every ``CASE_TRIGGER_SECONDS``: turn completed responses that matched a survey's case rules
  into VOC cases, and attach follow-up answers (see :mod:`survey_app.cases.triggers`; exactly once); then
  escalate cases past their deadline and flag due progress notices (:mod:`survey_app.cases.deadlines`).
- ``churn-monthly`` on the 2nd of each month at 04:00: rebuild the customer features, refit the churn model,
  store its backtest and (only if it beats the recency and RFM baselines) its scores
  (:mod:`survey_app.retention.jobs`).
- ``report-delivery`` hourly at minute 5: e-mail the results workbooks that are due (weekly, monthly, at wave
  close; see :mod:`survey_app.results.delivery`). A tick that closes a wave also sends its at-close reports.

Misfires and coalescing: ``coalesce=True`` (ticks missed while no scheduler ran are run once, not once per
missed interval: every tick does all that is due anyway), ``max_instances=1`` (a slow tick is never run
twice at once), ``misfire_grace_time`` of one hour for the tick and twelve hours for the daily
retention run (a run late by more than that is skipped until its next time).
"""
from __future__ import annotations

import logging
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from ..cases.deadlines import watch_deadlines
from ..cases.operations import seoul_today
from ..cases.triggers import READ_AHEAD, process_triggers
from ..database import db, retry_when_locked, write_lock_up_front
from ..privacy.retention import run_retention_job
from ..results.delivery import run_deliveries
from ..results.stored import refresh_stale
from ..retention.jobs import run_monthly_churn
from ..voc.jobs import run_voc_job
from .fielding import run_tick
from .leader import make_leader
from .sender import worker_name

log = logging.getLogger(__name__)
_APP: Flask | None = None  # the process's app, for job functions (APScheduler stores them by reference)
TICK_JOB, RETENTION_JOB, REPORT_JOB = "distribution-tick", "contact-retention", "report-delivery"
RESULTS_JOB, VOC_JOB, CASE_JOB = "results-refresh", "voc-analysis", "case-triggers"
CHURN_JOB = "churn-monthly"


def _say_locked(error, wait: float) -> None:
    print(f"scheduler: 데이터베이스가 잠겨 {wait:.1f}초 뒤 다시 시도합니다 (database locked, retrying): {error.orig}",
          flush=True)


def tick_job() -> None:
    """The scheduled tick: one pass of :func:`survey_app.distribution.fielding.run_tick` (tried again, in
    full, while the database is locked: every step of a tick is idempotent)."""
    with _APP.app_context(), write_lock_up_front():
        lines = retry_when_locked(run_tick, give_up_after=_APP.config["SCHEDULER_TICK_SECONDS"] * 10,
                                  on_wait=_say_locked)
        for line in lines:
            log.info("tick: %s", line)
            print(f"tick: {line}", flush=True)
        if any(": closed:" in line for line in lines):
            _deliver_reports(only_close=True)


def _deliver_reports(only_close: bool = False) -> None:
    for line in run_deliveries(only_close=only_close):
        log.info("reports: %s", line)
        print(f"reports: {line}", flush=True)


def report_job() -> None:
    """The hourly run of scheduled report e-mails."""
    with _APP.app_context():
        _deliver_reports()


def results_job() -> None:
    """Recompute stale stored results (each committed as it is done)."""
    with _APP.app_context():
        for line in refresh_stale():
            log.info("results: %s", line)
            print(f"results: {line}", flush=True)


def retention_job() -> None:
    """The daily retention run."""
    with _APP.app_context(), write_lock_up_front():
        for line in run_retention_job().lines():
            log.info("retention: %s", line)


def voc_job() -> None:
    """Analyse the open-ended answers that arrived since the last run."""
    with _APP.app_context():
        for line in run_voc_job(_APP.config["VOC_ANALYSIS_BATCH"]):
            log.info("voc: %s", line)


CASE_BATCH_SECONDS = 1.0  # a batch commits after about this long, so its cases show without waiting for the rest
DEADLINE_WATCH_SECONDS = 60.0  # the deadline watch needs no more than a minute's precision
_last_deadline_watch = float("-inf")


def case_job() -> None:
    """Turn pending case triggers into cases until none is left, in ``CASE_TRIGGER_WORKERS`` batches at once on
    PostgreSQL (``FOR UPDATE SKIP LOCKED`` gives each other triggers; most of a case's time is waiting on the
    database, so they overlap); then the deadline watch, at most once a minute. The job runs every
    ``CASE_TRIGGER_SECONDS``, so a response becomes a case within about that plus one batch."""
    global _last_deadline_watch
    workers = 1 if _APP.extensions["survey_engine"].dialect.name == "sqlite" else _APP.config["CASE_TRIGGER_WORKERS"]
    drain_triggers(_APP, workers)
    if time.monotonic() - _last_deadline_watch >= DEADLINE_WATCH_SECONDS:
        with _APP.app_context(), write_lock_up_front():
            try:
                watch_deadlines(seoul_today())
            finally:
                db.session.remove()
        _last_deadline_watch = time.monotonic()


def drain_triggers(app: Flask, workers: int = 1) -> int:
    """Process pending case triggers until none is left, in ``workers`` threads (each with its own session and
    transactions); returns how many triggers were processed."""
    if workers <= 1:
        return _drain(app, app.config["CASE_TRIGGER_BATCH"])
    # Small batches, so that while a backlog lasts every worker finds triggers the others have not locked.
    limit = min(app.config["CASE_TRIGGER_BATCH"], READ_AHEAD)
    with ThreadPoolExecutor(workers, thread_name_prefix="case-job") as pool:
        return sum(pool.map(_drain, [app] * workers, [limit] * workers))


def _drain(app: Flask, limit: int) -> int:
    done = 0
    with app.app_context(), write_lock_up_front():
        try:
            while True:
                started = time.monotonic()
                counts = process_triggers(limit, max_seconds=CASE_BATCH_SECONDS)
                if counts["cases"] or counts["followups"]:
                    log.info("cases: %s", counts)
                done += counts["triggers"]
                if counts["triggers"] < limit and time.monotonic() - started < CASE_BATCH_SECONDS:
                    # Caught up (a short batch, not cut by its budget): what arrives meanwhile waits for the next
                    # run and is taken in whole batches, instead of this loop spinning on one or two triggers a
                    # batch, each paying a batch's dozen statements.
                    return done
        finally:
            db.session.remove()


def churn_job() -> None:
    """The monthly churn run."""
    with _APP.app_context():
        for line in run_monthly_churn():
            log.info("churn: %s", line)
            print(f"churn: {line}", flush=True)


class SkippedRunFilter(logging.Filter):
    """Drops APScheduler's warning that a run was skipped because the job's previous run is still going.

    Every job runs one instance at a time and coalesces missed runs on purpose: the case job wakes every
    second, and while it works through a backlog each wake-up found it busy and logged a warning, burying the
    log's real warnings. The skipped run loses nothing (the running one takes the work)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


def _quiet_skipped_runs() -> None:
    logger = logging.getLogger("apscheduler.scheduler")
    if not any(isinstance(f, SkippedRunFilter) for f in logger.filters):
        logger.addFilter(SkippedRunFilter())


def build_scheduler(app: Flask, tick_seconds: int) -> BackgroundScheduler:
    """A scheduler whose jobs live in the app database's ``scheduler_jobs`` table."""
    _quiet_skipped_runs()
    store = SQLAlchemyJobStore(engine=app.extensions["survey_engine"], tablename="scheduler_jobs")
    scheduler = BackgroundScheduler(jobstores={"default": store}, timezone=app.config["TIMEZONE"],
                                    job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.add_job(tick_job, "interval", seconds=tick_seconds, id=TICK_JOB, replace_existing=True,
                      misfire_grace_time=3600, next_run_time=datetime.now(scheduler.timezone))
    scheduler.add_job(retention_job, "cron", hour=3, minute=0, id=RETENTION_JOB, replace_existing=True,
                      misfire_grace_time=12 * 3600)
    scheduler.add_job(results_job, "interval", seconds=app.config["RESULTS_REFRESH_SECONDS"], id=RESULTS_JOB,
                      replace_existing=True, misfire_grace_time=3600)
    scheduler.add_job(case_job, "interval", seconds=app.config["CASE_TRIGGER_SECONDS"], id=CASE_JOB,
                      replace_existing=True, misfire_grace_time=3600)
    scheduler.add_job(churn_job, "cron", day=2, hour=4, minute=0, id=CHURN_JOB, replace_existing=True,
                      misfire_grace_time=24 * 3600)
    scheduler.add_job(report_job, "cron", minute=5, id=REPORT_JOB, replace_existing=True, misfire_grace_time=3600)
    scheduler.add_job(voc_job, "interval", seconds=app.config["VOC_ANALYSIS_SECONDS"], id=VOC_JOB,
                      replace_existing=True, misfire_grace_time=3600)
    return scheduler


class SchedulerProcess:
    """Stand by until elected, run the scheduler while leader, step down if leadership is lost."""

    def __init__(self, app: Flask, tick_seconds: int | None = None) -> None:
        global _APP
        _APP = app
        self.app = app
        self.tick = tick_seconds or app.config["SCHEDULER_TICK_SECONDS"]
        lease = app.config["SCHEDULER_LEASE_SECONDS"]
        self.leader = make_leader(app.extensions["survey_engine"], worker_name(), lease)
        self.check_every = max(min(lease / 3, 5), 0.2)
        self.stopping = False

    def _lead(self, deadline: float) -> None:
        scheduler = build_scheduler(self.app, self.tick)
        scheduler.start()
        print("scheduler: 활성 (active)", flush=True)
        try:
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(self.check_every)
                if not self.leader.still_leader():
                    print("scheduler: 주도권을 잃었습니다 (lost leadership)", flush=True)
                    return
        finally:
            scheduler.shutdown(wait=True)

    def run(self, max_seconds: float | None = None) -> None:
        """Run until stopped (SIGTERM/SIGINT) or ``max_seconds`` have passed."""
        deadline = time.monotonic() + (max_seconds if max_seconds is not None else float("inf"))
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "stopping", True))
        announced = False
        try:
            while not self.stopping and time.monotonic() < deadline:
                if self.leader.try_acquire():
                    self._lead(deadline)
                    announced = False
                    continue
                if not announced:
                    print("scheduler: 대기 중 (standby)", flush=True)
                    announced = True
                time.sleep(self.check_every)
        finally:
            self.leader.release()
            with self.app.app_context():
                db.session.remove()
