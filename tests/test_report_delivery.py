"""Scheduled report e-mails against a real loopback SMTP server (aiosmtpd): due subscriptions get one mail
with the workbook attached, a period is never sent twice, at-close reports follow the tick that closes a wave,
a failed send is recorded and retried, and a restricted creator's report holds only their units' data."""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.distribution_support import MailSink, free_port
from tests.test_results_support import seed_hand_wave

PASSWORD = "Reports2026pass"
WEDNESDAY = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 12:00 KST, ISO week 49


def creator(app_ctx, make_user, role: str = "analyst", unit_id: int | None = None) -> int:
    """A staff member with a role (org-wide unless ``unit_id``); returns the user id."""
    from survey_app.accounts.operations import grant_role
    from survey_app.models import User

    user_id, _ = make_user(password=PASSWORD)
    with app_ctx() as session:
        grant_role(session.get(User, user_id), role, unit_id)
    return user_id


def subscribe(app_ctx, survey_id: int, user_id: int, cadence: str = "weekly", **fields) -> int:
    """A report subscription; returns its id."""
    from survey_app.models import ReportSubscription

    with app_ctx() as session:
        sub = ReportSubscription(survey_id=survey_id, created_by_id=user_id, cadence=cadence,
                                 recipients=fields.pop("recipients", ["boss@epost.example", "cs@epost.example"]),
                                 weekday=fields.pop("weekday", 0 if cadence == "weekly" else None),
                                 day_of_month=fields.pop("day_of_month", 1 if cadence == "monthly" else None), **fields)
        session.add(sub)
        session.flush()
        return sub.id


def run(app, now):
    from survey_app.results.delivery import run_deliveries

    with app.app_context():
        return run_deliveries(now)


def attachment(raw: bytes):
    """(subject, body, file name, workbook) of a received report mail."""
    mail = message_from_bytes(raw, policy=policy.default)
    part = next(mail.iter_attachments())
    book = load_workbook(io.BytesIO(part.get_content()), read_only=True)
    return mail["Subject"], mail.get_body(("plain",)).get_content(), part.get_filename(), book


def summary_value(book, label):
    return next(r for r in book["요약"].iter_rows(values_only=True) if r and r[0] == label)


def deliveries(app_ctx, sub_id):
    from survey_app.models import ReportDelivery

    with app_ctx() as session:
        return [(d.period, d.status, d.attempts) for d in session.scalars(
            select(ReportDelivery).where(ReportDelivery.subscription_id == sub_id).order_by(ReportDelivery.id))]


def test_weekly_report_is_sent_once_with_the_workbook(app_ctx, make_app, make_user, make_survey, make_org):
    from survey_app.models import AuditEvent, ReportSubscription, Wave
    from survey_app.results.build import wave_result

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    sub_id = subscribe(app_ctx, ids["survey_id"], creator(app_ctx, make_user))
    monthly_later = subscribe(app_ctx, ids["survey_id"], creator(app_ctx, make_user), "monthly", day_of_month=15)
    with MailSink() as sink:
        app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_SECURITY="none", MAIL_FROM="survey@epost.example")
        assert len(run(app, WEDNESDAY)) == 1
        assert run(app, WEDNESDAY + timedelta(hours=1)) == []  # same week: nothing more
        assert run(app, WEDNESDAY + timedelta(days=2)) == []
    assert len(sink.messages) == 1
    sender, rcpts, raw = sink.messages[0]
    assert sorted(rcpts) == ["boss@epost.example", "cs@epost.example"]
    subject, body, name, book = attachment(raw)
    headers = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    # RFC 5322: the date says its zone (Korea time, not "-0000"); every header line stays within 78 characters.
    assert message_from_bytes(raw, policy=policy.default)["Date"].datetime.utcoffset() == timedelta(hours=9)
    assert max(len(line) for line in headers.split("\r\n")) <= 78
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        result = wave_result(wave)
        assert subject == f"[설문 결과 보고] {wave.survey.title} · {wave.name} (2026년 49주차)"
        assert name == f"{wave.survey.code}_{wave.code}_결과보고서.xlsx"
        assert "테스트 설문 · 테스트 차수" in subject and "2026년 49주차" in subject
        assert f"완료 응답: {result.n}건" in body and f"{result.headline.value:.1f}점" in body
        assert "응답률: 66.7% (초대 6명 중 완료 4명)" in body
        # The workbook summary's first findings, word for word: the headline index first.
        findings = body.split("주요 발견\n")[1].split("\n\n")[0].splitlines()
        assert len(findings) == 3 and findings[0].startswith(f"1. 종합 지수는 {result.headline.value:.1f}점")
        sheet_findings = [v for r in book["요약"].iter_rows(values_only=True) for v in r
                          if isinstance(v, str) and v[:2] in ("1.", "2.", "3.")]
        assert findings == sheet_findings[:3]
        headline = summary_value(book, "종합 지수")
        assert headline[1] == pytest.approx(result.headline.value) and headline[4] == result.n == 4
        sub = session.get(ReportSubscription, sub_id)
        assert sub.last_status == "sent" and sub.last_sent_at is not None
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "results.report_delivery")).all()
        assert [(e.object_id, e.details["status"]) for e in events] == [(str(sub_id), "sent")]
    assert deliveries(app_ctx, sub_id) == [("2026-W49", "sent", 1)]
    assert deliveries(app_ctx, monthly_later) == []  # due from 15 December


