"""The model: immutability, the stored dict form, answer fields and scoring metadata."""

from __future__ import annotations

import dataclasses
import json

import pytest

from questionnaires import (
    Choice,
    ChoiceList,
    Question,
    Questionnaire,
    Scale,
    ScaleLabel,
    Section,
    Text,
    checklist_specs,
    kpi_items,
    scoring_plan,
)


def test_text_falls_back_to_korean():
    assert Text("예", "Yes").get("en") == "Yes"
    assert Text("예").get("en") == "예"
    assert Text(en="Yes").get("ko") == "Yes"
    assert not Text() and Text("예")


def test_choice_list_lookup():
    choices = ChoiceList("yn", (Choice(1, Text("예")), Choice("x", Text("모름"), na=True)))
    assert choices.values() == (1, "x") and choices.na_values() == ("x",)
    assert choices.get("1").label.ko == "예" and choices.get(2) is None
    assert [c.value for c in choices] == [1, "x"] and len(choices) == 2


def test_scale_values_and_labels():
    scale = Scale(points=7, labels=(ScaleLabel(1, Text("전혀")), ScaleLabel(7, Text("매우"))), na=Choice(9, Text("모름")))
    assert (scale.low, scale.high) == (1, 7)
    assert scale.values() == (1, 2, 3, 4, 5, 6, 7)
    assert scale.label_for(7).ko == "매우" and scale.label_for(4) == Text() and scale.label_for(9).ko == "모름"


def test_nps_questions_default_to_a_0_to_10_scale():
    question = Question("Q9", "nps", Text("추천?"))
    assert question.effective_scale.values() == tuple(range(11))
    assert question.na_codes == ()


def test_models_are_immutable_and_hashable(questionnaire):
    with pytest.raises(dataclasses.FrozenInstanceError):
        questionnaire.code = "OTHER"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        questionnaire.sections[0].questions[0].text = Text("바뀜")  # type: ignore[misc]
    assert hash(questionnaire) == hash(Questionnaire.from_dict(questionnaire.to_dict()))


def test_to_dict_is_plain_json(questionnaire):
    data = questionnaire.to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["format"] == 1 and data["code"] == "TEST_QN" and data["version"] == 1
    q1 = data["sections"][0]["questions"][0]
    assert q1 == {"code": "Q1", "type": "likert", "text": {"ko": "상담에 만족하셨습니까?", "en": "Were you satisfied?"},
                  "scale": "sat5", "scoring": {"dimension": "service", "kpi": "csat"}}
    assert data["sections"][0]["questions"][2]["choices"][2] == {"value": 3, "label": {"ko": "기타"}, "other": True}


def test_stored_json_survives_key_reordering(questionnaire):
    # PostgreSQL jsonb does not keep key order; the definition must not depend on it.
    def reorder(value):
        if isinstance(value, dict):
            return {key: reorder(value[key]) for key in sorted(value, reverse=True)}
        if isinstance(value, list):
            return [reorder(item) for item in value]
        return value
    assert Questionnaire.from_dict(reorder(questionnaire.to_dict())) == questionnaire


def test_fingerprint_identifies_the_content(questionnaire, qdict):
    assert questionnaire.fingerprint() == Questionnaire.from_dict(qdict).fingerprint()
    qdict["sections"][0]["questions"][0]["text"]["ko"] = "바뀐 문구"
    assert Questionnaire.from_dict(qdict).fingerprint() != questionnaire.fingerprint()
    assert len(questionnaire.fingerprint()) == 64


def test_lookups(questionnaire):
    assert questionnaire.question("Q3").type == "multiple_choice"
    assert questionnaire.question("agent_id").type == "hidden"
    assert questionnaire.question("nope") is None
    assert questionnaire.section_of("Q4").code == "S1"
    assert [q.code for q in questionnaire.all_questions()][:2] == ["agent_id", "queue"]
    assert questionnaire.question("queue").distribution_source == "queue"


