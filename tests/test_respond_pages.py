"""Respondent pages through the test client: links, pages, logic, validation, resume, exactly once."""
from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from survey_app.models import Answer, Response, ResponseStatus
from tests.respondent_support import PAGE1, PAGE2, PAGE3, field_wave


@pytest.fixture
def wave(app_ctx, make_survey):
    return field_wave(app_ctx, make_survey)


def page_url(wave, page):
    return f"/r/{wave['wave_code']}?p={page}"


def open_personal(client, wave):
    answer = client.get(f"/s/{wave['token']}")
    assert answer.status_code == 303
    return answer


def stored(app_ctx, wave) -> dict:
    with app_ctx() as session:
        rows = session.execute(select(Answer.question_code, Answer.position, Answer.value_num, Answer.choice,
                                      Answer.value_text).join(Response)
                               .where(Response.invitation_id == wave["invitation_id"])).all()
    return {(code, pos): num if num is not None else (choice if choice is not None else text)
            for code, pos, num, choice, text in rows}


def response_row(app_ctx, wave):
    with app_ctx() as session:
        return session.scalar(select(Response).where(Response.invitation_id == wave["invitation_id"]))


def test_personal_link_is_exchanged_for_a_session_and_leaves_the_url(client, wave):
    answer = open_personal(client, wave)
    assert answer.headers["Location"].endswith(f"/r/{wave['wave_code']}")
    assert wave["token"] not in answer.headers["Location"]
    welcome = client.get(answer.headers["Location"])
    html = welcome.get_data(as_text=True)
    assert welcome.status_code == 200 and "우체국 이용 만족도 조사" in html and "설문 시작하기" in html
    # The pages the progress indicator will count ("1 / 3쪽"), not only those shown before any answer;
    # 13 questions: 9 closed (10 s), a matrix of 2 rows (6 s each), 2 open (40 s) = 182 s, so 4 minutes.
    assert "모두 3쪽, 13문항입니다. 보통 4분쯤 걸립니다. 답에 따라 건너뛰는 문항도 있습니다." in html
    assert "응답은 통계 목적으로만 쓰이며" in html  # the introduction does not say it, so the page does


def test_welcome_leaves_the_time_to_an_introduction_that_states_it():
    """The postal template says "응답에는 5분 정도 걸리며": the welcome page adds no estimate that could
    contradict it, and counts every page a respondent may reach (7, though logic shows 2 before SQ1)."""
    from questionnaires import load_template
    from survey_app.respond.pages import expected_sections, outline

    postal = load_template("postal_satisfaction")
    ahead = outline(postal, expected_sections(postal, {}))
    assert (ahead.pages, ahead.minutes, ahead.branches, ahead.use_stated) == (7, None, True, True)
    from dataclasses import replace

    from questionnaires.model import Text

    quarter = replace(postal, description=Text("2026년 4분기 우편서비스 만족도 조사입니다.", ""))
    assert outline(quarter, expected_sections(quarter, {})).minutes is not None  # "4분기" states no time
    assert ahead.questions == sum(len(q.rows) if q.type == "matrix" else 1 for s in postal.sections
                                  for q in s.questions if q.type not in ("hidden", "computed", "note"))


def test_first_page_shows_fieldsets_and_progress(client, wave):
    open_personal(client, wave)
    html = client.get(page_url(wave, 1)).get_data(as_text=True)
    assert html.count("<fieldset") >= 3 and "<legend>" in html and "1 / 3쪽" in html
    assert 'name="a_Q1"' in html and 'name="a_Q1_other"' in html and 'lang="ko"' in html


