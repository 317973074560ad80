"""Validation: every problem at once, each with a location and a Korean and English message."""

from __future__ import annotations

import re

import pytest

from questionnaires import Problem, Questionnaire, QuestionnaireError, validate
from questionnaires.messages import MESSAGES

HANGUL = re.compile(r"[가-힣]")


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def problem(problems: list[Problem], code: str) -> Problem:
    matches = [p for p in problems if p.code == code]
    assert matches, f"no {code!r} problem in {codes(problems)}"
    return matches[0]


def question(qdict: dict, index: int) -> dict:
    return qdict["sections"][0]["questions"][index]


def test_valid_questionnaire_has_no_problems(qdict, questionnaire):
    assert validate(qdict) == []
    assert validate(questionnaire) == []


def test_from_dict_raises_with_every_problem(qdict):
    qdict["kind"] = "satisfaction"
    question(qdict, 1)["choices"] = "yes_or_no"
    question(qdict, 2)["show_if"] = "Q2 == "
    with pytest.raises(QuestionnaireError) as caught:
        Questionnaire.from_dict(qdict)
    assert codes(caught.value.problems) == ["unknown_kind", "unknown_list", "expr_syntax"]
    assert "3 problem(s)" in str(caught.value)


def test_every_message_is_polite_korean_and_english():
    for code, (ko, en) in MESSAGES.items():
        assert HANGUL.search(ko), code
        assert "니다" in ko or "세요" in ko, code
        assert not HANGUL.search(en), code


def test_problem_fields_and_dict(qdict):
    question(qdict, 0)["code"] = "1Q"
    found = problem(validate(qdict), "bad_code")
    assert found.location == found.path == "sections[0].questions[0].code"
    assert "1Q" in found.message_ko and "1Q" in found.message_en
    assert found.to_dict()["code"] == "bad_code"
    assert "sections[0].questions[0].code" in str(found)


def test_not_a_mapping_at_all():
    assert codes(validate(["a list"])) == ["not_mapping"]
    assert problem(validate("text"), "not_mapping").location == "(document)"


def test_missing_required_keys():
    found = validate({"code": "X"})
    assert {p.path for p in found if p.code == "missing"} == {"kind", "title", "sections"}


def test_unknown_keys_suggest_the_right_name(qdict):
    question(qdict, 4)["requird"] = False
    found = problem(validate(qdict), "unknown_key")
    assert found.path == "sections[0].questions[4].requird"
    assert "'required'" in found.message_ko and "Did you mean 'required'?" in found.message_en


def test_wrong_value_types(qdict):
    qdict["version"] = "one"
    question(qdict, 4)["required"] = "sometimes"
    question(qdict, 2)["max_selected"] = 1.5
    found = validate(qdict)
    assert {(p.code, p.path) for p in found} >= {
        ("not_int", "version"), ("not_bool", "sections[0].questions[4].required"),
        ("not_int", "sections[0].questions[2].max_selected"),
    }


def test_unsupported_format_version(qdict):
    qdict["format"] = 2
    assert codes(validate(qdict)) == ["format_version"]


def test_duplicate_question_codes_ignore_case(qdict):
    question(qdict, 4)["code"] = "q1"
    found = problem(validate(qdict), "duplicate_code")
    assert found.path == "sections[0].questions[4].code"


def test_matrix_row_codes_share_the_namespace(qdict):
    question(qdict, 3)["rows"][1]["code"] = "Q2"
    assert problem(validate(qdict), "duplicate_code").path == "sections[0].questions[3].rows[1].code"


def test_other_text_code_must_be_free(qdict):
    question(qdict, 4)["code"] = "Q3_other"
    assert "other_code_taken" in codes(validate(qdict))


@pytest.mark.parametrize("bad", ["1abc", "a-b", "가나", "A" * 41, "and", "NULL"])
def test_malformed_or_reserved_codes(qdict, bad):
    question(qdict, 4)["code"] = bad
    assert set(codes(validate(qdict))) & {"bad_code", "reserved_code"}


def test_choice_list_that_does_not_exist(qdict):
    question(qdict, 1)["choices"] = "yes_or_no"
    found = validate(qdict)
    assert codes(found) == ["unknown_list"]
    assert found[0].path == "sections[0].questions[1].choices"


def test_scale_that_does_not_exist_suggests_one(qdict):
    question(qdict, 0)["scale"] = "sat_5"
    found = problem(validate(qdict), "unknown_scale")
    assert "'sat5'" in found.message_ko


