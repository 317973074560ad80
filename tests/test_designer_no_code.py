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


def test_question_editor_shows_only_the_fields_of_its_type(client, designer, app_ctx):
    """Server-rendered: a single choice hides 최소/최대 선택 수, numbers and scales; a multiple choice shows them."""
    import re

    sid = new_survey(client, "TYPES-1")
    _add(client, app_ctx, sid, "single_choice")
    _add(client, app_ctx, sid, "multiple_choice")
    single = client.get(f"/manage/surveys/{sid}/questions/Q1").get_data(as_text=True)
    multiple = client.get(f"/manage/surveys/{sid}/questions/Q2").get_data(as_text=True)

    def hidden_around(page, field_id):
        opening = page[:page.index(f'id="{field_id}"')]
        tag = re.findall(r"<(?:div|fieldset)[^>]*data-types=[^>]*>", opening)[-1]
        return " hidden" in tag

    assert hidden_around(single, "min_selected") and hidden_around(single, "max_selected")
    assert hidden_around(single, "scale_points") and hidden_around(single, "min")
    assert not hidden_around(single, "choices")
    assert not hidden_around(multiple, "min_selected") and not hidden_around(multiple, "max_selected")


def test_condition_builder_gets_the_earlier_questions_and_their_options(client, designer, app_ctx):
    import json
    import re

    sid = new_survey(client, "BUILD-1")
    _add(client, app_ctx, sid, "single_choice", "방문하신 적이 있습니까?")
    _add(client, app_ctx, sid, "likert", "만족하십니까?")
    _add(client, app_ctx, sid, "short_text", "의견")
    page = client.get(f"/manage/surveys/{sid}/questions/Q3").get_data(as_text=True)
    data = json.loads(re.search(r'id="condition-questions">(.*?)</script>', page, re.S).group(1))
    assert [q["code"] for q in data] == ["Q1", "Q2"]
    assert [o["value"] for o in data[1]["options"]] == [1, 2, 3, 4, 5]
    assert data[0]["options"] and all("label" in o for o in data[0]["options"])


def test_problems_are_placed_by_page_and_question_and_name_no_codes(client, designer, app_ctx):
    """A draft problem reads "1쪽 2번 문항(Q2) · 표시 조건", not ``sections[0].questions[1].show_if``."""
    sid = new_survey(client, "PLACE-1")
    _add(client, app_ctx, sid, "single_choice")
    _add(client, app_ctx, sid, "likert")
    q2 = _question(app_ctx, sid, "Q2")
    client.post(f"/manage/surveys/{sid}/questions/Q2", data=question_post(q2, lock(app_ctx, sid), show_if="Q9 == 1"))
    for url in (f"/manage/surveys/{sid}/", f"/manage/surveys/{sid}/publish"):
        page = client.get(url).get_data(as_text=True)
        assert "1쪽 2번 문항(Q2) · 표시 조건" in page, url
        assert "sections[" not in page and "questions[" not in page, url


def test_problem_messages_name_question_types_and_parts(app):
    from questionnaires import Problem
    from survey_app.designer.problems import message, place_name

    problem = Problem(location="x", message_ko="single_choice 문항에는 'choices' 항목이 필요합니다.", message_en="e",
                      code="missing", path="sections[0].questions[2].choices")
    draft = {"sections": [{"code": "S1", "questions": [{"code": "A"}, {"code": "B"}, {"code": "Q3"}]}],
             "scoring": {"dimensions": [{"code": "d"}]}}
    with app.test_request_context("/manage/"):
        assert message(problem) == "단일 선택 문항에는 '보기' 항목이 필요합니다."
        assert place_name(draft, problem.path) == "1쪽 3번 문항(Q3) · 보기"
        assert place_name(draft, "scoring.dimensions[0]") == "채점 설정 · 차원 1"
        assert place_name(draft, "hidden[1].source") == "숨김 값 2번 · 값 출처"
        assert place_name(draft, "title") == "설문 설정"