def test_missing_answers_are_listed_at_the_top_and_linked_to_their_fields(client, wave):
    open_personal(client, wave)
    answer = client.post(page_url(wave, 1), data={"a_Q2": "6", "move": "next"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'id="error-summary"' in html
    assert 'href="#f-Q1"' in html and 'href="#f-Q3"' in html and 'id="f-Q1"' in html
    assert 'aria-invalid="true"' in html and 'value="6" id="f-Q2-6" checked' in html  # the given answer is kept


def test_a_valid_page_is_saved_as_a_partial_response(client, app_ctx, wave):
    open_personal(client, wave)
    answer = client.post(page_url(wave, 1), data=PAGE1)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("p=2")
    response = response_row(app_ctx, wave)
    assert response.status == ResponseStatus.PARTIAL and response.last_page == 1
    assert stored(app_ctx, wave) == {("office_code", 0): "P-SUWON", ("channel", 0): "sms", ("Q1", 0): 2.0,
                                     ("Q2", 0): 6.0, ("Q3", 0): 2.0}


def test_a_question_shown_by_logic_becomes_required(client, wave):
    open_personal(client, wave)
    answer = client.post(page_url(wave, 1), data={**PAGE1, "a_Q3": "1"})
    assert answer.status_code == 422 and 'href="#f-Q3A"' in answer.get_data(as_text=True)


def test_answers_to_questions_logic_hides_are_not_stored(client, app_ctx, wave):
    open_personal(client, wave)
    client.post(page_url(wave, 1), data={**PAGE1, "a_Q3A": "30분"})  # Q3 == 2, so Q3A is hidden
    assert ("Q3A", 0) not in stored(app_ctx, wave)


def test_other_text_is_required_when_other_is_chosen(client, wave):
    open_personal(client, wave)
    answer = client.post(page_url(wave, 1), data={**PAGE1, "a_Q1": "4"})
    assert answer.status_code == 422 and 'href="#f-Q1_other"' in answer.get_data(as_text=True)


def test_invalid_values_get_plain_korean_messages(client, wave):
    open_personal(client, wave)
    client.post(page_url(wave, 1), data=PAGE1)
    client.post(page_url(wave, 2), data=PAGE2)
    bad = {**PAGE3, "a_Q7": ["a=1", "b=1", "c=2"], "a_Q8": "셋", "a_Q9": "어제"}
    html = client.post(page_url(wave, 3), data=bad).get_data(as_text=True)
    assert "같은 순위를 두 번" in html and "숫자로 적어 주십시오" in html and "2026-11-24처럼" in html
    too_many = client.post(page_url(wave, 2), data={**PAGE2, "a_Q5": ["1", "2", "3"]}).get_data(as_text=True)
    assert "2개까지" in too_many


def test_completing_the_survey_stores_every_answer_once(client, app_ctx, wave):
    open_personal(client, wave)
    for page, data in ((1, PAGE1), (2, PAGE2), (3, PAGE3)):
        answer = client.post(page_url(wave, page), data=data)
        assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    assert answer.headers["Location"].endswith("/done")
    assert "응답해 주셔서 감사합니다" in client.get(answer.headers["Location"]).get_data(as_text=True)
    response = response_row(app_ctx, wave)
    answers = stored(app_ctx, wave)
    assert response.status == ResponseStatus.COMPLETE and response.finished_at is not None
    assert [answers[("Q7", i)] for i in range(3)] == ["b", "a", "c"]  # ranking stored in rank order
    assert answers[("Q5", 0)] == 1.0 and answers[("Q5", 1)] == 3.0 and answers[("Q9", 0)] == "2026-11-20"
    assert answers[("Q11", 0)] == "창구가 친절했습니다." and answers[("Q6", 0)] == 9.0


def test_submitting_the_last_page_again_does_not_count_twice(client, app_ctx, wave):
    open_personal(client, wave)
    for page, data in ((1, PAGE1), (2, PAGE2), (3, PAGE3)):
        client.post(page_url(wave, page), data=data)
    again = client.post(page_url(wave, 3), data={**PAGE3, "a_Q10": "1"})
    assert again.status_code in (200, 303)
    with app_ctx() as session:
        count = session.scalar(select(func.count(Response.id)).where(Response.wave_id == wave["wave_id"]))
    assert count == 1 and stored(app_ctx, wave)[("Q10", 0)] == 5.0
    assert "이미 응답을 마치셨습니다" in client.get(f"/s/{wave['token']}").get_data(as_text=True)


def test_reopening_the_link_on_another_device_resumes_at_the_next_page(app, client, wave):
    open_personal(client, wave)
    client.post(page_url(wave, 1), data=PAGE1)
    other_device = app.test_client()
    location = open_personal(other_device, wave).headers["Location"]
    html = other_device.get(location).get_data(as_text=True)
    assert "2 / 3쪽" in html and "다음 항목을 평가해 주십시오" in html
    back = other_device.get(page_url(wave, 1)).get_data(as_text=True)
    assert 'value="2" id="f-Q1-2" checked' in back  # earlier answers are shown again


def test_previous_keeps_the_page_answers_without_requiring_them(client, app_ctx, wave):
    open_personal(client, wave)
    client.post(page_url(wave, 1), data=PAGE1)
    answer = client.post(page_url(wave, 2), data={"a_Q6": "3", "move": "prev"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("p=1")
    assert stored(app_ctx, wave)[("Q6", 0)] == 3.0


def test_pages_beyond_the_resume_point_cannot_be_skipped_to(client, wave):
    open_personal(client, wave)
    answer = client.get(page_url(wave, 3))
    assert answer.status_code == 303 and answer.headers["Location"].endswith("p=1")


@pytest.mark.parametrize("kind, status, text", [
    ("unknown", 404, "설문 링크를 찾을 수 없습니다"),
    ("closed", 410, "설문이 마감되었습니다"),
    ("not_open", 200, "아직 설문 기간이 아닙니다"),
])
def test_links_that_cannot_be_answered_get_a_clear_page(client, app_ctx, make_survey, kind, status, text):
    if kind == "unknown":
        answer = client.get("/s/this-token-does-not-exist")
    else:
        wave = field_wave(app_ctx, make_survey, closed=kind == "closed",
                          opens_in=timedelta(days=3) if kind == "not_open" else None)
        answer = client.get(f"/s/{wave['token']}")
    html = answer.get_data(as_text=True)
    assert answer.status_code == status and text in html and "1588-1300" in html and "Traceback" not in html


def _open_response_hidden(client, app_ctx, wave, query: str) -> dict:
    """Answer page 1 through the open link with ``query``; the new response's hidden fields."""
    answer = client.get(f"/o/{wave['open_key']}?{query}")
    assert answer.status_code == 303
    assert client.post(page_url(wave, 1), data=PAGE1).status_code == 303
    with app_ctx() as session:
        response = session.scalar(select(Response).where(Response.wave_id == wave["wave_id"],
                                                         Response.invitation_id.is_(None)).order_by(Response.id.desc()))
        office = session.scalar(select(Answer.value_text).where(Answer.response_id == response.id,
                                                                Answer.question_code == "office_code"))
    return {**response.hidden, **({"stored office": office} if office else {})}


def test_a_signed_office_link_puts_its_answers_on_that_office(client, app, app_ctx, wave):
    from survey_app.distribution.office_links import office_link_args

    with app.app_context():
        query = urlencode({**office_link_args(wave["wave_code"], {"office_code": "P-JEJU"}), "unknown": "drop"})
    hidden = _open_response_hidden(client, app_ctx, wave, query)
    assert hidden == {"office_code": "P-JEJU", "stored office": "P-JEJU"}


@pytest.mark.parametrize("query", [
    "office_code=P-JEJU&channel=qr",  # unsigned
    "office_code=P-JEJU&sig=not-the-signature&channel=qr",
    "office_code=P-JEJU&sig=%EF%BC%91%C2%B9&channel=qr",  # non-ASCII signature
    "office_code=P-JEJU&sig=&sig=x&channel=qr",
    "office_code=P-JEJU&region=R-JEJU&sig={other_office}&channel=qr",  # another office's signature
    "office_code=P-JEJU&sig={other_wave}&channel=qr",  # this office's signature for another wave
])
def test_an_unsigned_or_wrongly_signed_office_is_ignored(client, app, app_ctx, wave, query):
    from survey_app.distribution.office_links import office_signature

    with app.app_context():
        query = query.format(other_office=office_signature(wave["wave_code"], {"office_code": "P-SUWON"}),
                             other_wave=office_signature("OTHER-WAVE", {"office_code": "P-JEJU"}))
    assert _open_response_hidden(client, app_ctx, wave, query) == {"channel": "qr"}


def test_a_kiosk_started_for_an_office_returns_to_that_office(client, app, app_ctx, wave):
    from survey_app.distribution.office_links import office_link_args

    with app.app_context():
        query = urlencode({**office_link_args(wave["wave_code"], {"office_code": "P-JEJU"}), "kiosk": "1"})
    client.get(f"/o/{wave['open_key']}?{query}")
    for page, data in ((1, PAGE1), (2, PAGE2), (3, PAGE3)):
        answer = client.post(page_url(wave, page), data=data)
    home = re.search(r'href="(/o/[^"]+)">처음 화면으로', client.get(answer.headers["Location"]).get_data(as_text=True))
    assert _open_response_hidden(client, app_ctx, wave, html.unescape(home.group(1)).split("?", 1)[1]) == {
        "office_code": "P-JEJU", "stored office": "P-JEJU"}


def test_kiosk_link_marks_the_page_for_large_text_and_reset(client, wave):
    client.get(f"/o/{wave['open_key']}?kiosk=1")
    html = client.get(page_url(wave, 1)).get_data(as_text=True)
    assert 'class="kiosk"' in html and "data-kiosk-home" in html and "kiosk.js" in html


def test_kiosk_starts_a_fresh_response_after_completion(client, app_ctx, wave):
    for _ in range(2):
        client.get(f"/o/{wave['open_key']}?kiosk=1")
        for page, data in ((1, PAGE1), (2, PAGE2), (3, PAGE3)):
            client.post(page_url(wave, page), data=data)
    with app_ctx() as session:
        done = session.scalar(select(func.count(Response.id)).where(Response.wave_id == wave["wave_id"],
                                                                    Response.status == ResponseStatus.COMPLETE))
    assert done == 2


def test_one_response_per_device_on_an_open_link(client, app_ctx, make_survey):
    wave = field_wave(app_ctx, make_survey, settings={"one_per_device": True})
    client.set_cookie("sv_device", "device-1")
    client.get(f"/o/{wave['open_key']}")
    for page, data in ((1, PAGE1), (2, PAGE2), (3, PAGE3)):
        client.post(page_url(wave, page), data=data)
    client.get(f"/o/{wave['open_key']}")
    answer = client.post(page_url(wave, 1), data=PAGE1)
    assert answer.status_code in (200, 303)
    with app_ctx() as session:
        count = session.scalar(select(func.count(Response.id)).where(Response.wave_id == wave["wave_id"]))
    assert count == 1


def test_an_expired_form_keeps_the_answers_and_asks_again(make_app, app_ctx, make_survey):
    app = make_app(WTF_CSRF_ENABLED=True)
    wave = field_wave(app_ctx, make_survey)
    client = app.test_client()
    client.get(f"/s/{wave['token']}")
    answer = client.post(page_url(wave, 1), data=PAGE1)  # no CSRF token: as if it had expired
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "다시 눌러 주십시오" in html and 'value="6" id="f-Q2-6" checked' in html
    assert 'name="csrf_token"' in html


def test_earlier_answers_are_piped_into_question_texts(client, wave):
    open_personal(client, wave)
    client.post(page_url(wave, 1), data=PAGE1)  # Q1 = 택배 접수
    assert "'택배 접수' 업무를 보시면서" in html.unescape(client.get(page_url(wave, 2)).get_data(as_text=True))


def test_randomised_choices_keep_their_order_for_one_respondent(client, app, wave):
    open_personal(client, wave)
    client.post(page_url(wave, 1), data=PAGE1)

    def order(c):
        html = c.get(page_url(wave, 2)).get_data(as_text=True)
        return re.findall(r'name="a_Q5" value="(\d)"', html)

    first = order(client)
    assert sorted(first) == ["1", "2", "3"] and order(client) == first
    other_device = app.test_client()
    other_device.get(f"/s/{wave['token']}")
    assert order(other_device) == first  # the same respondent on another device sees the same order


@pytest.mark.parametrize("hours_later, accepted", [(2, True), (25, False)])
def test_a_respondent_who_pauses_two_hours_can_still_submit(make_app, app_ctx, make_survey, monkeypatch,
                                                            hours_later, accepted):
    import re as regex
    import time

    from itsdangerous.timed import TimestampSigner

    app = make_app(WTF_CSRF_ENABLED=True)
    wave = field_wave(app_ctx, make_survey)
    client = app.test_client()
    client.get(f"/s/{wave['token']}")
    token = regex.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                         client.get(page_url(wave, 1)).get_data(as_text=True)).group(1)
    later = int(time.time()) + hours_later * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    answer = client.post(page_url(wave, 1), data={**PAGE1, "csrf_token": token})
    assert (answer.status_code == 303) is accepted
    if not accepted:
        assert "다시 눌러 주십시오" in answer.get_data(as_text=True)


def test_a_resubmission_after_completion_is_told_it_is_already_done(client, wave):
    open_personal(client, wave)
    for page, data in ((1, PAGE1), (2, PAGE2), (3, PAGE3)):
        client.post(page_url(wave, page), data=data)
    again = client.post(page_url(wave, 3), data=PAGE3)  # e.g. the first answer was lost on the way back
    assert again.status_code == 303 and again.headers["Location"].endswith("/done?already=1")
    assert "이미 응답을 마치셨습니다" in client.get(again.headers["Location"]).get_data(as_text=True)


def _leave_page_two_half_answered(client, wave):
    """Page 1 answered; on page 2 one row of the matrix, then 이전."""
    open_personal(client, wave)
    client.post(page_url(wave, 1), data=PAGE1)
    back = client.post(page_url(wave, 2), data={"a_Q4_1": "7", "move": "prev"})
    assert back.status_code == 303 and back.headers["Location"].endswith("p=1")


def test_reopening_after_previous_resumes_on_the_half_answered_page(app, client, wave):
    _leave_page_two_half_answered(client, wave)
    other_device = app.test_client()
    html = other_device.get(open_personal(other_device, wave).headers["Location"]).get_data(as_text=True)
    assert "2 / 3쪽" in html and "아직 답하지 않으신 문항이 있습니다" in html
    assert 'href="#f-Q4_2"' in html and 'href="#f-Q6"' in html and 'href="#f-Q4_1"' not in html
    assert 'value="7" id="f-Q4_1-7" checked' in html  # the row they answered is kept


def test_completion_is_refused_while_a_shown_required_answer_is_missing(client, app_ctx, wave):
    _leave_page_two_half_answered(client, wave)
    final = client.post(page_url(wave, 3), data=PAGE3)  # page 3 reached by URL, as a stale tab would
    assert final.status_code == 303 and final.headers["Location"].endswith("p=2&unfinished=1")
    assert response_row(app_ctx, wave).status == ResponseStatus.PARTIAL
    answers = stored(app_ctx, wave)
    assert answers[("Q4_1", 0)] == 7.0 and answers[("Q10", 0)] == 5.0  # nothing answered is lost
    html = client.get(final.headers["Location"]).get_data(as_text=True)
    assert "설문을 제출하지 못했습니다" in html and 'href="#f-Q4_2"' in html and 'href="#f-Q6"' in html
    for page, data in ((2, PAGE2), (3, PAGE3)):
        answer = client.post(page_url(wave, page), data=data)
    assert answer.headers["Location"].endswith("/done")
    assert response_row(app_ctx, wave).status == ResponseStatus.COMPLETE
    assert {("Q4_2", 0), ("Q6", 0)} <= set(stored(app_ctx, wave))


def test_viewing_pages_leaves_the_session_cookie_as_it_is(client, wave):
    """Reading a page changes nothing in the session: no re-signed cookie on a respondent's GET (the
    templates' ``current_user`` is loaded only when read, and no respondent page reads it)."""
    open_personal(client, wave)
    for address in (f"/r/{wave['wave_code']}", page_url(wave, 1)):
        answer = client.get(address)
        assert answer.status_code == 200 and "Set-Cookie" not in answer.headers
