"""Issue 23: a plan is saved and scheduled in one step; a running wave's reminders, quiet hours and texts can be
changed (logged, unsent messages only); a test invitation and reminder reach the staff member's own mailbox;
``wave tick --now`` tries a reminder without waiting a day."""
from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from survey_app.models import AuditEvent, DistributionPlan, OutboxMessage, OutboxStatus, PlanStatus, User, utcnow
from tests.designer_support import staff
from tests.distribution_support import MailSink, import_people, people, plan_wave
from tests.test_distribution_flow import _send_all, _tick

KST = ZoneInfo("Asia/Seoul")


def _form(opens, closes, **extra) -> dict:
    data = {"opens_at": opens.astimezone(KST).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": closes.astimezone(KST).strftime("%Y-%m-%dT%H:%M"), "channels": ["email"],
            "reminder_max": "1", "reminder_days": "2", "no_resurvey_days": "0", "quiet_start": "00:00",
            "quiet_end": "00:00", "email_subject": "{이름}님, 설문에 참여해 주십시오", "email_body": "{링크}",
            "sms_text": "[우체국] {링크}"}
    return {**data, **extra}


def test_saving_with_the_schedule_button_schedules_in_one_step(app_ctx, client, make_survey, make_user):
    ids = make_survey()
    staff(make_user, app_ctx, client, role="admin")
    url = f"/manage/distribution/waves/{ids['wave_id']}/plan"
    page = client.get(url).get_data(as_text=True)
    assert "저장하고 발송 예약" in page and "저장만 하기 (예약하지 않음)" in page
    now = utcnow()
    saved = client.post(url, data=_form(now + timedelta(days=1), now + timedelta(days=8), then="draft"))
    assert saved.status_code == 302
    with app_ctx() as session:
        assert session.get(DistributionPlan, ids["wave_id"]).status == PlanStatus.DRAFT
    assert "아직 예약하지 않았습니다" in client.get(url).get_data(as_text=True)
    refused = client.post(url, data=_form(now - timedelta(days=1), now + timedelta(days=8), then="schedule",
                                          email_subject="바뀐 제목"))
    assert refused.status_code == 400 and "시작 시각이 이미 지났습니다" in refused.get_data(as_text=True)
    with app_ctx() as session:  # a refused schedule changed nothing, the save included
        plan = session.get(DistributionPlan, ids["wave_id"])
        assert plan.status == PlanStatus.DRAFT and plan.email_subject != "바뀐 제목"
    done = client.post(url, data=_form(now + timedelta(days=1), now + timedelta(days=8), then="schedule"))
    assert done.status_code == 302
    with app_ctx() as session:
        assert session.get(DistributionPlan, ids["wave_id"]).status == PlanStatus.SCHEDULED
    page = client.get(url).get_data(as_text=True)
    assert "발송을 예약했습니다" in page and "저장 (예약 유지)" in page
    moved = client.post(url, data=_form(now - timedelta(hours=1), now + timedelta(days=8)))
    assert moved.status_code == 400  # a scheduled plan is checked against the clock when saved again


def test_running_wave_takes_safe_edits_only_and_logs_them(app, app_ctx, client, make_survey, make_user):
    ids = make_survey()
    import_people(app_ctx, people(3, start=800, region="R-DAEGU"))
    plan_wave(app_ctx, ids["wave_id"], reminder_days=1, reminder_max=2, audience={"filters": {"region": ["R-DAEGU"]}})
    _tick(app_ctx)
    assert _send_all(app, ("email",)).sent == 3
    _tick(app_ctx, utcnow() + timedelta(days=2, hours=1))  # rounds 1 and 2 queued
    staff(make_user, app_ctx, client, role="admin")
    url = f"/manage/distribution/waves/{ids['wave_id']}/plan"
    page = client.get(url).get_data(as_text=True)
    assert "발송이 시작되어 일정, 발송 경로, 대상은 바꿀 수 없습니다" in page and 'name="opens_at"' not in page
    answer = client.post(url, data={"reminder_max": "1", "reminder_days": "1", "quiet_start": "22:00",
                                    "quiet_end": "07:30", "email_subject": "[고친 제목] {이름}님", "email_body": "{링크}",
                                    "sms_text": "[우체국] {링크}", "channels": ["sms"]})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    with app_ctx() as session:
        plan = session.get(DistributionPlan, ids["wave_id"])
        assert (plan.reminder_max, plan.quiet_start, plan.quiet_end, plan.channels) == (1, "22:00", "07:30", ["email"])
        statuses = dict(session.execute(select(OutboxMessage.dedupe_key, OutboxMessage.status).where(
            OutboxMessage.wave_id == ids["wave_id"], OutboxMessage.kind == "reminder")).all())
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "wave.plan.edit_running",
                                                        AuditEvent.object_id == str(ids["wave_id"])))
    assert {k for k, s in statuses.items() if s == OutboxStatus.CANCELLED} == {k for k in statuses if k.endswith(":r2")}
    assert {s for k, s in statuses.items() if k.endswith(":r1")} == {OutboxStatus.PENDING}
    assert event is not None and event.details["reminder_max"] == ["2", "1"] and "email_subject" in event.details
    bad = client.post(url, data={"reminder_max": "9", "reminder_days": "1", "quiet_start": "25:00", "quiet_end": "07:30",
                                 "email_subject": "{쿠폰}", "email_body": "{링크}", "sms_text": "x"})
    assert bad.status_code == 400
    with app_ctx() as session:
        assert session.get(DistributionPlan, ids["wave_id"]).reminder_max == 1


