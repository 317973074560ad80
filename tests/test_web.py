"""The web tier: public pages, staff login, permissions, error pages, the API."""
from __future__ import annotations

from sqlalchemy import select

from survey_app.models import AuditEvent


def login(client, username, password):
    return client.post("/manage/login", data={"username": username, "password": password})


def test_home_page_is_korean_and_names_the_contact_center(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="ko">' in html and "우편고객센터" in html and "1588-1300" in html


def test_staff_login_page_answers(client):
    page = client.get("/manage/login")
    assert page.status_code == 200 and "직원 로그인" in page.get_data(as_text=True)


def test_staff_pages_need_a_login(client):
    page = client.get("/manage/")
    assert page.status_code == 302 and "/manage/login" in page.headers["Location"]


def test_login_with_right_password_opens_the_workspace_and_is_audited(client, app_ctx, make_user):
    user_id, password = make_user("cs_kim")
    answer = login(client, "cs_kim", password)
    assert answer.status_code == 302
    assert "설문 목록" in client.get("/manage/").get_data(as_text=True)
    with app_ctx() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user_id)).all()
    assert "user.login" in actions


def test_wrong_password_is_refused_with_a_message(client, make_user):
    make_user("cs_lee")
    page = login(client, "cs_lee", "not-the-password1")
    assert page.status_code == 200 and "맞지 않습니다" in page.get_data(as_text=True)
    assert client.get("/manage/").status_code == 302


def test_logout_ends_the_session(client, make_user):
    _id, password = make_user("cs_park")
    login(client, "cs_park", password)
    assert client.post("/manage/logout").status_code == 302
    assert client.get("/manage/").status_code == 302


def test_admin_pages_are_forbidden_to_other_staff(client, make_user):
    _id, password = make_user("analyst1")
    login(client, "analyst1", password)
    page = client.get("/admin/audit")
    assert page.status_code == 403 and "권한" in page.get_data(as_text=True)


def test_admin_sees_the_audit_log(client, make_user):
    _id, password = make_user("root_admin", is_admin=True)
    login(client, "root_admin", password)
    page = client.get("/admin/audit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<td>로그인</td>" in html  # the sign-in, by its name
    assert "user.login" not in html  # not the action's code


def test_unknown_page_is_a_friendly_korean_404(client):
    page = client.get("/no/such/page")
    html = page.get_data(as_text=True)
    assert page.status_code == 404 and "페이지를 찾을 수 없습니다" in html and "Traceback" not in html


def test_unexpected_error_shows_no_traceback(make_app):
    from survey_app.web.access import public

    app = make_app(TESTING=False)

    @app.get("/__boom_test")
    @public
    def boom():
        raise RuntimeError("secret internals")

    page = app.test_client().get("/__boom_test")
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and "일시적인 오류" in html and "secret internals" not in html


def test_api_health_reports_database_reachable(client):
    answer = client.get("/api/v1/health")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}


def test_api_errors_are_json(client):
    answer = client.get("/api/v1/nothing-here")
    assert answer.status_code == 404 and answer.get_json()["error"]["status"] == 404


def test_static_files_carry_a_content_hash_and_long_cache(client):
    html = client.get("/").get_data(as_text=True)
    start = html.index("/static/app.css?v=")
    url = html[start:html.index('"', start)]
    answer = client.get(url)
    assert answer.status_code == 200 and "immutable" in answer.headers["Cache-Control"]