def test_list_names_must_not_equal_question_codes(qdict):
    qdict["choice_lists"]["Q2"] = qdict["choice_lists"]["yes_no"]
    assert "list_name_is_code" in codes(validate(qdict))


def test_choice_values(qdict):
    choices = question(qdict, 2)["choices"]
    choices[1]["value"] = 1
    choices[2]["value"] = True
    found = validate(qdict)
    assert ("duplicate_value", "sections[0].questions[2].choices[1].value") in {(p.code, p.path) for p in found}
    assert problem(found, "bool_value").path == "sections[0].questions[2].choices[2].value"


def test_single_choice_needs_two_choices(qdict):
    qdict["choice_lists"]["yes_no"] = qdict["choice_lists"]["yes_no"][:1]
    assert problem(validate(qdict), "few_choices").path == "choice_lists.yes_no"


def test_fields_a_type_does_not_take(qdict):
    question(qdict, 4)["choices"] = "yes_no"
    question(qdict, 0)["max"] = 3
    found = {(p.code, p.path) for p in validate(qdict)}
    assert ("field_not_allowed", "sections[0].questions[4].choices") in found
    assert ("field_not_allowed", "sections[0].questions[0].max") in found


def test_fields_a_type_needs(qdict):
    del question(qdict, 0)["scale"]
    question(qdict, 0).pop("scoring")
    assert problem(validate(qdict), "field_required").path == "sections[0].questions[0].scale"


@pytest.mark.parametrize("points, start, code", [(6, 1, "likert_points"), (7, 0, "likert_points"), (1, 1, "rating_points")])
def test_likert_scale_points(qdict, points, start, code):
    qdict["scales"]["sat5"].update(points=points, start=start)
    assert code in codes(validate(qdict))


def test_nps_scale_runs_from_0_to_10(qdict):
    question(qdict, 0).update(type="nps", scoring={"kpi": "nps"})
    assert "nps_scale" in codes(validate(qdict))
    question(qdict, 0).pop("scale")
    assert validate(qdict) == []


def test_scale_labels_and_na_value(qdict):
    scale = qdict["scales"]["sat5"]
    scale["labels"].append({"value": 6, "label": "너무 높음"})
    scale["na"]["value"] = 3
    found = codes(validate(qdict))
    assert "label_outside_scale" in found and "na_inside_scale" in found


def test_selection_limits(qdict):
    question(qdict, 2).update(min_selected=3, max_selected=2)
    assert "selection_range" in codes(validate(qdict))
    question(qdict, 2).update(min_selected=0, max_selected=4)
    assert "selection_range" in codes(validate(qdict))


def test_number_limits(qdict):
    question(qdict, 4).update(type="number", min=10, max=1)
    assert problem(validate(qdict), "min_max").path == "sections[0].questions[4].min"


def test_matrix_needs_scale_or_choices_and_rows(qdict):
    question(qdict, 3)["choices"] = "yes_no"
    question(qdict, 3)["rows"] = []
    found = codes(validate(qdict))
    assert "matrix_scale_or_choices" in found and "field_required" in found


def test_hidden_fields(qdict):
    qdict["hidden"].append({"code": "agnet_id", "type": "hidden"})
    qdict["hidden"].append({"code": "memo", "type": "short_text", "text": "x"})
    qdict["hidden"].append({"code": "shop", "type": "hidden", "source": "x_shop_code"})
    found = {(p.code, p.path) for p in validate(qdict)}
    assert found == {("bad_source", "hidden[2].code"), ("only_hidden", "hidden[3].type")}


def test_hidden_field_inside_a_section(qdict):
    question(qdict, 4).update(type="hidden", required=None)
    question(qdict, 4).pop("required")
    assert "hidden_in_section" in codes(validate(qdict))


def test_silent_types_are_never_required(qdict):
    question(qdict, 4).update(type="note", required=True)
    assert "required_silent" in codes(validate(qdict))


def test_texts_must_be_clean(qdict):
    question(qdict, 0)["text"] = {"ko": "보이지 않는\x07문자"}
    question(qdict, 1)["text"] = {"ko": "가" * 6000}
    question(qdict, 2)["text"] = {"en": "English only"}
    found = {(p.code, p.path) for p in validate(qdict)}
    assert ("control_char", "sections[0].questions[0].text.ko") in found
    assert ("text_too_long", "sections[0].questions[1].text.ko") in found
    assert ("empty_text", "sections[0].questions[2].text.ko") in found


def test_sections(qdict):
    qdict["sections"].append({"code": "S1", "questions": []})
    found = {(p.code, p.path) for p in validate(qdict)}
    assert ("duplicate_section", "sections[1].code") in found
    assert ("empty_section", "sections[1].questions") in found
    qdict["sections"] = []
    assert "no_sections" in codes(validate(qdict))


