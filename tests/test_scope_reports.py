"""Penetration-test finding: results viewers could have workbooks mailed to any outside address. Scheduled
reports go only to addresses in ``SURVEY_REPORT_MAIL_DOMAINS``: refused at the form, and again at delivery."""
from __future__ import annotations

from tests.distribution_support import MailSink
from tests.test_report_delivery import PASSWORD, WEDNESDAY, creator, deliveries, run, subscribe
from tests.test_results_support import seed_hand_wave


def test_the_form_refuses_recipients_outside_the_organisations_domains(app_ctx, client, make_user, make_survey,
                                                                       make_org):
    from survey_app.models import ReportSubscription, User

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    user_id = creator(app_ctx, make_user)
    with app_ctx() as session:
        username = session.get(User, user_id).username
    assert client.post("/manage/login", data={"username": username, "password": PASSWORD}).status_code == 302
    url = f"/manage/results/surveys/{ids['survey_id']}/reports"
    answer = client.post(url, data={"recipients": "boss@epost.example, leak@gmail.com, x@epost.example.evil.com",
                                    "cadence": "weekly", "weekday": "0", "day_of_month": "1", "wave": "0"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "기관 전자우편" in page
    assert "leak@gmail.com" in page.split("받을 수 없습니다")[1] and "x@epost.example.evil.com" in page
    with app_ctx() as session:
        assert session.query(ReportSubscription).filter_by(survey_id=ids["survey_id"]).count() == 0
    assert client.post(url, data={"recipients": "boss@epost.example, cs@seoul.koreapost.go.kr", "cadence": "weekly",
                                  "weekday": "0", "day_of_month": "1", "wave": "0"}).status_code == 302


def test_delivery_checks_the_recipients_again(app_ctx, make_app, make_user, make_survey, make_org):
    """A subscription stored before the rule (or before the setting narrowed) sends nothing outside it."""
    from survey_app.models import ReportSubscription

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    sub_id = subscribe(app_ctx, ids["survey_id"], creator(app_ctx, make_user),
                       recipients=["boss@epost.example", "leak@gmail.com"])
    with MailSink() as sink:
        app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_SECURITY="none", MAIL_FROM="survey@epost.example")
        run(app, WEDNESDAY)
    assert sink.messages == []
    assert deliveries(app_ctx, sub_id) == [("2026-W49", "failed", 1)]
    with app_ctx() as session:
        assert "leak@gmail.com" in session.get(ReportSubscription, sub_id).last_error


def test_the_domain_rule_takes_subdomains_and_refuses_lookalikes():
    from survey_app.results.report_mail import outside_allowed_domains

    domains = ("koreapost.go.kr",)
    assert outside_allowed_domains(["a@koreapost.go.kr", "b@Mail.KoreaPost.go.kr"], domains) == []
    assert outside_allowed_domains(["c@evilkoreapost.go.kr", "d@koreapost.go.kr.evil.com", "e@gmail.com"],
                                   domains) == ["c@evilkoreapost.go.kr", "d@koreapost.go.kr.evil.com", "e@gmail.com"]
    assert outside_allowed_domains(["f@gmail.com"], ("*",)) == []
