"""Publishing from the designer (changelog, the diff against the last version, versions stay as published)
and the respondent preview at desktop and phone width with its logic."""
from __future__ import annotations

import copy
import re

import pytest
from sqlalchemy import select

from tests.designer_support import lock, staff

LOGIC = {"code": "LOGIC", "title": {"ko": "논리 미리보기"}, "kind": "customer_satisfaction", "sections": [
    {"code": "S1", "title": {"ko": "방문"}, "questions": [
        {"code": "Q1", "type": "single_choice", "text": {"ko": "우체국을 방문하셨습니까?"}, "required": True,
         "choices": [{"value": 1, "label": {"ko": "예"}}, {"value": 2, "label": {"ko": "아니요"}}]}]},
    {"code": "S2", "title": {"ko": "방문 경험"}, "show_if": "Q1 == 1", "questions": [
        {"code": "Q2", "type": "short_text", "text": {"ko": "방문하신 우체국 이름을 적어 주십시오."}}]},
    {"code": "S3", "title": {"ko": "마무리"}, "questions": [
        {"code": "Q3", "type": "short_text", "text": {"ko": "하고 싶은 말씀을 적어 주십시오."}}]}]}


@pytest.fixture
def logic_survey(client, make_user, app_ctx, make_survey):
    staff(make_user, app_ctx, client)
    return make_survey(copy.deepcopy(LOGIC), publish=False, code="PREVIEW-1")["survey_id"]


def _publish(client, survey_id, version, changelog):
    return client.post(f"/manage/surveys/{survey_id}/publish", data={
        "lock_version": str(version), "changelog": changelog, "make_wave": "y", "wave_name": "2026년 1분기"})


def test_publish_keeps_changelog_shows_the_diff_and_leaves_versions_unchanged(client, logic_survey, app_ctx):
    from survey_app.models import Survey

    first = client.get(f"/manage/surveys/{logic_survey}/publish").get_data(as_text=True)
    assert "처음 게시하는 버전입니다" in first
    assert _publish(client, logic_survey, lock(app_ctx, logic_survey), "첫 게시").status_code == 302
    with app_ctx() as session:
        survey = session.get(Survey, logic_survey)
        changed = copy.deepcopy(survey.draft_definition)
        changed["sections"][2]["questions"][0]["text"]["ko"] = "더 하실 말씀이 있으면 적어 주십시오."
        survey.draft_definition = changed
    page = client.get(f"/manage/surveys/{logic_survey}/publish").get_data(as_text=True)
    assert "문항 Q3" in page and "더 하실 말씀이 있으면" in page and "하고 싶은 말씀을" in page  # before and after, readable
    assert _publish(client, logic_survey, lock(app_ctx, logic_survey), "Q3 문구 수정").status_code == 302
    with app_ctx() as session:
        versions = session.get(Survey, logic_survey).versions
        assert [(v.number, v.changelog) for v in versions] == [(1, "첫 게시"), (2, "Q3 문구 수정")]
        assert versions[0].definition["sections"][2]["questions"][0]["text"]["ko"] == "하고 싶은 말씀을 적어 주십시오."
    assert "지난 버전과 같습니다" in client.get(f"/manage/surveys/{logic_survey}/publish").get_data(as_text=True)


def test_publish_refuses_a_stale_lock_without_publishing(client, logic_survey, app_ctx):
    from survey_app.models import SurveyVersion

    answer = _publish(client, logic_survey, lock(app_ctx, logic_survey) - 1, "오래된 화면")
    assert answer.status_code == 302 and "/publish" in answer.headers["Location"]
    assert "다른 분이 초안을 고쳤습니다" in client.get(answer.headers["Location"]).get_data(as_text=True)
    with app_ctx() as session:
        assert session.scalars(select(SurveyVersion).where(SurveyVersion.survey_id == logic_survey)).all() == []


@pytest.mark.parametrize("phone", [False, True])
def test_preview_follows_the_logic_at_desktop_and_phone_width(client, logic_survey, phone):
    url = f"/manage/surveys/{logic_survey}/preview" + ("?phone=1" if phone else "")
    first = client.get(url).get_data(as_text=True)
    assert ("phone-frame" in first) is phone and "우체국을 방문하셨습니까?" in first
    state = re.search(r'name="state" value="([^"]*)"', first).group(1)
    extra = {"phone": "1"} if phone else {}
    skipped = client.post(f"/manage/surveys/{logic_survey}/preview?page=1", data={"state": state, "move": "next",
                                                                                "a_Q1": "2", **extra})
    page = skipped.get_data(as_text=True)
    assert "하고 싶은 말씀을" in page and "방문하신 우체국 이름" not in page  # S2 skipped when Q1 == 2
    assert ("phone-frame" in page) is phone
    shown = client.post(f"/manage/surveys/{logic_survey}/preview?page=1", data={"state": state, "move": "next",
                                                                              "a_Q1": "1", **extra})
    assert "방문하신 우체국 이름" in shown.get_data(as_text=True)
    refused = client.post(f"/manage/surveys/{logic_survey}/preview?page=1", data={"state": state, "move": "next", **extra})
    assert refused.status_code == 422 and "우체국을 방문하셨습니까?" in refused.get_data(as_text=True)