# --- logic --------------------------------------------------------------------------------

def test_condition_with_a_syntax_error(qdict):
    question(qdict, 2)["show_if"] = "Q2 = = 2"
    found = problem(validate(qdict), "expr_syntax")
    assert found.path == "sections[0].questions[2].show_if"
    assert "Q2 = = 2" in found.message_ko and "번째 글자" in found.message_ko


def test_condition_on_an_unknown_question(qdict):
    question(qdict, 2)["show_if"] = "Q22 == 2"
    found = problem(validate(qdict), "expr_unknown_ref")
    assert "Q22" in found.message_ko and "'Q2'" in found.message_en


def test_condition_on_a_later_question(qdict):
    question(qdict, 2)["show_if"] = "Q5 != null"
    assert codes(validate(qdict)) == ["expr_later_ref"]


def test_condition_on_itself(qdict):
    question(qdict, 2)["show_if"] = "count(Q3) > 1"
    assert codes(validate(qdict)) == ["expr_self_ref"]


def test_section_condition_cannot_use_its_own_questions(qdict):
    qdict["sections"][0]["show_if"] = "Q1 > 2"
    assert problem(validate(qdict), "expr_later_ref").path == "sections[0].show_if"


def test_hidden_fields_can_be_used_anywhere(qdict):
    qdict["sections"][0]["show_if"] = "queue == 'parcel'"
    assert validate(qdict) == []


def test_matrix_and_note_references(qdict):
    question(qdict, 4)["show_if"] = "Q4 > 3"
    assert codes(validate(qdict)) == ["expr_matrix_ref"]
    question(qdict, 4)["show_if"] = "Q4_1 > 3"
    assert validate(qdict) == []


def test_unknown_function_and_wrong_argument_count(qdict):
    question(qdict, 2)["show_if"] = "selectd(Q2, 2) or count(Q1, Q2) or score(1)"
    found = codes(validate(qdict))
    assert found.count("expr_unknown_function") == 1
    assert "expr_arity" in found and "expr_score_arg" in found


def test_compared_values_must_exist(qdict):
    question(qdict, 2)["show_if"] = "Q2 == 3 or Q1 in [4, 8] or selected(Q2, 'x')"
    found = [p for p in validate(qdict) if p.code == "expr_bad_value"]
    assert len(found) == 3
    assert "1, 2" in found[0].message_ko


def test_na_values_can_be_compared(qdict):
    question(qdict, 2)["show_if"] = "Q1 == 9"
    assert validate(qdict) == []


def test_computed_values_are_checked_like_conditions(qdict):
    qdict["sections"][0]["questions"].append({"code": "C1", "type": "computed", "value": "mean(Q1, Q9)"})
    assert codes(validate(qdict)) == ["expr_unknown_ref"]


def test_piping_references(qdict):
    question(qdict, 0)["text"] = {"ko": "{Q5}에 대해", "en": "about {nope}"}
    question(qdict, 1)["help"] = {"ko": "괄호 { 하나"}
    found = {(p.code, p.path) for p in validate(qdict)}
    assert ("pipe_later_ref", "sections[0].questions[0].text.ko") in found
    assert ("pipe_unknown_ref", "sections[0].questions[0].text.en") in found
    assert ("pipe_syntax", "sections[0].questions[1].help.ko") in found


# --- scoring ------------------------------------------------------------------------------

def test_unknown_and_unused_dimensions(qdict):
    question(qdict, 0)["scoring"]["dimension"] = "servce"
    found = validate(qdict)
    assert "'service'" in problem(found, "unknown_dimension").message_ko
    qdict["scoring"]["dimensions"].append({"code": "spare"})
    assert "unused_dimension" in codes(validate(qdict))


def test_scoring_needs_numeric_answers(qdict):
    question(qdict, 4)["scoring"] = {"dimension": "service"}
    question(qdict, 2)["scoring"] = {"dimension": "service"}
    found = {(p.code, p.path) for p in validate(qdict)}
    assert ("not_scorable", "sections[0].questions[4].scoring") in found
    assert ("field_not_allowed", "sections[0].questions[2].scoring") in found


def test_reverse_and_weights(qdict):
    question(qdict, 1)["scoring"]["reverse"] = True
    question(qdict, 0)["scoring"]["weight"] = 0
    found = codes(validate(qdict))
    assert "reverse_without_dimension" in found and "weight_positive" in found