def test_failed_send_is_recorded_and_retried_next_run(app_ctx, make_app, make_user, make_survey, make_org):
    from survey_app.models import ReportSubscription

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    sub_id = subscribe(app_ctx, ids["survey_id"], creator(app_ctx, make_user), "monthly", day_of_month=1)
    down = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_SECURITY="none", SMTP_TIMEOUT=2)
    assert "실패" in run(down, WEDNESDAY)[0]
    assert deliveries(app_ctx, sub_id) == [("2026-12", "failed", 1)]
    with app_ctx() as session:
        assert "SMTP" in session.get(ReportSubscription, sub_id).last_error
    with MailSink() as sink:
        app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_SECURITY="none")
        assert len(run(app, WEDNESDAY + timedelta(hours=1))) == 1
        assert run(app, WEDNESDAY + timedelta(hours=2)) == []
    assert len(sink.messages) == 1 and "2026년 12월" in attachment(sink.messages[0][2])[0]
    assert deliveries(app_ctx, sub_id) == [("2026-12", "sent", 2)]
    with app_ctx() as session:
        sub = session.get(ReportSubscription, sub_id)
        assert sub.last_status == "sent" and sub.last_error is None


def test_at_close_report_follows_the_tick_that_closes_the_wave(app_ctx, make_app, make_user, make_survey, make_org):
    from survey_app.distribution.fielding import run_tick
    from survey_app.models import Wave
    from tests.distribution_support import plan_wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    sub_id = subscribe(app_ctx, ids["survey_id"], creator(app_ctx, make_user), "close")
    plan_wave(app_ctx, ids["wave_id"], closes_in=timedelta(minutes=1), channels=("email",))
    later = datetime.now(UTC) + timedelta(minutes=5)
    with MailSink() as sink:
        app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_SECURITY="none")
        assert run(app, later) == []  # not closed yet
        with app.app_context():
            run_tick(later - timedelta(minutes=4, seconds=30))  # opens
            assert any(": closed:" in line for line in run_tick(later))
        assert len(run(app, later)) == 1
        assert run(app, later + timedelta(hours=1)) == []
    with app_ctx() as session:
        assert session.get(Wave, ids["wave_id"]).state == "closed"
    assert len(sink.messages) == 1 and "차수 마감" in attachment(sink.messages[0][2])[0]
    assert deliveries(app_ctx, sub_id) == [(f"wave-{ids['wave_id']}", "sent", 1)]


def test_restricted_creator_gets_only_their_units(app_ctx, make_app, make_user, make_survey, make_org):
    from survey_app.models import Wave
    from survey_app.results.build import wave_result

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    office_a = ids["units"]["P-A"]
    subscribe(app_ctx, ids["survey_id"], creator(app_ctx, make_user, "executive", office_a))
    with MailSink() as sink:
        app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_SECURITY="none")
        run(app, WEDNESDAY)
    _subject, body, _name, book = attachment(sink.messages[0][2])
    with app_ctx() as session:
        result = wave_result(session.get(Wave, ids["wave_id"]), units={office_a})
    assert result.n == 2 and summary_value(book, "종합 지수")[4] == 2
    assert "완료 응답: 2건" in body and "조회 범위" in body
    raw = list(book["원자료"].iter_rows(values_only=True))
    header = raw[0]
    assert {r[header.index("우체국·조직")] for r in raw[1:]} == {"P-A"}


def test_creator_without_results_access_fails_visibly(app_ctx, make_app, make_user, make_survey, make_org):
    from survey_app.models import ReportSubscription

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    sub_id = subscribe(app_ctx, ids["survey_id"], creator(app_ctx, make_user, "evaluator"))
    with MailSink() as sink:
        app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_SECURITY="none")
        run(app, WEDNESDAY)
    assert sink.messages == []
    with app_ctx() as session:
        assert "권한" in session.get(ReportSubscription, sub_id).last_error


def test_cli_deliver_and_list(app_ctx, make_app, make_user, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    sub_id = subscribe(app_ctx, ids["survey_id"], creator(app_ctx, make_user), "close")
    with MailSink() as sink:
        app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_SECURITY="none")
        runner = app.test_cli_runner()
        due = runner.invoke(args=["reports", "deliver"])
        assert due.exit_code == 0 and "0건" in due.output, due.output
        now = runner.invoke(args=["reports", "deliver", "--now"])
        assert now.exit_code == 0 and f"구독 {sub_id}: 보냄" in now.output, now.output
        listed = runner.invoke(args=["reports", "list"])
    assert len(sink.messages) == 1 and "시험 발송" in attachment(sink.messages[0][2])[0]
    assert "close" in listed.output and "sent" in listed.output


def test_scheduler_has_the_report_job(app):
    from survey_app.distribution.scheduler import REPORT_JOB, build_scheduler

    job = build_scheduler(app, 60).get_job(REPORT_JOB)
    assert job is not None and job.misfire_grace_time == 3600 and "minute='5'" in str(job.trigger)


def test_a_claim_held_by_another_scheduler_is_left_alone_until_stale(app_ctx, make_app, make_user, make_survey,
                                                                      make_org):
    """A standby that runs while the active scheduler is still sending skips the period; a claim left by a
    process that died is taken over after an hour."""
    from survey_app.models import ReportDelivery

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    sub_id = subscribe(app_ctx, ids["survey_id"], creator(app_ctx, make_user))
    with app_ctx() as session:
        session.add(ReportDelivery(subscription_id=sub_id, period="2026-W49", wave_id=ids["wave_id"],
                                   status="sending", claimed_at=WEDNESDAY))
    with MailSink() as sink:
        app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_SECURITY="none")
        assert run(app, WEDNESDAY + timedelta(minutes=30)) == []
        assert len(run(app, WEDNESDAY + timedelta(hours=2))) == 1
    assert len(sink.messages) == 1
    assert deliveries(app_ctx, sub_id) == [("2026-W49", "sent", 2)]
