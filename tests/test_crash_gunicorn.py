"""kill -9 under load: a gunicorn worker, the master alone, then the master with all its workers, while
respondents submit, all under ``survey-app serve``.

Respondents behave as people do: when a submission gets no answer they press the button again (the
server restarted in between). Afterwards, every submission that was thanked is stored exactly once
with all 30 answers, a respondent whose thank-you was lost in the crash is told the survey is
already complete, and nothing is half-written.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.crash_support import (
    SECRET,
    Respondent,
    field_one_page_survey,
    make_live_app,
    pg_schema,
    post_final,
    prepared_respondents,
    stored_responses,
)
from tests.dbsupport import PG_URL
from tests.served import Served, alive, clean_environment, free_port

pytestmark = [pytest.mark.crash, pytest.mark.skipif(not PG_URL, reason="set SURVEY_TEST_DATABASE_URL (PostgreSQL)")]
RESPONDENTS, CLIENTS, DEADLINE = 240, 12, 90


class Server(Served):
    """``survey-app serve`` (gunicorn, 2 workers) on the crash test's schema."""

    def __init__(self, url: str, instance: Path, port: int) -> None:
        super().__init__(clean_environment(SURVEY_DATABASE_URL=url, SURVEY_SECRET_KEY=SECRET,
                                           SURVEY_INSTANCE_PATH=str(instance)), instance / "server.log", port)


class Load:
    """Respondents submitting concurrently, each retrying until answered (thanked or already done)."""

    def __init__(self, server: Server, wave_code: str, respondents: list[Respondent]) -> None:
        self.server, self.wave_code, self.respondents = server, wave_code, respondents
        self.outcomes: dict[int, list[str]] = {r.invitation_id: [] for r in respondents}
        self.lock = threading.Lock()
        self.deadline = time.monotonic() + DEADLINE
        self.futures: list = []

    def count(self, outcome: str) -> int:
        """Respondents who have had ``outcome`` so far."""
        with self.lock:
            return sum(outcome in attempts for attempts in self.outcomes.values())

    def submit(self, respondent: Respondent) -> None:
        """Press the final button until the survey answers (or the test's time is up)."""
        while time.monotonic() < self.deadline:
            outcome = post_final(self.server.port, self.wave_code, respondent)
            with self.lock:
                self.outcomes[respondent.invitation_id].append(outcome)
            if outcome in ("thanked", "already"):
                return
            time.sleep(0.2)  # the respondent presses the button again a moment later

    def run(self) -> ThreadPoolExecutor:
        """Start every respondent on ``CLIENTS`` threads; returns the pool to wait on."""
        pool = ThreadPoolExecutor(max_workers=CLIENTS)
        self.futures = [pool.submit(self.submit, respondent) for respondent in self.respondents]
        return pool

    def raise_failures(self) -> None:
        """Re-raise what went wrong inside a respondent's thread (a pool keeps it to itself)."""
        for future in self.futures:
            if not future.cancelled() and future.exception() is not None:
                raise future.exception()


def wait_until(condition, seconds: float = 60) -> None:
    """Poll ``condition`` until true; fail if the load stalls."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "load made no progress"
        time.sleep(0.05)


@pytest.fixture
def fielded(tmp_path):
    with pg_schema("crash_gunicorn") as url:
        app = make_live_app(url, str(tmp_path))
        survey = field_one_page_survey(app, RESPONDENTS)
        respondents = prepared_respondents(app, survey.wave_code, survey.invitation_ids)
        app.extensions["survey_engine"].dispose()
        yield url, survey, respondents


def test_kill_9_of_workers_and_master_loses_and_doubles_nothing(fielded, tmp_path):
    url, survey, respondents = fielded
    server = Server(url, tmp_path, free_port())
    server.start()
    load = Load(server, survey.wave_code, respondents)
    pool = load.run()
    try:
        wait_until(lambda: load.count("thanked") >= 40)
        server.kill_worker()
        wait_until(lambda: load.count("thanked") >= 80)
        _restart_after_master_killed(server)
        wait_until(lambda: load.count("thanked") >= 140)
        server.kill_everything()
        time.sleep(0.5)
        server.start()
        pool.shutdown(wait=True)
    finally:
        load.deadline = 0
        pool.shutdown(wait=True, cancel_futures=True)
        server.stop()
    load.raise_failures()
    _reconcile(load.outcomes, stored_responses(url, survey.wave_id))


def _restart_after_master_killed(server: Server) -> None:
    """kill -9 of the master alone: its workers leave the port, and a restart on it serves again."""
    orphans = server.kill_master()
    deadline = time.monotonic() + 15
    while any(alive(pid) for pid in orphans):
        assert time.monotonic() < deadline, f"workers {orphans} outlived their killed master"
        time.sleep(0.1)
    server.start()


def _reconcile(outcomes: dict[int, list[str]], stored: dict[int, tuple[str, int]]) -> None:
    errors = sum(1 for attempts in outcomes.values() for a in attempts if a.startswith("error"))
    assert errors > 0, "the kills interrupted no request; the test proved nothing"
    for invitation, attempts in outcomes.items():
        assert attempts and attempts[-1] in ("thanked", "already"), f"respondent {invitation} never got an answer: {attempts}"
        assert attempts.count("thanked") <= 1, f"respondent {invitation} was thanked twice: {attempts}"
        assert all(a.startswith("error") or a == "http 503" for a in attempts[:-1]), f"{invitation}: {attempts}"
        assert stored.get(invitation) == ("complete", 30), f"respondent {invitation}: {attempts} but stored {stored.get(invitation)}"
    assert set(stored) == set(outcomes), "a response belongs to nobody who submitted"
    lost_thanks = sum(1 for attempts in outcomes.values() if "thanked" not in attempts)
    print(f"\n{len(outcomes)} respondents, {errors} interrupted attempts, {lost_thanks} thank-yous lost in a crash "
          f"and answered 'already complete' on the retry; {len(stored)} complete responses, 30 answers each")
