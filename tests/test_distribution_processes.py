"""Real processes on PostgreSQL: three senders drain one outbox (each message once), a standby scheduler
takes over when the active one is killed, and killing the scheduler and a sender mid-wave still delivers
every invitation exactly once. Each process is bounded by --max-seconds and talks to loopback only."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text

from survey_app import create_app, migrate
from survey_app.database import db
from survey_app.models import Invitation, OutboxMessage, OutboxStatus, utcnow
from tests.dbsupport import PG_URL, empty_postgres_schema, normalise_url
from tests.distribution_support import MailSink, SmsGateway, contact_csv, people

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (SURVEY_TEST_DATABASE_URL)")
SCHEMA = "distribution_processes"


@pytest.fixture
def world(tmp_path):
    """A migrated schema of its own, an instance folder, and settings shared with the child processes."""
    base = normalise_url(PG_URL, "")
    empty_postgres_schema(base, SCHEMA)
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{SCHEMA}"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}, "SURVEY_DATABASE_URL": url,
           "SURVEY_INSTANCE_PATH": str(tmp_path), "SURVEY_SECRET_KEY": "processes-secret",
           "SURVEY_SEND_RATE_SMS": "0", "SURVEY_SEND_RETRY_SECONDS": "0", "SURVEY_SEND_LEASE_SECONDS": "3",
           "SURVEY_SCHEDULER_TICK_SECONDS": "1", "SURVEY_LOG_LEVEL": "WARNING"}
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "processes-secret"})
    with app.app_context():
        migrate.upgrade(db.engine)
    yield app, env
    app.extensions["survey_engine"].dispose()
    with create_engine(base).begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))


def _seed(app, n: int, channels: tuple[str, ...], opens_in=timedelta(seconds=-1)) -> int:
    """n contacts and a wave planned to open; returns the wave id (committed, for other processes)."""
    from survey_app.distribution.contacts_import import import_contacts, validate_file
    from survey_app.distribution.plans import PlanInput, save_plan
    from survey_app.models import PlanStatus, Survey, Wave

    with app.app_context():
        import_contacts(validate_file(contact_csv(people(n)), "p.csv"), source="p.csv")
        survey = Survey(code="PROC", title="프로세스 시험", kind="customer_satisfaction", draft_definition={})
        version = survey.publish({"code": "PROC", "sections": []})
        wave = Wave(code="PROC-W", name="프로세스 시험 차수", survey=survey, version=version)
        db.session.add(wave)
        db.session.flush()
        plan = save_plan(wave, PlanInput(utcnow() + opens_in, utcnow() + timedelta(days=9), list(channels),
                                         quiet_start="00:00", quiet_end="00:00"))
        plan.status = PlanStatus.SCHEDULED
        db.session.commit()
        return wave.id


def _start(env: dict, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "survey_app", *args], env={**env, **extra},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _count(app, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(*where))


def _finish(process: subprocess.Popen, seconds: float = 60) -> str:
    out, _ = process.communicate(timeout=seconds)
    return out


def test_three_senders_drain_one_outbox_each_message_once(world):
    from survey_app.distribution.fielding import run_tick

    app, env = world
    n = 300
    wave_id = _seed(app, n, ("email",))
    with MailSink() as sink:
        mail = {"SURVEY_SMTP_HOST": "127.0.0.1", "SURVEY_SMTP_PORT": str(sink.port), "SURVEY_SMTP_SECURITY": "none",
                "SURVEY_SEND_BATCH": "20", "SURVEY_SEND_RATE_EMAIL": "60"}  # 5 s alone
        senders = [_start(env, "sender", "--channel", "email", "--max-seconds", "90", **mail) for _ in range(3)]
        for sender in senders:  # all three are polling before there is anything to send
            assert "시작" in sender.stdout.readline()
        with app.app_context():
            run_tick()
            db.session.remove()
        assert _wait_for(lambda: _count(app, OutboxMessage.status == OutboxStatus.SENT) == n, 60)
        for sender in senders:
            sender.send_signal(signal.SIGTERM)
        outputs = [_finish(s) for s in senders]
    ids = sink.message_ids()
    assert len(ids) == n and len(set(ids)) == n, outputs
    assert _count(app, OutboxMessage.wave_id == wave_id, OutboxMessage.status == OutboxStatus.SENT) == n
    busy = [o for o in outputs if "보냄 0," not in o]
    assert len(busy) >= 2, outputs  # the work was really shared


def test_standby_scheduler_takes_over_when_the_active_one_is_killed(world):
    app, env = world
    wave_id = _seed(app, 20, ("sms",), opens_in=timedelta(seconds=6))
    first = _start(env, "scheduler", "--max-seconds", "40")
    lines_a: list[str] = []
    assert _wait_for(lambda: lines_a.append(first.stdout.readline()) or "활성" in lines_a[-1], 20), lines_a
    second = _start(env, "scheduler", "--max-seconds", "40")
    lines_b: list[str] = []
    assert _wait_for(lambda: lines_b.append(second.stdout.readline()) or "대기" in lines_b[-1], 20), lines_b
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert _wait_for(lambda: lines_b.append(second.stdout.readline()) or "활성" in lines_b[-1], 20), lines_b
    with app.app_context():
        assert _wait_for(lambda: db.session.scalar(select(func.count()).select_from(Invitation)
                                                   .where(Invitation.wave_id == wave_id)) == 20, 20)
        db.session.remove()
    second.send_signal(signal.SIGTERM)
    _finish(second, 30)
    assert _count(app, OutboxMessage.wave_id == wave_id) == 20  # opened once, by the survivor


def test_killing_scheduler_and_sender_mid_wave_sends_every_invitation_once(world):
    app, env = world
    n = 150
    wave_id = _seed(app, n, ("sms",))
    with SmsGateway() as gateway:
        sms = {"SURVEY_SMS_GATEWAY": "http", "SURVEY_SMS_GATEWAY_URL": gateway.url}
        scheduler = _start(env, "scheduler", "--max-seconds", "60")
        assert _wait_for(lambda: _count(app, OutboxMessage.wave_id == wave_id) == n, 30)
        scheduler.send_signal(signal.SIGKILL)
        scheduler.wait(10)
        crashing = _start(env, "sender", "--channel", "sms", "--max-seconds", "60",
                          SURVEY_TEST_SENDER_CRASH_AFTER="40", **sms)
        assert crashing.wait(60) == 17  # died after the gateway accepted message 40, before recording it
        killed = _start(env, "sender", "--channel", "sms", "--max-seconds", "60", **sms)
        assert _wait_for(lambda: len(gateway.received) >= 80, 30)
        killed.send_signal(signal.SIGKILL)
        killed.wait(10)
        restarted = _start(env, "scheduler", "--max-seconds", "60")
        time.sleep(3.5)  # let the dead senders' leases run out
        final = _start(env, "sender", "--channel", "sms", "--until-empty", "--max-seconds", "60", **sms)
        _finish(final)
        restarted.send_signal(signal.SIGTERM)
        _finish(restarted, 30)
    assert _count(app, OutboxMessage.wave_id == wave_id) == n  # the restarted scheduler queued nothing again
    assert _count(app, OutboxMessage.wave_id == wave_id, OutboxMessage.status == OutboxStatus.SENT) == n
    keys = [r["message_id"] for r in gateway.received]
    assert len(keys) == n and len(set(keys)) == n
    assert gateway.calls > n  # the in-doubt message(s) were sent again, and the gateway kept one copy
