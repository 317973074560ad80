"""The expression language: parsing, evaluation semantics, piping, visibility, randomisation."""

from __future__ import annotations

import datetime as dt

import pytest

from questionnaires import Questionnaire, logic
from questionnaires.logic import ExpressionError, evaluate, parse, pipe, stable_order
from questionnaires.logic.ast import Call, Compare, Literal, Logical, Ref

# --- parsing ----------------------------------------------------------------------------------

def test_parse_builds_a_tree_with_usual_precedence():
    node = parse("Q1 == 1 or Q2 > 3 and not Q3")
    assert isinstance(node, Logical) and node.op == "or"
    assert node.operands[0] == Compare("==", Ref("Q1"), Literal(1))
    assert isinstance(node.operands[1], Logical) and node.operands[1].op == "and"


def test_arithmetic_binds_tighter_than_comparison():
    assert evaluate("1 + 2 * 3 == 7", {}) is True
    assert evaluate("(1 + 2) * 3", {}) == 9
    assert evaluate("-Q1 + 10", {"Q1": 4}) == 6


def test_excel_style_operators_are_accepted():
    assert evaluate("Q1 = 2", {"Q1": 2}) is True
    assert evaluate("Q1 <> 2", {"Q1": 3}) is True


def test_keywords_are_case_insensitive_and_codes_are_not():
    assert evaluate("Q1 == 1 AND TRUE", {"Q1": 1}) is True
    assert evaluate("q1 == 1", {"Q1": 1}) is False


def test_string_literals_with_escapes_and_korean():
    assert parse("Q1 == '예'") == Compare("==", Ref("Q1"), Literal("예"))
    assert parse(r"Q1 == 'it\'s'").right == Literal("it's")
    assert parse('Q1 == "두 단어"').right == Literal("두 단어")


def test_function_names_are_lower_cased():
    assert parse("SELECTED(Q3, 2)") == Call("selected", (Ref("Q3"), Literal(2)))


@pytest.mark.parametrize("source, position", [
    ("Q1 ==", 6),
    ("Q1 == 1 and", 12),
    ("(Q1 == 1", 9),
    ("Q1 $ 2", 4),
    ("Q1 < 2 < 3", 8),
    ("", 1),
    ("   ", 1),
])
def test_syntax_errors_say_where(source, position):
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    assert caught.value.position + 1 == position
    assert "번째 글자" in caught.value.message_ko
    assert "at character" in caught.value.message_en


def test_deep_nesting_is_refused_without_recursion_error():
    with pytest.raises(ExpressionError):
        parse("(" * 200 + "1" + ")" * 200)
    with pytest.raises(ExpressionError):
        parse("not " * 100 + "true")


def test_long_operator_chains_evaluate_without_recursion():
    source = " + ".join(["1"] * 240)
    assert evaluate(source, {}) == 240


def test_overlong_expression_is_refused():
    with pytest.raises(ExpressionError):
        parse("1 + " * 400 + "1")


def test_non_text_expression_is_an_expression_error():
    with pytest.raises(ExpressionError):
        parse(["Q1"])  # type: ignore[arg-type]


def test_never_uses_python_eval():
    # Python syntax that would be dangerous under eval() is simply not part of the language.
    for source in ("__import__('os')", "Q1.__class__", "[x for x in y]", "lambda: 1"):
        with pytest.raises(ExpressionError):
            evaluate(source, {})


def test_references_lists_codes_once_in_order():
    assert logic.references(parse("Q2 > 1 and (Q1 == 3 or Q2 < 5)")) == ["Q2", "Q1"]


# --- evaluation semantics --------------------------------------------------------------------

@pytest.mark.parametrize("source", ["Q1 == 1", "Q1 != 1", "Q1 < 3", "Q1 >= 3", "Q1 in [1, 2]", "Q1 not in [1, 2]"])
def test_comparisons_with_an_unanswered_question_are_false(source):
    assert evaluate(source, {}) is False
    assert evaluate(source, {"Q1": None}) is False
    assert evaluate(source, {"Q1": ""}) is False


