"""Small things people met on the way (issue 21): the site icon, the kiosk's promises, the audit log's
clock, and the staff error pages."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.designer_support import staff
from tests.respondent_support import field_wave


def test_the_site_icon_is_served(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200 and answer.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)


@pytest.fixture
def wave(app_ctx, make_survey):
    return field_wave(app_ctx, make_survey)


def test_a_kiosk_does_not_promise_resuming_with_the_same_link(app, client, wave):
    client.get(f"/o/{wave['open_key']}?kiosk=1")
    kiosk = client.get(f"/r/{wave['wave_code']}").get_data(as_text=True)
    assert "같은 링크로" not in kiosk and "처음 화면으로 돌아가며" in kiosk
    phone = app.test_client()  # a respondent's own phone
    phone.get(f"/o/{wave['open_key']}")
    own_phone = phone.get(f"/r/{wave['wave_code']}").get_data(as_text=True)
    assert "같은 링크로 이어서 답하실 수 있습니다" in own_phone


def test_the_kiosk_thank_you_page_returns_after_the_configured_seconds(app, client, wave):
    app.config["KIOSK_RESET_SECONDS"] = 7
    client.get(f"/o/{wave['open_key']}?kiosk=1")
    html = client.get(f"/r/{wave['wave_code']}/done").get_data(as_text=True)
    assert 'data-kiosk-reset="7"' in html and "7초 뒤 처음 화면으로 돌아갑니다" in html
    assert 'data-kiosk-reset' not in client.get(f"/r/{wave['wave_code']}").get_data(as_text=True)


def test_the_audit_log_shows_korea_time(client, make_user, app_ctx):
    """An event at 15:30 UTC on 1 January is 00:30 on 2 January in Korea (UTC+9), as other pages show
    times; the CSV says the same, and a search for 2 January finds it."""
    from survey_app.models import AuditEvent

    staff(make_user, app_ctx, client, role="admin")
    with app_ctx() as session:
        session.add(AuditEvent(occurred_at=datetime(2026, 1, 1, 15, 30, tzinfo=UTC), action="survey.publish",
                               object_type="survey", object_id="77"))
    html = client.get("/admin/audit?since=2026-01-02&until=2026-01-02").get_data(as_text=True)
    assert "2026-01-02 00:30:00" in html and "UTC" not in html
    csv = client.get("/admin/audit.csv?since=2026-01-02&until=2026-01-02").get_data(as_text=True)
    assert "2026-01-02 00:30:00" in csv and "한국 시간" in csv
    assert "00:30:00" not in client.get("/admin/audit?since=2026-01-01&until=2026-01-01").get_data(as_text=True)


def test_staff_error_pages_send_staff_back_to_work_not_to_the_hotline(app, client, make_user, app_ctx):
    phone = app.config["CONTACT_CENTER_PHONE"]
    missing = client.get("/manage/no-such-page")  # not signed in, but a staff address
    html = missing.get_data(as_text=True)
    assert missing.status_code == 404 and phone not in html and "/manage/" in html and "시스템 관리자" in html
    staff(make_user, app_ctx, client)
    signed_in = client.get("/no-such-page").get_data(as_text=True)
    assert phone not in signed_in.split("<footer")[0] and "업무 첫 화면으로" in signed_in


def test_respondents_still_get_the_hotline_on_an_error(app, client):
    html = client.get("/no-such-page").get_data(as_text=True)
    assert "우편고객센터(" in html and "시스템 관리자" not in html
