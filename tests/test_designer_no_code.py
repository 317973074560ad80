"""The designer without code (issue #21): particles that follow the word, fields per question type, option
rows and conditions built from fields, scoring offered from the question types, names instead of codes."""
from __future__ import annotations

import pytest

from tests.designer_support import draft, lock, new_survey, question_post, staff


@pytest.fixture
def designer(make_user, app_ctx, client):
    return staff(make_user, app_ctx, client)


def _question(app_ctx, survey_id, code):
    from survey_app.designer.drafts import find_question

    return find_question(draft(app_ctx, survey_id), code)[2]


def _add(client, app_ctx, sid, qtype, text="문항"):
    return client.post(f"/manage/surveys/{sid}/questions/add", data={
        "lock_version": lock(app_ctx, sid), "section": "S1", "type": qtype, "text_ko": text})


def test_particles_follow_the_code_and_number_they_come_after(client, designer, app_ctx):
    sid = new_survey(client, "JOSA-1")
    _add(client, app_ctx, sid, "single_choice")
    _add(client, app_ctx, sid, "likert")
    q2 = _question(app_ctx, sid, "Q2")
    answer = client.post(f"/manage/surveys/{sid}/questions/Q2", data=question_post(q2, lock(app_ctx, sid)),
                         follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "문항 Q2를 저장했습니다." in page and "(를)" not in page
    publish = client.get(f"/manage/surveys/{sid}/publish").get_data(as_text=True)
    assert "버전 1로 고정" in publish and "(으)로" not in publish