def test_explicit_null_tests():
    assert evaluate("Q1 == null", {}) is True
    assert evaluate("Q1 != null", {}) is False
    assert evaluate("Q1 != null", {"Q1": 0}) is True
    assert evaluate("answered(Q1)", {"Q1": 0}) is True
    assert evaluate("empty(Q1)", {"Q1": []}) is True


def test_numeric_text_from_forms_compares_as_numbers():
    assert evaluate("Q1 == 3", {"Q1": "3"}) is True
    assert evaluate("Q1 > 2.5", {"Q1": "3"}) is True
    assert evaluate("Q1 + 1", {"Q1": "41"}) == 42
    assert evaluate("Q1 == 'a'", {"Q1": "a"}) is True
    assert evaluate("Q1 > 2", {"Q1": "abc"}) is False


def test_dates_compare_as_iso_text():
    answers = {"E2": dt.date(2025, 3, 1)}
    assert evaluate("E2 >= '2025-01-01'", answers) is True
    assert evaluate("E2 < '2025-02-01'", answers) is False


def test_multiple_choice_answers():
    answers = {"Q3": [1, 4]}
    assert evaluate("selected(Q3, 4)", answers) is True
    assert evaluate("selected(Q3, '1')", answers) is True
    assert evaluate("selected(Q3, 2)", answers) is False
    assert evaluate("count(Q3)", answers) == 2
    assert evaluate("Q3 in [4, 5]", answers) is True
    assert evaluate("Q3 not in [2, 3]", answers) is True
    assert evaluate("selected(Q3, 1)", {}) is False


def test_arithmetic_with_nulls_and_zero_division_is_null():
    assert evaluate("Q1 + 1", {}) is None
    assert evaluate("Q1 / 0", {"Q1": 5}) is None
    assert evaluate("Q1 % 0", {"Q1": 5}) is None
    assert evaluate("Q1 * 2 > 1", {}) is False


def test_aggregates_skip_unanswered_items():
    answers = {"A": 4, "B": None, "C": "6"}
    assert evaluate("sum(A, B, C)", answers) == 10
    assert evaluate("mean(A, B, C)", answers) == 5
    assert evaluate("min(A, C)", answers) == 4
    assert evaluate("max(A, C)", answers) == 6
    assert evaluate("mean(B)", answers) is None


def test_score_leaves_out_dont_know_answers():
    answers = {"A": 7, "B": 9}
    na = {"B": (9,)}
    assert evaluate("mean(A, B)", answers, na) == 8
    assert evaluate("mean(score(A), score(B))", answers, na) == 7


def test_other_functions():
    assert evaluate("round(2.345, 2)", {}) == 2.35
    assert evaluate("round(2.5)", {}) == 3
    assert evaluate("round(-2.5)", {}) == -3
    assert evaluate("round(2.675, 2)", {}) == 2.68
    assert evaluate("abs(-3)", {}) == 3
    assert evaluate("if(Q1 >= 4, 'top', 'rest')", {"Q1": 5}) == "top"
    assert evaluate("coalesce(Q1, Q2, 0)", {"Q2": 7}) == 7
    assert evaluate("len(Q9)", {"Q9": "불친절"}) == 3
    assert evaluate("contains(Q9, '불친절')", {"Q9": "직원이 불친절했어요"}) is True
    assert evaluate("number('12.5') + 1", {}) == 13.5
    assert evaluate("'a' + 'b'", {}) == "ab"


def test_unknown_function_at_run_time_is_an_expression_error():
    with pytest.raises(ExpressionError):
        evaluate("nosuch(Q1)", {"Q1": 1})


