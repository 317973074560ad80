"""The staff page of a survey's scheduled report e-mails: add with validation, list, pause, delete, send now."""
from __future__ import annotations

from sqlalchemy import select

from tests.distribution_support import MailSink
from tests.test_report_delivery import PASSWORD, creator, subscribe
from tests.test_results_support import seed_hand_wave


def _login(client, app_ctx, user_id):
    from survey_app.models import User

    with app_ctx() as session:
        username = session.get(User, user_id).username
    answer = client.post("/manage/login", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 302


def _subs(app_ctx, survey_id):
    from survey_app.models import ReportSubscription

    with app_ctx() as session:
        return [(s.cadence, s.recipients, s.weekday, s.day_of_month, s.wave_id, s.active) for s in session.scalars(
            select(ReportSubscription).where(ReportSubscription.survey_id == survey_id).order_by(ReportSubscription.id))]


def test_results_pages_link_to_the_report_settings(app_ctx, client, make_user, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _login(client, app_ctx, creator(app_ctx, make_user))
    url = f"/manage/results/surveys/{ids['survey_id']}/reports"
    assert url in client.get(f"/manage/results/surveys/{ids['survey_id']}").get_data(as_text=True)
    assert url in client.get(f"/manage/results/waves/{ids['wave_id']}").get_data(as_text=True)
    assert "아직 설정된 정기 보고가 없습니다." in client.get(url).get_data(as_text=True)


def test_form_rejects_bad_input_and_keeps_what_was_typed(app_ctx, client, make_user, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _login(client, app_ctx, creator(app_ctx, make_user))
    url = f"/manage/results/surveys/{ids['survey_id']}/reports"
    answer = client.post(url, data={"recipients": "boss@epost.example, not-an-address", "cadence": "monthly",
                                    "day_of_month": "31", "weekday": "0", "wave": "0"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "전자우편 주소가 올바르지 않습니다: not-an-address" in page
    assert "1부터 28 사이의 날짜를 적어 주십시오." in page
    assert "boss@epost.example, not-an-address" in page and 'value="31"' in page
    empty = client.post(url, data={"recipients": "", "cadence": "monthly", "day_of_month": "", "wave": "0"})
    assert "받는 사람 주소를 적어 주십시오." in empty.get_data(as_text=True)
    assert "매월 보낼 날짜를 적어 주십시오." in empty.get_data(as_text=True)
    assert _subs(app_ctx, ids["survey_id"]) == []


def test_add_list_pause_and_delete(app_ctx, client, make_user, make_survey, make_org):
    from survey_app.models import AuditEvent

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _login(client, app_ctx, creator(app_ctx, make_user))
    url = f"/manage/results/surveys/{ids['survey_id']}/reports"
    answer = client.post(url, data={"recipients": "boss@epost.example\ncs@epost.example; boss@epost.example",
                                    "cadence": "weekly", "weekday": "4", "day_of_month": "1",
                                    "wave": str(ids["wave_id"])})
    assert answer.status_code == 302
    assert _subs(app_ctx, ids["survey_id"]) == [("weekly", ["boss@epost.example", "cs@epost.example"], 4, None,
                                                 ids["wave_id"], True)]
    page = client.get(url).get_data(as_text=True)
    assert "매주 금요일" in page and "boss@epost.example, cs@epost.example" in page and "아직 없음" in page
    sub_id = next(iter(_sub_ids(app_ctx, ids["survey_id"])))
    client.post(f"/manage/results/reports/{sub_id}/active")
    assert _subs(app_ctx, ids["survey_id"])[0][-1] is False
    assert "(멈춤)" in client.get(url).get_data(as_text=True)
    client.post(f"/manage/results/reports/{sub_id}/delete")
    assert _subs(app_ctx, ids["survey_id"]) == []
    with app_ctx() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "report_subscription")
                                  .order_by(AuditEvent.id)).all()
    assert actions == ["results.report_subscription.add", "results.report_subscription.active",
                       "results.report_subscription.delete"]


def _sub_ids(app_ctx, survey_id):
    from survey_app.models import ReportSubscription

    with app_ctx() as session:
        return session.scalars(select(ReportSubscription.id).where(ReportSubscription.survey_id == survey_id)).all()


def test_send_now_delivers_and_shows_the_status(app_ctx, make_app, make_user, make_survey, make_org, db):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    user_id = creator(app_ctx, make_user)
    sub_id = subscribe(app_ctx, ids["survey_id"], user_id, "close")
    with MailSink() as sink:
        client = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_SECURITY="none").test_client()
        _login(client, app_ctx, user_id)
        answer = client.post(f"/manage/results/reports/{sub_id}/send", follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "보고서를 지금 보냈습니다." in page and "보냄" in page and "test-" in page
    assert len(sink.messages) == 1


def test_someone_elses_report_is_left_alone_by_a_unit_viewer(app_ctx, client, make_user, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    sub_id = subscribe(app_ctx, ids["survey_id"], creator(app_ctx, make_user))
    _login(client, app_ctx, creator(app_ctx, make_user, "executive", ids["units"]["P-A"]))
    answer = client.post(f"/manage/results/reports/{sub_id}/delete", follow_redirects=True)
    assert "만든 직원이나 전체 조직의 결과 조회 권한자만" in answer.get_data(as_text=True)
    assert len(_subs(app_ctx, ids["survey_id"])) == 1


def test_report_form_gives_select_choices_and_renders_without_tuple_warnings(app_ctx, client, make_user, make_survey,
                                                                             make_org, recwarn):
    from wtforms.fields.choices import SelectChoice

    from survey_app.database import db
    from survey_app.models import Survey
    from survey_app.results.forms import SubscriptionForm, wave_choices

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _login(client, app_ctx, creator(app_ctx, make_user))
    with client.application.test_request_context("/manage/"):
        form = SubscriptionForm(meta={"csrf": False})
        form.wave.choices = wave_choices(db.session.get(Survey, ids["survey_id"]))
        for field in (form.cadence, form.weekday, form.wave):
            assert all(isinstance(c, SelectChoice) for c in field.choices), field.name
    assert client.get(f"/manage/results/surveys/{ids['survey_id']}/reports").status_code == 200
    assert not [w for w in recwarn if "SelectField choices" in str(w.message)]
