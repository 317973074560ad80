"""Real processes on one SQLite file, the embedded default (issue 23): the scheduler, two senders, a served
web app and a burst of writes from another process share the database, and nobody dies of 'database is
locked'. Before the fix the CLI processes began deferred transactions that read and then wrote; SQLite fails
such a transaction at once when another process committed in between, and the sender exited."""
from __future__ import annotations

import http.cookiejar
import re
import signal
import subprocess
import sys
import textwrap
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey_app import create_app, migrate
from survey_app.database import db
from survey_app.models import Contact, Invitation, OutboxMessage, OutboxStatus
from tests.distribution_support import MailSink
from tests.served import clean_environment, served
from tests.test_distribution_processes import _seed

#: Another process writing all the time: short IMMEDIATE transactions that hold the lock a few milliseconds.
BURST = textwrap.dedent("""
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
    conn.execute("CREATE TABLE IF NOT EXISTS burst (id INTEGER PRIMARY KEY, n INTEGER)")
    deadline, n = time.monotonic() + float(sys.argv[2]), 0
    while time.monotonic() < deadline:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO burst (n) VALUES (?)", (n,))
        time.sleep(0.004)
        conn.execute("COMMIT")
        n += 1
        time.sleep(0.001)
    print(n, flush=True)
""")


@pytest.fixture
def world(tmp_path):
    """A migrated SQLite file, an instance folder, and the settings the child processes share."""
    path = tmp_path / "campaign.sqlite"
    url = f"sqlite:///{path}"
    env = clean_environment(SURVEY_DATABASE_URL=url, SURVEY_INSTANCE_PATH=str(tmp_path),
                            SURVEY_SECRET_KEY="sqlite-processes", SURVEY_SEND_RATE_EMAIL="0",
                            SURVEY_SEND_RETRY_SECONDS="0", SURVEY_SEND_LEASE_SECONDS="20", SURVEY_SEND_BATCH="10",
                            SURVEY_SCHEDULER_TICK_SECONDS="1", SURVEY_LOG_LEVEL="WARNING")
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "sqlite-processes"})
    with app.app_context():
        migrate.upgrade(db.engine)
    yield app, env, path
    app.extensions["survey_engine"].dispose()


def _start(env: dict, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "survey_app", *args], env={**env, **extra},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _count(app, *where) -> int:
    with app.app_context():
        try:
            return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(*where))
        finally:
            db.session.remove()


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _tokens(app, wave_id: int) -> dict[int, str]:
    from survey_app.distribution.tokens import invitation_token

    with app.app_context():
        contact_ids = db.session.scalars(select(Invitation.contact_id).where(Invitation.wave_id == wave_id)).all()
        db.session.remove()
        return {cid: invitation_token(wave_id, cid) for cid in contact_ids}


def _unsubscribe(url: str) -> int:
    """GET the 수신거부 page, then POST its form (with its CSRF token and cookie), as a person does."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(url, timeout=30) as page:
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode("utf-8")).group(1)
    data = urllib.parse.urlencode({"csrf_token": token}).encode()
    with opener.open(urllib.request.Request(url, data=data, method="POST"), timeout=30) as answer:
        return answer.status


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.status


def test_scheduler_two_senders_and_web_requests_share_one_sqlite_file_under_a_burst_of_writes(world, tmp_path):
    app, env, path = world
    n = 150
    wave_id = _seed(app, n, ("email",), opens_in=timedelta(seconds=-1))
    burst = subprocess.Popen([sys.executable, "-c", BURST, str(path), "25"], stdout=subprocess.PIPE, text=True)
    with MailSink() as sink, served(env, tmp_path / "serve.log") as server:
        mail = {"SURVEY_SMTP_HOST": "127.0.0.1", "SURVEY_SMTP_PORT": str(sink.port), "SURVEY_SMTP_SECURITY": "none"}
        senders = [_start(env, "sender", "--channel", "email", "--max-seconds", "120", **mail) for _ in range(2)]
        scheduler = _start(env, "scheduler", "--max-seconds", "120")
        assert _wait_for(lambda: _count(app, OutboxMessage.wave_id == wave_id) == n, 60)
        tokens = _tokens(app, wave_id)
        leaving = sorted(tokens)[:10]
        with ThreadPoolExecutor(8) as pool:  # people unsubscribing and looking at their page while it all runs
            statuses = list(pool.map(_unsubscribe, [f"{server.url}/u/{tokens[c]}" for c in leaving]))
            statuses += list(pool.map(_get, [f"{server.url}/u/{tokens[c]}" for c in sorted(tokens)[10:60]]))
        settled = _wait_for(lambda: _count(app, OutboxMessage.wave_id == wave_id, OutboxMessage.status.in_(
            [OutboxStatus.PENDING, OutboxStatus.SENDING])) == 0, 90)
        alive = [s.poll() is None for s in senders] + [scheduler.poll() is None]
        for process in [*senders, scheduler]:
            process.send_signal(signal.SIGTERM)
        outputs = [p.communicate(timeout=60)[0] for p in [*senders, scheduler]]
    bursts = int(burst.communicate(timeout=60)[0] or 0)
    assert alive == [True, True, True], outputs  # nobody exited on a locked database
    assert settled, outputs
    assert statuses == [200] * len(statuses)
    assert bursts > 100  # the other process really kept writing
    assert not any("Traceback" in o for o in outputs), outputs
    with app.app_context():
        opted_out = set(db.session.scalars(select(Contact.id).where(Contact.opted_out_at.is_not(None))))
        db.session.remove()
    assert opted_out == set(leaving)
    sent = _count(app, OutboxMessage.wave_id == wave_id, OutboxMessage.status == OutboxStatus.SENT)
    cancelled = _count(app, OutboxMessage.wave_id == wave_id, OutboxMessage.status == OutboxStatus.CANCELLED)
    assert sent + cancelled == n and cancelled <= len(leaving)
    ids = sink.message_ids()
    assert len(ids) == sent and len(set(ids)) == sent  # each message once


def test_a_sender_killed_mid_group_leaves_only_the_message_in_flight_in_doubt(world):
    """Issue 23: after a crash the restarted sender reported 16 'in doubt' where one had gone out: the
    outcomes of a whole group were committed together. Now each is recorded before the next goes out."""
    from survey_app.distribution.fielding import run_tick

    app, env, _path = world
    n = 60
    wave_id = _seed(app, n, ("email",))
    with app.app_context():
        run_tick()
        db.session.remove()
    with MailSink() as sink:
        mail = {"SURVEY_SMTP_HOST": "127.0.0.1", "SURVEY_SMTP_PORT": str(sink.port), "SURVEY_SMTP_SECURITY": "none",
                "SURVEY_SEND_BATCH": "100", "SURVEY_SEND_LEASE_SECONDS": "2"}
        crashing = _start(env, "sender", "--channel", "email", "--max-seconds", "60",
                          SURVEY_TEST_SENDER_CRASH_AFTER="30", **mail)
        assert crashing.wait(60) == 17  # died right after the server accepted message 30, before recording it
        assert len(sink.message_ids()) == 30
        time.sleep(2.5)  # the dead sender's lease runs out
        final = _start(env, "sender", "--channel", "email", "--until-empty", "--max-seconds", "60", **mail)
        out = final.communicate(timeout=90)[0]
    assert "보냄 31," in out and "재확인 1 " in out, out
    ids = sink.message_ids()
    assert len(ids) == n + 1 and len(set(ids)) == n  # one duplicate: the message in flight, same Message-ID
    assert _count(app, OutboxMessage.wave_id == wave_id, OutboxMessage.status == OutboxStatus.SENT) == n