def test_truthiness_in_logic():
    assert evaluate("Q1 and Q2", {"Q1": 1, "Q2": "x"}) is True
    assert evaluate("Q1 or Q2", {"Q1": 0, "Q2": ""}) is False
    assert evaluate("not Q1", {}) is True


def test_huge_numbers_become_null_instead_of_hanging():
    assert evaluate("Q1 * Q1 * Q1", {"Q1": "9" * 30}) is not None
    assert evaluate("Q1 * 2", {"Q1": "9" * 5000}) is None
    big = " * ".join(["99999999999999999999"] * 40)
    assert evaluate(big, {}) is None


def test_evaluate_accepts_a_parsed_tree():
    tree = parse("Q1 > 2")
    assert evaluate(tree, {"Q1": 3}) is True


# --- piping ---------------------------------------------------------------------------------

def test_pipe_replaces_placeholders():
    assert pipe("안녕하세요, {name}님", {"name": "홍길동"}) == "안녕하세요, 홍길동님"
    assert pipe("{Q1|고객}님", {}) == "고객님"
    assert pipe("{Q1}", {}) == ""
    assert pipe("{{Q1}} stays", {"Q1": 3}) == "{Q1} stays"
    assert pipe("{Q3}", {"Q3": [1, 2]}) == "1, 2"
    assert pipe("{Q1}", {"Q1": 2.5}) == "2.5"


def test_pipe_uses_choice_and_scale_labels_with_a_questionnaire(questionnaire):
    assert pipe("{Q2}", {"Q2": 1}, questionnaire) == "예"
    assert pipe("{Q2}", {"Q2": 1}, questionnaire, "en") == "Yes"
    assert pipe("{Q1}", {"Q1": 5}, questionnaire) == "매우 만족"
    assert pipe("{Q1}", {"Q1": 3}, questionnaire) == "3"
    assert pipe("{Q3}", {"Q3": [1, 3]}, questionnaire) == "대기 시간, 기타"
    assert pipe("{agent_id}", {"agent_id": "A-17"}, questionnaire) == "A-17"


def test_placeholders_and_stray_braces():
    assert logic.placeholders("{Q1} and {Q2|x} and {{literal}}") == ["Q1", "Q2"]
    with pytest.raises(ExpressionError):
        logic.placeholders("a { b")
    with pytest.raises(ExpressionError):
        logic.placeholders("a } b")


# --- flow: visibility, computed values ------------------------------------------------------

def test_is_visible_uses_show_and_skip_conditions(questionnaire):
    q3 = questionnaire.question("Q3")
    assert logic.is_visible(q3, {"Q2": 2}) is True
    assert logic.is_visible(q3, {"Q2": 1}) is False
    assert logic.is_visible(q3, {}) is False
    assert logic.is_visible(questionnaire.question("Q1"), {}) is True


def test_skip_if_hides(qdict):
    qdict["sections"][0]["questions"][4]["skip_if"] = "Q1 >= 4"
    q = Questionnaire.from_dict(qdict)
    shown = [x.code for x in logic.visible_questions(q, {"Q1": 5, "Q2": 1})]
    assert shown == ["Q1", "Q2", "Q4"]


def test_visible_questions_follow_answers(questionnaire):
    assert [q.code for q in logic.visible_questions(questionnaire, {"Q2": 1})] == ["Q1", "Q2", "Q4", "Q5"]
    assert [q.code for q in logic.visible_questions(questionnaire, {"Q2": 2})] == ["Q1", "Q2", "Q3", "Q4", "Q5"]


def _flow_questionnaire() -> Questionnaire:
    return Questionnaire.from_dict({
        "code": "FLOW", "kind": "voc", "title": "흐름",
        "hidden": [{"code": "channel", "type": "hidden"}],
        "sections": [
            {"code": "S1", "questions": [
                {"code": "A", "type": "single_choice", "text": "A",
                 "choices": [{"value": 1, "label": "예"}, {"value": 2, "label": "아니요"}]},
                {"code": "B", "type": "number", "text": "B", "show_if": "A == 1"},
            ]},
            {"code": "S2", "show_if": "B > 10 or channel == 'kiosk'", "questions": [
                {"code": "C", "type": "note", "text": "안내"},
                {"code": "D", "type": "computed", "value": "coalesce(B, 0) * 2"},
                {"code": "E", "type": "short_text", "text": "E", "show_if": "D > 30"},
            ]},
        ],
    })


