"""The plan page in a real Chromium against ``survey-app serve`` with a real SMTP server on loopback (aiosmtpd):
a staff member sends the test invitation and reminder to their own mailbox (issue 23) and the page passes axe."""
from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest

from survey_app.database import db
from survey_app.models import User, utcnow
from tests.browser.support import SECRET
from tests.browser.test_staff_browser import make_staff, press_enter_on, sign_in
from tests.distribution_support import MailSink
from tests.served import served_instance

pytestmark = pytest.mark.browser


@pytest.fixture
def mail_app(tmp_path):
    """A served app of its own whose mail goes to an aiosmtpd server on loopback, and that server."""
    from survey_app import create_app, migrate

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": SECRET, "TESTING": False})
    with app.app_context():
        migrate.upgrade(db.engine)
    with MailSink() as sink, served_instance(tmp_path, SECRET, SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port,
                                             SMTP_SECURITY="none", MAIL_FROM="survey@epost.example") as server:
        app.config["LIVE_URL"] = server.url
        yield app, sink
    app.extensions["survey_engine"].dispose()


def _planned_wave(app) -> int:
    from survey_app.distribution.plans import PlanInput, save_plan
    from survey_app.models import Survey, Wave

    with app.app_context():
        survey = Survey(code="MAIL-TRY", title="우편 서비스 만족도", kind="customer_satisfaction", draft_definition={})
        version = survey.publish({"code": "MAIL-TRY", "sections": []})
        wave = Wave(code="MAIL-TRY-W", name="시험 발송 차수", survey=survey, version=version)
        db.session.add(wave)
        db.session.flush()
        save_plan(wave, PlanInput(utcnow() + timedelta(days=1), utcnow() + timedelta(days=10), ["email"],
                                  reminder_days=3, reminder_max=1, email_subject="{이름}님, 우체국 만족도 조사 안내"))
        db.session.commit()
        return wave.id


def test_staff_member_sends_a_test_reminder_to_their_own_mailbox_from_the_plan_page(mail_app, new_page, axe_check):
    app, sink = mail_app
    wave_id = _planned_wave(app)
    username = make_staff(app)
    with app.app_context():
        user = db.session.query(User).filter_by(username=username).one()
        user.email = "cs.tester@epost.example"
        db.session.commit()
    page = new_page()
    base = app.config["LIVE_URL"]
    sign_in(page, base, username)
    page.goto(f"{base}/manage/distribution/waves/{wave_id}/plan")
    assert "cs.tester@epost.example" in page.inner_text(".test-send")
    assert axe_check(page) == []
    press_enter_on(page, ".test-send button")
    assert "cs.tester@epost.example로 보냈습니다" in page.inner_text("main")
    mails = [email.message_from_bytes(raw, policy=email.policy.default) for _f, _to, raw in sink.messages]
    assert [to for _f, to, _raw in sink.messages] == [["cs.tester@epost.example"]] * 2
    subjects = [str(m["Subject"]) for m in mails]
    assert subjects == ["[시험 발송] 브라우저 담당님, 우체국 만족도 조사 안내",
                        "[시험 발송] [다시 알림] 브라우저 담당님, 우체국 만족도 조사 안내"]
    reminder = mails[1]
    assert reminder["Date"].endswith("+0900") and "/s/sample-link-for-test-only" in reminder.get_content()
    assert "수신거부" in reminder.get_content()
