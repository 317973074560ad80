"""An edit posted after the staff session expired is kept on the server, restored into the same form
after sign-in (for the same user only), and saved only when the user presses save."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from survey_app.models import StaffSession, UnsavedForm, utcnow
from tests.designer_support import PASSWORD, draft, lock, new_survey, question_post, staff


def _expire_sessions(app_ctx, user_id):
    with app_ctx() as session:
        session.execute(update(StaffSession).where(StaffSession.user_id == user_id)
                        .values(last_seen_at=utcnow() - timedelta(hours=3)))


def test_expired_session_keeps_the_posted_question_and_restores_it_after_sign_in(client, make_user, app_ctx, app):
    user_id = staff(make_user, app_ctx, client, username="slowdesigner")
    sid = new_survey(client, "SLOW-1")
    client.post(f"/manage/surveys/{sid}/questions/add", data={"lock_version": lock(app_ctx, sid), "section": "S1",
                                                               "type": "long_text", "text_ko": "처음 문구"})
    from survey_app.designer.drafts import find_question
    question = find_question(draft(app_ctx, sid), "Q1")[2]
    _expire_sessions(app_ctx, user_id)
    posted = question_post(question, lock(app_ctx, sid), text_ko="두 시간 동안 다듬은 긴 문구")
    answer = client.post(f"/manage/surveys/{sid}/questions/Q1", data=posted)
    assert answer.status_code == 302 and "/manage/login" in answer.headers["Location"]
    assert find_question(draft(app_ctx, sid), "Q1")[2]["text"] == {"ko": "처음 문구"}  # nothing saved yet
    with app_ctx() as session:
        kept = session.scalars(select(UnsavedForm)).all()
        assert len(kept) == 1 and kept[0].user_id == user_id and kept[0].fields["text_ko"] == ["두 시간 동안 다듬은 긴 문구"]

    stranger = app.test_client()  # someone else signing in on the same page sees nothing of it
    staff(make_user, app_ctx, stranger)
    assert "두 시간 동안" not in stranger.get(f"/manage/surveys/{sid}/questions/Q1").get_data(as_text=True)

    login = client.post(answer.headers["Location"], data={"username": "slowdesigner", "password": PASSWORD})
    assert login.status_code == 302 and login.headers["Location"].endswith(f"/manage/surveys/{sid}/questions/Q1")
    page = client.get(login.headers["Location"]).get_data(as_text=True)
    assert "두 시간 동안 다듬은 긴 문구" in page and "되살렸습니다" in page
    with app_ctx() as session:
        assert session.scalars(select(UnsavedForm)).all() == []
    saved = client.post(f"/manage/surveys/{sid}/questions/Q1", data=posted)
    assert saved.status_code == 302
    assert find_question(draft(app_ctx, sid), "Q1")[2]["text"] == {"ko": "두 시간 동안 다듬은 긴 문구"}


def test_expired_evaluation_form_is_kept_too(client, make_user, app_ctx, make_survey, make_org):
    from survey_app.models import OrgLevel
    from tests.designer_support import COURTESY

    unit = make_org("P-SLOW", "느린우체국", OrgLevel.OFFICE)
    ids = make_survey(COURTESY, kind="staff_courtesy")
    user_id = staff(make_user, app_ctx, client, role="evaluator", username="slowevaluator")
    start = client.post(f"/manage/courtesy/waves/{ids['wave_id']}/new", data={
        "org_unit": str(unit), "staff": "", "channel": "phone", "visited_at": "2026-01-15T10:30"})
    url = start.headers["Location"]
    _expire_sessions(app_ctx, user_id)
    answer = client.post(url, data={"a_P1_1": "4", "a_P6": "통화 연결이 빨랐습니다"})
    assert "/manage/login" in answer.headers["Location"]
    client.post(answer.headers["Location"], data={"username": "slowevaluator", "password": PASSWORD})
    page = client.get(url).get_data(as_text=True)
    assert "통화 연결이 빨랐습니다" in page and 'value="4" id="f-P1_1-4" checked' in page


def test_anonymous_posts_are_not_kept(client, db, app_ctx):
    answer = client.post("/manage/surveys/1/questions/Q1", data={"text_ko": "누군지 모름"})
    assert answer.status_code == 302 and "/manage/login" in answer.headers["Location"]
    with app_ctx() as session:
        assert session.scalars(select(UnsavedForm)).all() == []