def test_answer_fields_in_long_form(questionnaire):
    fields = {f.code: f for f in questionnaire.answer_fields()}
    assert questionnaire.answer_codes() == ["agent_id", "queue", "Q1", "Q2", "Q3", "Q3_other", "Q4_1", "Q4_2", "Q5"]
    assert fields["Q4_1"].question == "Q4" and fields["Q4_1"].kind == "choice"
    assert fields["Q4_1"].allowed_values() == (1, 2, 3, 4, 5, 9)
    assert fields["Q3"].kind == "choices" and fields["Q3_other"].kind == "other"
    assert fields["Q1"].na_codes == (9,) and fields["Q2"].na_codes == ()
    assert fields["agent_id"].kind == "hidden" and fields["Q5"].allowed_values() is None
    assert fields["Q2"].label_of(2, "en") == "No" and fields["Q1"].label_of(5) == "매우 만족"


def test_notes_have_no_answer_field():
    q = Questionnaire.from_dict({"code": "N", "kind": "voc", "title": "t", "sections": [{"code": "S", "questions": [
        {"code": "INFO", "type": "note", "text": "안내"}, {"code": "A", "type": "date", "text": "날짜"}]}]})
    assert q.answer_codes() == ["A"]
    assert q.question("INFO").required is False


def test_scored_items_and_dimensions(questionnaire):
    items = {i.code: i for i in questionnaire.scored_items()}
    assert list(items) == ["Q1", "Q2", "Q4_1", "Q4_2"]
    assert (items["Q1"].scale_min, items["Q1"].scale_max, items["Q1"].na_codes) == (1, 5, (9,))
    assert items["Q2"].kpi == "resolution" and (items["Q2"].scale_min, items["Q2"].scale_max) == (1, 2)
    assert items["Q4_2"].reverse and items["Q4_2"].question == "Q4"
    [service] = questionnaire.dimensions()
    assert (service.code, service.name.ko) == ("service", "서비스")
    assert service.items == ("Q1", "Q4_1", "Q4_2")
    assert service.weights == (1, 1, 1) and service.reverse == (False, False, True)
    assert set(kpi_items(questionnaire)) == {"csat", "resolution"}


def test_scoring_plan(questionnaire):
    plan = scoring_plan(questionnaire)
    assert plan["kpis"] == {"csat": "Q1", "resolution": "Q2"}
    assert plan["indices"] == [{"code": "idx", "name": {"ko": "지수", "en": ""}, "method": "mean100",
                                "total": 1, "weights": {"service": 1}}]
    assert plan["dimensions"][0]["items"] == ["Q1", "Q4_1", "Q4_2"]
    assert json.loads(json.dumps(plan)) == plan


def test_single_checklist_is_implied(qdict):
    qdict["scoring"]["checklists"] = [{"code": "phone", "total": 100}]
    rows = qdict["sections"][0]["questions"][3]["rows"]
    rows[0]["scoring"] = {"stage": "맞이", "points": 40}
    rows[1]["scoring"] = {"stage": "전체", "points": 60}
    [spec] = checklist_specs(Questionnaire.from_dict(qdict))
    assert [(i.code, i.checklist, i.points) for i in spec.items] == [("Q4_1", "phone", 40), ("Q4_2", "phone", 60)]
    assert spec.stages() == {"맞이": ("Q4_1",), "전체": ("Q4_2",)}


def test_building_a_model_in_code():
    q = Questionnaire(
        code="CODE", title=Text("설문"), kind="voc",
        sections=(Section("S1", questions=(Question("Q1", "short_text", Text("이름")),)),),
    )
    assert Questionnaire.from_dict(q.to_dict()) == q


def test_hidden_answers_from_distribution_values(questionnaire):
    from questionnaires.answers import hidden_answers
    values = {"agent_id": "A-17", "queue": "", "call_id": "C9"}
    assert hidden_answers(questionnaire, values) == {"agent_id": "A-17"}