def test_a_hand_built_survey_is_offered_a_headline_index_from_its_scale_questions(client, designer, app_ctx):
    """Two 리커트 questions and a matrix row (a KPI question left out) become one dimension and the index;
    the draft still validates, and the offer disappears once there is an index."""
    from questionnaires import Questionnaire

    sid = new_survey(client, "HEAD-1")
    for qtype in ("single_choice", "likert", "likert", "matrix", "rating"):
        _add(client, app_ctx, sid, qtype)
    q5 = _question(app_ctx, sid, "Q5")
    client.post(f"/manage/surveys/{sid}/questions/Q5", data=question_post(q5, lock(app_ctx, sid), s_kpi="csat"))
    page = client.get(f"/manage/surveys/{sid}/").get_data(as_text=True)
    assert "척도 문항 3개로 대표 지표" in page
    answer = client.post(f"/manage/surveys/{sid}/scoring/headline", data={"lock_version": lock(app_ctx, sid)},
                         follow_redirects=True)
    assert "대표 지표를 만들었습니다" in answer.get_data(as_text=True)
    made = draft(app_ctx, sid)
    assert made["scoring"]["indices"] == [{"code": "headline", "name": {"ko": "대표 지표", "en": "Headline index"},
                                           "weights": {"scale_items": 1.0}}]
    scored = [q["code"] for q in made["sections"][0]["questions"] if q.get("scoring", {}).get("dimension")]
    rows = [r["code"] for r in _question(app_ctx, sid, "Q4")["rows"] if r.get("scoring", {}).get("dimension")]
    assert scored == ["Q2", "Q3"] and rows == ["Q4_1"] and _question(app_ctx, sid, "Q5")["scoring"] == {"kpi": "csat"}
    assert Questionnaire.from_dict(made).scoring.indices[0].code == "headline"
    assert "headline-offer" not in client.get(f"/manage/surveys/{sid}/").get_data(as_text=True)


def test_results_without_scoring_say_why_and_the_footnote_names_the_surveys_own_scale(
        app_ctx, client, make_user, make_survey, make_org):
    """A hand-built 5-point survey without scoring: the summary explains the missing 대표 지표 and the footnote
    says 5점 척도 (never 7점); a scored 5-point survey (the hand-checked wave) names 5점 too."""
    from survey_app.models import Wave
    from tests.test_results_support import add_response, seed_hand_wave

    staff(make_user, app_ctx, client, role="analyst")
    scale = {"points": 5}
    bare = {"code": "BARE", "version": 1, "kind": "customer_satisfaction", "title": {"ko": "손으로 만든 설문"},
            "sections": [{"code": "S1", "questions": [
                {"code": "Q1", "type": "likert", "text": {"ko": "만족"}, "scale": scale},
                {"code": "Q2", "type": "likert", "text": {"ko": "친절"}, "scale": scale}]}]}
    ids = make_survey(bare, code="NO-SCORING")
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        for q1 in (5, 4, 2):
            add_response(session, wave, {"Q1": q1, "Q2": 4})
    page = client.get(f"/manage/results/waves/{ids['wave_id']}").get_data(as_text=True)
    assert "채점 설정(차원·지수)이 없어" in page
    assert "7점" not in page
    scored = seed_hand_wave(app_ctx, make_survey, make_org)
    page = client.get(f"/manage/results/waves/{scored['wave_id']}").get_data(as_text=True)
    assert "각 문항의 척도(5점 척도)" in page and "7점" not in page and "채점 설정(차원·지수)이 없어" not in page


def test_page_conditions_offer_the_questions_of_earlier_pages(client, designer, app_ctx):
    import json
    import re

    sid = new_survey(client, "PAGE-1")
    _add(client, app_ctx, sid, "single_choice", "방문")
    client.post(f"/manage/surveys/{sid}/sections/new", data={"lock_version": lock(app_ctx, sid), "code": "S2"})
    for url, expected in ((f"/manage/surveys/{sid}/sections/S1", []), (f"/manage/surveys/{sid}/sections/S2", ["Q1"])):
        page = client.get(url).get_data(as_text=True)
        data = json.loads(re.search(r'id="condition-questions">(.*?)</script>', page, re.S).group(1))
        assert [q["code"] for q in data] == expected, url
        assert "designer_editor.js" in page


def test_the_workbook_names_the_surveys_own_scale_and_never_seven_points(app_ctx, make_survey, make_org, tmp_path):
    """Every cell of the 5-point survey's workbook: the method note says 5점 척도, no cell says 7점."""
    from openpyxl import load_workbook

    from survey_app.models import Wave
    from survey_app.results.workbook import export_wave
    from tests.test_results_support import seed_hand_wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    out = tmp_path / "five.xlsx"
    with app_ctx() as session:
        export_wave(session.get(Wave, ids["wave_id"]), out)
    cells = [str(c.value) for sheet in load_workbook(out).worksheets for row in sheet.iter_rows() for c in row
             if c.value is not None]
    assert any("5점 척도를 100점으로 환산" in c for c in cells)
    assert not [c for c in cells if "7점" in c]
