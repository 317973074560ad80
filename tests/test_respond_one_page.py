"""A survey answered on one page: the response is stored complete at once, hidden fields included,
the link's opening is recorded, a second submission changes nothing, and option markup made once per
question is escaped and follows each questionnaire's own labels and order."""
from __future__ import annotations

from sqlalchemy import func, select

from questionnaires import Questionnaire
from survey_app.models import Answer, Invitation, Response, ResponseStatus, Wave, new_token, utcnow


def one_page(label: str = "친절했다", randomize: bool = False) -> dict:
    choices = [{"value": v, "label": {"ko": f"{label} {v}"}} for v in (1, 2, 3, 4, 5)]
    return Questionnaire.from_dict({
        "code": "ONEPAGE", "version": 1, "kind": "customer_satisfaction", "title": {"ko": "한 쪽 설문"},
        "hidden": [{"code": "region", "type": "hidden", "text": {"ko": "지역"}, "source": "region"}],
        "sections": [{"code": "S1", "title": {"ko": "평가"}, "questions": [
            {"code": "Q1", "type": "single_choice", "text": {"ko": "직원은 친절했습니까?"}, "choices": choices,
             "randomize": randomize},
            {"code": "Q2", "type": "short_text", "text": {"ko": "하실 말씀"}, "required": False}]}]}).to_dict()


def invite(app_ctx, wave_id: int, hidden: dict | None = None) -> tuple[str, int]:
    token, digest = new_token()
    with app_ctx() as session:
        invitation = Invitation(wave_id=wave_id, token_hash=digest, hidden=hidden or {})
        session.add(invitation)
        session.flush()
        return token, invitation.id


def responses_of(app_ctx, invitation_id: int) -> list[tuple]:
    with app_ctx() as session:
        rows = session.execute(select(Response.id, Response.status, Response.last_page, Response.finished_at)
                               .where(Response.invitation_id == invitation_id)).all()
        return [tuple(r) for r in rows]


def answers_of(app_ctx, invitation_id: int) -> dict:
    with app_ctx() as session:
        rows = session.execute(select(Answer.question_code, Answer.choice, Answer.value_text).join(Response)
                               .where(Response.invitation_id == invitation_id)).all()
        return {code: choice if choice is not None else text for code, choice, text in rows}


def test_opening_a_personal_link_records_it_before_any_answer(client, db, app_ctx, make_survey):
    ids = make_survey(one_page())
    token, invitation_id = invite(app_ctx, ids["wave_id"])
    assert client.get(f"/s/{token}").status_code == 303
    with app_ctx() as session:
        invitation = session.get(Invitation, invitation_id)
        assert invitation.opened_at is not None and invitation.opened_at <= utcnow()
    assert responses_of(app_ctx, invitation_id) == []


def test_one_page_survey_is_stored_complete_with_its_hidden_field_and_only_once(client, db, app_ctx, make_survey):
    ids = make_survey(one_page())
    token, invitation_id = invite(app_ctx, ids["wave_id"], {"region": "서울"})
    client.get(f"/s/{token}")
    posted = client.post(f"/r/{ids['wave_code']}?p=1", data={"a_Q1": "4", "a_Q2": "감사합니다", "move": "next"})
    assert posted.status_code == 303 and posted.headers["Location"].endswith(f"/r/{ids['wave_code']}/done")
    [(_id, status, last_page, finished_at)] = responses_of(app_ctx, invitation_id)
    assert status == ResponseStatus.COMPLETE and last_page == 1 and finished_at is not None
    assert answers_of(app_ctx, invitation_id) == {"Q1": "4", "Q2": "감사합니다", "region": "서울"}

    again = client.post(f"/r/{ids['wave_code']}?p=1", data={"a_Q1": "1", "move": "next"})
    assert again.status_code == 303 and "already=1" in again.headers["Location"]
    assert answers_of(app_ctx, invitation_id)["Q1"] == "4" and len(responses_of(app_ctx, invitation_id)) == 1


def test_a_response_started_elsewhere_is_completed_not_duplicated(client, db, app_ctx, make_survey):
    ids = make_survey(one_page())
    token, invitation_id = invite(app_ctx, ids["wave_id"])
    client.get(f"/s/{token}")  # this browser holds the visit before the other device starts the response
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        session.add(Response(wave_id=wave.id, version_id=wave.version_id, invitation_id=invitation_id,
                             started_at=utcnow(), hidden={}))
    assert client.post(f"/r/{ids['wave_code']}?p=1", data={"a_Q1": "2", "move": "next"}).status_code == 303
    [(_id, status, _page, _finished)] = responses_of(app_ctx, invitation_id)
    assert status == ResponseStatus.COMPLETE and answers_of(app_ctx, invitation_id) == {"Q1": "2"}
    with app_ctx() as session:
        assert session.scalar(select(func.count()).select_from(Response)
                              .where(Response.wave_id == ids["wave_id"])) == 1


def test_each_version_shows_its_own_labels_escaped_and_the_answer_checked(client, db, app_ctx, make_survey):
    first, second = make_survey(one_page("<b>좋음</b>")), make_survey(one_page("보통"))
    pages = {}
    for ids in (first, second):
        token, _ = invite(app_ctx, ids["wave_id"])
        client.get(f"/s/{token}")
        client.post(f"/r/{ids['wave_code']}?p=1", data={"a_Q1": "3", "a_Q2": "x" * 600, "move": "next"})  # too long
        pages[ids["wave_code"]] = client.post(f"/r/{ids['wave_code']}?p=1",
                                              data={"a_Q1": "3", "a_Q2": "x" * 600, "move": "next"})
    shown = pages[first["wave_code"]].get_data(as_text=True)
    assert pages[first["wave_code"]].status_code == 422
    assert "&lt;b&gt;좋음&lt;/b&gt; 1" in shown and "<b>좋음</b>" not in shown and "보통 1" not in shown
    assert 'value="3" id="f-Q1-3" checked' in shown and 'value="2" id="f-Q1-2">' in shown
    assert "보통 1" in pages[second["wave_code"]].get_data(as_text=True)


def test_randomised_choices_follow_each_respondent_order(client, db, app_ctx, make_survey, make_app):
    import re

    ids = make_survey(one_page(randomize=True))
    orders = set()
    for _ in range(6):
        token, _ = invite(app_ctx, ids["wave_id"])
        with client.session_transaction() as browser:
            browser.clear()
        client.get(f"/s/{token}")
        page = client.get(f"/r/{ids['wave_code']}?p=1").get_data(as_text=True)
        values = re.findall(r'name="a_Q1" value="(\d)"', page)
        assert sorted(values) == ["1", "2", "3", "4", "5"]
        orders.add(tuple(values))
    assert len(orders) > 1