def test_test_send_puts_an_invitation_and_a_reminder_in_the_staff_members_mailbox(
        app, app_ctx, client, make_survey, make_user, monkeypatch):
    ids = make_survey()
    plan_wave(app_ctx, ids["wave_id"], schedule=False, email_subject="{이름}님, 만족도 조사 안내")
    user_id = staff(make_user, app_ctx, client, role="admin")
    url = f"/manage/distribution/waves/{ids['wave_id']}/test-send"
    refused = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "내 계정에 전자우편 주소가 없습니다" in refused
    with app_ctx() as session:
        session.get(User, user_id).email = "cs.staff@epost.example"
    with MailSink() as sink:
        for name, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": sink.port, "SMTP_SECURITY": "none"}.items():
            monkeypatch.setitem(app.config, name, value)
        page = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "cs.staff@epost.example로 보냈습니다" in page
    mails = [email.message_from_bytes(raw, policy=email.policy.default) for _f, to, raw in sink.messages]
    assert [to for _f, to, _raw in sink.messages] == [["cs.staff@epost.example"]] * 2
    assert [str(m["Subject"]) for m in mails] == ["[시험 발송] admin 담당님, 만족도 조사 안내",
                                                  "[시험 발송] [다시 알림] admin 담당님, 만족도 조사 안내"]
    assert "/s/sample-link-for-test-only" in mails[0].get_content()
    with app_ctx() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.wave_id == ids["wave_id"])) == 0  # nothing queued for anyone


def test_wave_tick_now_queues_a_reminder_that_can_be_sent_at_once(app, app_ctx, make_survey, monkeypatch):
    ids = make_survey()
    import_people(app_ctx, people(2, start=820, region="R-ULSAN"))
    plan_wave(app_ctx, ids["wave_id"], reminder_days=1, reminder_max=1, audience={"filters": {"region": ["R-ULSAN"]}})
    _tick(app_ctx)
    assert _send_all(app, ("email",)).sent == 2
    later = (utcnow() + timedelta(days=1, hours=1)).astimezone(KST).strftime("%Y-%m-%dT%H:%M")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["wave", "tick", "--now", later])
    assert refused.exit_code != 0 and "SURVEY_ALLOW_TICK_AS_OF" in refused.output
    monkeypatch.setitem(app.config, "ALLOW_TICK_AS_OF", True)
    assert "시각 형식" in runner.invoke(args=["wave", "tick", "--now", "next tuesday"]).output
    done = runner.invoke(args=["wave", "tick", "--now", later])
    assert done.exit_code == 0 and f"{ids['wave_code']}: reminders: 2" in done.output, done.output
    stats = _send_all(app, ("email",))
    assert stats.sent == 2  # due now, not a day from now


def test_test_send_without_a_mail_server_says_where_the_mails_went(app, app_ctx, client, make_survey, make_user):
    """The demo has no SMTP server: the page must not tell staff to look in a mailbox nothing reached."""
    ids = make_survey()
    plan_wave(app_ctx, ids["wave_id"], schedule=False)
    user_id = staff(make_user, app_ctx, client, role="admin")
    with app_ctx() as session:
        session.get(User, user_id).email = "demo.staff@epost.example"
    page = client.post(f"/manage/distribution/waves/{ids['wave_id']}/test-send", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "outbox/mail 폴더에 .eml 파일로 저장했습니다" in text and "메일함을 확인해 주십시오" not in text
