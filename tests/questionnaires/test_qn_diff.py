"""Version differences for the designer: added, removed and changed questions."""

from __future__ import annotations

import copy
import json

from questionnaires import Questionnaire, diff


def _versions(qdict: dict) -> tuple[dict, dict]:
    new = copy.deepcopy(qdict)
    new["version"] = 2
    return qdict, new


def test_identical_versions_have_no_differences(questionnaire):
    result = diff(questionnaire, questionnaire)
    assert result.is_empty
    assert result.summary() == []


def test_added_removed_and_changed_questions(qdict):
    old, new = _versions(qdict)
    questions = new["sections"][0]["questions"]
    questions[0]["text"] = {"ko": "오늘 상담에 만족하셨습니까?", "en": "Were you satisfied today?"}
    questions[1]["scoring"] = {"kpi": "resolution", "dimension": "service"}
    del questions[4]
    questions.append({"code": "Q6", "type": "short_text", "text": "연락처"})
    result = diff(old, new)
    assert (result.old_version, result.new_version) == (1, 2)
    assert result.added == ("Q6",)
    assert result.removed == ("Q5",)
    assert {c.code: c.fields for c in result.changed} == {"Q1": ("text",), "Q2": ("scoring",)}
    change = result.changed[0].changes[0]
    assert change.old == {"ko": "상담에 만족하셨습니까?", "en": "Were you satisfied?"}
    assert change.new["ko"] == "오늘 상담에 만족하셨습니까?"


def test_changing_a_shared_list_changes_every_question_using_it(qdict):
    old, new = _versions(qdict)
    new["scales"]["sat5"]["labels"][1]["label"] = {"ko": "아주 만족", "en": "Very satisfied"}
    result = diff(old, new)
    assert {c.code: c.fields for c in result.changed} == {"Q1": ("scale",), "Q4": ("scale",)}


def test_renaming_a_shared_list_is_not_a_change(qdict):
    old, new = _versions(qdict)
    new["choice_lists"]["yes_or_no"] = new["choice_lists"].pop("yes_no")
    new["sections"][0]["questions"][1]["choices"] = "yes_or_no"
    assert diff(old, new).is_empty


def test_choices_logic_limits_and_rows(qdict):
    old, new = _versions(qdict)
    questions = new["sections"][0]["questions"]
    questions[2]["choices"].append({"value": 4, "label": "불친절"})
    questions[2]["show_if"] = "Q2 == 1"
    questions[2]["max_selected"] = 3
    questions[3]["rows"].append({"code": "Q4_3", "text": "신속함"})
    result = diff(old, new)
    assert {c.code: c.fields for c in result.changed} == {"Q3": ("show_if", "choices", "limits"), "Q4": ("rows",)}
    assert result.summary() == ["문항 Q3: 표시 조건, 선택지, 입력 범위 변경 (추가: 4)", "문항 Q4: 행 변경 (추가: Q4_3)"]
    assert result.summary("en")[1] == "Question Q4: rows changed (added: Q4_3)"


def test_choice_details_list_removed_and_reworded_items(qdict):
    old, new = _versions(qdict)
    choices = new["sections"][0]["questions"][2]["choices"]
    choices[0]["label"] = {"ko": "긴 대기 시간"}
    del choices[1]
    [change] = diff(old, new).changed[0].changes
    assert change.detail() == "삭제: 2; 수정: 1"
    assert change.detail("en") == "removed: 2; changed: 1"


def test_moving_a_question_to_another_page(qdict):
    old, new = _versions(qdict)
    moved = new["sections"][0]["questions"].pop()
    new["sections"].append({"code": "S2", "title": "의견", "questions": [moved]})
    result = diff(old, new)
    assert [(c.code, c.fields) for c in result.changed] == [("Q5", ("section",))]
    assert [s.field for s in result.settings] == ["sections"]


def test_questionnaire_level_changes(qdict):
    old, new = _versions(qdict)
    new["title"] = {"ko": "새 제목"}
    new["scoring"]["indices"][0]["weights"] = {"service": 1.0}
    new["scoring"]["indices"][0]["method"] = "top2box"
    result = diff(old, new)
    assert [s.field for s in result.settings] == ["title", "indices"]
    assert result.summary() == ["설문 제목 변경", "설문 지수 가중치 변경"]
    assert result.summary("en") == ["Questionnaire title changed", "Questionnaire index weights changed"]


def test_summary_lines_and_json(qdict):
    old, new = _versions(qdict)
    new["sections"][0]["questions"][0]["required"] = False
    new["sections"][0]["questions"].append({"code": "Q9", "type": "date", "text": "날짜"})
    result = diff(Questionnaire.from_dict(old), Questionnaire.from_dict(new))
    assert result.summary() == ["문항 Q9가 추가되었습니다.", "문항 Q1: 필수 여부 변경"]
    assert result.summary("en") == ["Question Q9 was added.", "Question Q1: required changed"]
    assert json.loads(json.dumps(result.to_dict())) == result.to_dict()


def test_hidden_fields_are_compared_too(qdict):
    old, new = _versions(qdict)
    new["hidden"][1]["source"] = "team"
    assert [(c.code, c.fields) for c in diff(old, new).changed] == [("queue", ("source",))]