def test_kpi_roles(qdict):
    question(qdict, 3)["rows"][0]["scoring"]["kpi"] = "csat"
    question(qdict, 1)["scoring"]["kpi"] = "happiness"
    found = validate(qdict)
    assert problem(found, "duplicate_kpi").path == "sections[0].questions[3].rows[0].scoring.kpi"
    assert "unknown_kpi" in codes(found)


def test_nps_role_needs_an_nps_question(qdict):
    question(qdict, 0)["scoring"]["kpi"] = "nps"
    assert "kpi_type" in codes(validate(qdict))


def test_index_weights_must_sum_as_declared(qdict):
    qdict["scoring"]["indices"][0]["weights"] = {"service": 0.6}
    found = problem(validate(qdict), "weights_sum")
    assert found.path == "scoring.indices[0].weights"
    assert "0.6" in found.message_ko and "1" in found.message_en


def test_index_weights_need_known_dimensions_and_methods(qdict):
    index = qdict["scoring"]["indices"][0]
    index.update(weights={"service": 1.5, "ghost": -0.5}, method="median")
    found = {(p.code, p.path) for p in validate(qdict)}
    assert ("unknown_dimension", "scoring.indices[0].weights.ghost") in found
    assert ("weight_nonnegative", "scoring.indices[0].weights.ghost") in found
    assert ("unknown_index_method", "scoring.indices[0].method") in found


def _checklist(qdict: dict, points: tuple[float, float]) -> None:
    qdict["scoring"]["checklists"] = [{"code": "phone", "name": "전화 친절도", "total": 100}]
    question(qdict, 3)["rows"][0]["scoring"] = {"stage": "맞이", "points": points[0]}
    question(qdict, 3)["rows"][1]["scoring"] = {"stage": "마무리", "points": points[1]}


def test_courtesy_points_must_sum_to_the_total(qdict):
    _checklist(qdict, (60, 40))
    assert validate(qdict) == []
    _checklist(qdict, (60, 30))
    found = problem(validate(qdict), "points_sum")
    assert found.path == "scoring.checklists[0].total"
    assert "90" in found.message_ko and "100" in found.message_ko


def test_courtesy_stage_rules(qdict):
    _checklist(qdict, (60, 40))
    question(qdict, 3)["rows"][0]["scoring"]["stage"] = "인사"
    question(qdict, 3)["rows"][1]["scoring"].pop("stage")
    found = codes(validate(qdict))
    assert "unknown_stage" in found and "stage_and_points" in found


def test_english_stage_names_are_accepted(qdict):
    _checklist(qdict, (60, 40))
    question(qdict, 3)["rows"][0]["scoring"]["stage"] = "greeting"
    assert Questionnaire.from_dict(qdict).question("Q4").rows[0].scoring.stage == "맞이"


def test_points_need_a_declared_checklist(qdict):
    _checklist(qdict, (60, 40))
    qdict["scoring"]["checklists"].append({"code": "counter", "total": 100})
    found = codes(validate(qdict))
    assert found.count("checklist_needed") == 2 and "empty_checklist" in found
    del qdict["scoring"]["checklists"]
    assert "no_checklist" in codes(validate(qdict))


def test_all_default_scoring_means_unscored(qdict):
    question(qdict, 4)["scoring"] = {"reverse": False, "weight": 1}
    assert Questionnaire.from_dict(qdict).question("Q5").scoring is None


def test_validate_a_model_built_by_hand(questionnaire):
    from dataclasses import replace
    broken = replace(questionnaire, kind="unknown", code="has space")
    assert codes(validate(broken)) == ["bad_code", "unknown_kind"]
    assert codes(validate(replace(questionnaire, sections="nonsense"))) == ["model_invalid"]


def test_deeply_nested_junk_is_reported_not_raised():
    nested: object = "x"
    for _ in range(5000):
        nested = [nested]
    found = validate({"code": "X", "kind": "voc", "title": "t", "sections": nested})
    assert found and all(isinstance(p, Problem) for p in found)


def test_every_message_can_be_formatted_by_each_call_site():
    """Each literal problem code used in the package exists and gets every placeholder it needs."""
    import ast
    import string
    from pathlib import Path

    import questionnaires

    need = {code: {f for text in pair for _, f, _, _ in string.Formatter().parse(text) if f} - {"hint"}
            for code, pair in MESSAGES.items()}
    for path in Path(questionnaires.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in ("make_problem", "add", "problem") and isinstance(node.args[0].value, str):
                code = node.args[0].value
                assert code in MESSAGES, (path.name, node.lineno, code)
                given = {k.arg for k in node.keywords}
                assert need[code] <= given, (path.name, node.lineno, code, need[code] - given)
