"""The bundled templates: valid, lossless in both formats, and written as a CS team would field them."""

from __future__ import annotations

import re

import pytest

from questionnaires import (
    Questionnaire,
    QuestionnaireError,
    checklist_specs,
    dump_yaml,
    kpi_items,
    list_templates,
    load_template,
    load_xlsx,
    scoring_plan,
    template_text,
    validate,
    xlsx_bytes,
)
from questionnaires.logic import placeholders, visible_questions

NAMES = ["post_call", "postal_satisfaction", "shopping_satisfaction", "staff_courtesy", "voc_followup"]
HANGUL = re.compile(r"[가-힣]")


@pytest.fixture(scope="module", params=NAMES)
def template(request) -> Questionnaire:
    return load_template(request.param)


def test_the_five_templates_are_listed():
    assert list_templates() == NAMES


def test_each_template_is_valid_and_round_trips(template):
    assert validate(template) == []
    assert Questionnaire.from_dict(template.to_dict()) == template
    assert load_xlsx(xlsx_bytes(template)) == template
    assert dump_yaml(load_xlsx(xlsx_bytes(template))) == dump_yaml(template)


def _texts(q: Questionnaire):
    yield "title", q.title
    for section in q.sections:
        yield section.code, section.title
        for question in section.questions:
            yield question.code, question.text
            for row in question.rows:
                yield row.code, row.text
            for choice in question.choices or ():
                yield f"{question.code}={choice.value}", choice.label


def test_every_text_is_in_korean_and_english(template):
    for where, text in _texts(template):
        if where.startswith("CALLBACK"):
            continue
        assert HANGUL.search(text.ko), where
        assert text.en and not HANGUL.search(text.en), where
        assert "ko:" not in text.ko and "en:" not in text.en, where  # a YAML slip would show here


def test_questions_are_asked_politely(template):
    for question in template.questions():
        if question.type in ("matrix", "computed") or len(question.text.ko) < 12:
            continue
        ko = question.text.ko
        assert ko.endswith(("까?", "니다.", "십시오.", "주십시오.")), (question.code, ko)


def test_each_template_has_a_fitting_kind(template):
    expected = {"POSTAL_CSI": "customer_satisfaction", "STAFF_COURTESY": "staff_courtesy",
                "EPOST_SHOPPING_CSI": "shopping_satisfaction", "CONTACT_CENTER_POST_CALL": "post_call",
                "VOC_FOLLOWUP": "voc"}
    assert template.kind == expected[template.code]


def test_templates_keep_their_comments():
    assert template_text("staff_courtesy").startswith("# 우편 종사자 친절도 조사")


def test_unknown_template():
    with pytest.raises(QuestionnaireError) as caught:
        load_template("nope")
    assert caught.value.problems[0].code == "unknown_template"


def test_postal_satisfaction_is_pcsi_style():
    q = load_template("postal_satisfaction")
    dims = {d.code: d for d in q.dimensions()}
    assert [d.code for d in q.dimensions()][:4] == ["process", "outcome", "environment", "social"]
    assert dims["process"].name.ko == "과정품질"
    assert dims["process"].items == ("Q1_1", "Q1_2", "Q1_3", "Q1_4", "Q1_5")
    assert dims["process"].reverse == (False, False, False, False, True)
    assert all(item.scale_max == 7 for item in q.scored_items() if item.dimension in ("process", "outcome"))
    assert set(kpi_items(q)) == {"overall", "repurchase", "nps"}
    assert kpi_items(q)["nps"].scale_min == 0 and kpi_items(q)["nps"].scale_max == 10
    kcsi = next(i for i in q.scoring.indices if i.code == "kcsi")
    assert kcsi.weight_map == {"overall": 0.3, "element": 0.5, "repurchase": 0.2} and kcsi.method == "top2box"
    profile = {x.code for x in q.questions()} & {"DQ1", "DQ2", "DQ3"}
    assert profile == {"DQ1", "DQ2", "DQ3"}
    assert q.question("Q2").na_codes == (9,)


def test_postal_satisfaction_screens_out_non_users():
    q = load_template("postal_satisfaction")
    shown = [x.code for x in visible_questions(q, {"SQ1": 2})]
    assert shown == ["SQ1", "DQ1", "DQ2", "DQ3"]


def test_staff_courtesy_checklists_sum_to_100_in_stages():
    q = load_template("staff_courtesy")
    specs = {c.code: c for c in checklist_specs(q)}
    assert set(specs) == {"counter", "phone"}
    for spec in specs.values():
        assert sum(item.points for item in spec.items) == 100
        assert list(spec.stages()) == ["맞이", "응대", "마무리", "전체"]
    phone_points = [item.points for item in specs["phone"].items]
    assert phone_points == [10, 10, 10, 10, 10, 10, 10, 15, 5, 10]
    assert q.question("C1").scale.label_for(5).ko == "탁월"
    assert [x.code for x in visible_questions(q, {"E1": 2})][:4] == ["E1", "E2", "E3", "E5"]


def test_shopping_covers_ordering_delivery_quality_returns_and_nps():
    q = load_template("shopping_satisfaction")
    assert [d.code for d in q.dimensions()][:4] == ["ordering", "delivery", "product", "returns"]
    assert "nps" in kpi_items(q)
    assert q.question("Q9").type == "ranking" and q.question("Q9").max_selected == 3
    assert "Q5_1" not in [x.code for x in visible_questions(q, {"Q4": 2})]


def test_post_call_is_short_with_hidden_call_fields():
    q = load_template("post_call")
    assert {"agent_id", "queue", "call_id"} <= {h.code for h in q.hidden}
    assert set(kpi_items(q)) == {"csat", "ces", "resolution"}
    assert len(list(q.questions())) <= 8
    assert placeholders(q.question("Q6").text.ko) == ["Q1"]


def test_voc_follow_up_asks_why_when_dissatisfied():
    q = load_template("voc_followup")
    assert "Q5" in [x.code for x in visible_questions(q, {"Q1": 1, "Q4": 2})]
    assert "Q5" not in [x.code for x in visible_questions(q, {"Q1": 1, "Q4": 4})]
    assert "Q3_1" not in [x.code for x in visible_questions(q, {"Q1": 2})]


def test_scoring_plan_is_json_ready(template):
    import json
    plan = scoring_plan(template)
    assert json.loads(json.dumps(plan, ensure_ascii=False)) == plan