def test_answers_of_hidden_questions_do_not_leak_into_later_conditions():
    q = _flow_questionnaire()
    # The respondent answered B = 20, then went back and changed A, so B is no longer shown.
    answers = {"A": 2, "B": 20, "E": "x"}
    assert logic.effective_answers(q, answers) == {"A": 2}
    assert [x.code for x in logic.visible_questions(q, answers)] == ["A"]


def test_sections_hidden_fields_notes_and_computed_values():
    q = _flow_questionnaire()
    answers = {"A": 1, "B": 20, "channel": "sms"}
    assert [x.code for x in logic.visible_questions(q, answers)] == ["A", "B", "C", "E"]
    assert logic.compute_values(q, answers) == {"D": 40}
    assert [s.code for s in logic.visible_sections(q, answers)] == ["S1", "S2"]
    kiosk = {"A": 2, "channel": "kiosk"}
    assert [x.code for x in logic.visible_questions(q, kiosk)] == ["A", "C"]
    assert logic.compute_values(q, kiosk) == {"D": 0}


def test_unanswered_lists_shown_required_answers_per_page(questionnaire):
    # Q3 is shown (Q2 == 2) with '기타' chosen and no text; one matrix row missing; Q5 is optional.
    seen = logic.shown(questionnaire, {"Q1": 4, "Q2": 2, "Q3": [3], "Q4_1": 5})
    assert seen.unanswered() == {"S1": ["Q3_other", "Q4_2"]}
    done = logic.shown(questionnaire, {"Q1": 4, "Q2": 1, "Q4_1": 5, "Q4_2": 5, "Q3": [3]})
    assert done.unanswered() == {}  # Q3 is hidden now: its '기타' text is not asked for


def test_unanswered_ignores_pages_and_questions_logic_hides():
    q = _flow_questionnaire()
    assert logic.shown(q, {"A": 2}).unanswered() == {}
    assert logic.shown(q, {"A": 1, "B": 20}).unanswered() == {"S2": ["E"]}


# --- randomisation --------------------------------------------------------------------------

def test_stable_order_is_a_permutation_and_repeatable():
    items = list(range(20))
    first = stable_order(items, "resp-1:Q3")
    assert sorted(first) == items
    assert stable_order(items, "resp-1:Q3") == first
    assert stable_order(items, "resp-2:Q3") != first


def test_stable_order_varies_across_respondents():
    firsts = {stable_order(["a", "b", "c", "d"], f"r{i}")[0] for i in range(200)}
    assert firsts == {"a", "b", "c", "d"}


def test_display_choices_keep_special_options_last(qdict):
    qdict["sections"][0]["questions"][2]["randomize"] = True
    qdict["sections"][0]["questions"][2]["choices"].insert(0, {"value": 9, "label": "없음", "exclusive": True})
    q = Questionnaire.from_dict(qdict).question("Q3")
    orders = {tuple(c.value for c in logic.display_choices(q, f"r{i}")) for i in range(50)}
    assert all(order[-2:] == (9, 3) for order in orders)
    assert len(orders) == 2  # the two ordinary choices do get shuffled
    assert [c.value for c in logic.display_choices(q, "r1")] == [c.value for c in logic.display_choices(q, "r1")]


def test_display_rows_only_shuffle_when_asked(questionnaire):
    q4 = questionnaire.question("Q4")
    assert [r.code for r in logic.display_rows(q4, "r1")] == ["Q4_1", "Q4_2"]
