"""The Excel workbook CS staff edit: layout, lossless round trip, hand-made workbooks, bad sheets."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from questionnaires import QuestionnaireError, dump_xlsx, load_xlsx, xlsx_bytes
from questionnaires.xlsx import workbook_to_dict


def make_workbook(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with the given sheets (first row of each is the header)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SETTINGS = [["setting", "value"], ["code", "HANDMADE"], ["kind", "post_call"], ["title::ko", "손으로 만든 설문"],
            ["title::en", "Hand-made survey"], ["version", 3]]
SURVEY_HEADER = ["type", "name", "label::ko", "label::en", "required", "show_if", "dimension", "reverse", "kpi",
                 "checklist", "stage", "points", "source", "# 메모"]


def handmade(**changes: list[list]) -> dict[str, list[list]]:
    """A small workbook written the way a CS staff member would, with Korean type names."""
    sheets = {
        "settings": SETTINGS,
        "survey": [
            SURVEY_HEADER,
            ["숨김", "agent_id", None, None, None, None, None, None, None, None, None, None, "agent_id"],
            ["page", "S1", "상담 평가", "Your call"],
            ["리커트 sat5", "Q1", "상담에 만족하셨습니까?", "Were you satisfied?", "예", None, None, None, "csat"],
            ["단일선택 yes_no", "Q2", "해결되었습니까?", "Resolved?", "yes", None, None, None, "resolution"],
            ["# 아래 문항은 해결되지 않은 분께만 보입니다"],
            ["서술", "Q3", "무엇이 남았습니까?", None, "아니오", "Q2 == 2", None, None, None, None, None, None, None, "메모 칸은 무시됩니다"],
            ["행렬 sat5", "Q4", "상담사는 어떠했습니까?"],
            ["row", "Q4_1", "친절함", None, None, None, None, None, None, "phone", "맞이", 40],
            ["row", "Q4_2", "전문성", None, None, None, None, None, None, "phone", "응대", 60],
        ],
        "choices": [["list_name", "value", "label::ko", "label::en", "na"],
                    ["yes_no", 1, "예", "Yes"], ["yes_no", 2, "아니요", "No"], ["yes_no", 9, "모름", "Don't know", "yes"]],
        "scales": [["scale_name", "value", "label::ko", "label::en", "na"],
                   ["sat5", 1, "매우 불만족", "Very dissatisfied"], ["sat5", 2], ["sat5", 3], ["sat5", 4],
                   ["sat5", 5, "매우 만족", "Very satisfied"]],
        "scoring": [["type", "name", "label::ko", "label::en", "index", "weight", "total"],
                    ["checklist", "phone", "전화 친절도", "Phone courtesy", None, None, 100]],
        "#참고": [["자유롭게 메모하는 시트입니다"]],
    }
    sheets.update(changes)
    return sheets


def errors(data: bytes) -> list:
    with pytest.raises(QuestionnaireError) as caught:
        load_xlsx(data)
    return list(caught.value.problems)


def test_a_hand_made_workbook_loads():
    q = load_xlsx(make_workbook(handmade()))
    assert (q.code, q.kind, q.version, q.title.en) == ("HANDMADE", "post_call", 3, "Hand-made survey")
    assert [h.code for h in q.hidden] == ["agent_id"]
    assert [x.code for x in q.questions()] == ["Q1", "Q2", "Q3", "Q4"]
    assert q.question("Q1").type == "likert" and q.question("Q1").scale.points == 5
    assert q.question("Q3").required is False and q.question("Q3").show_if == "Q2 == 2"
    assert q.question("Q2").na_codes == (9,)
    assert [r.scoring.points for r in q.question("Q4").rows] == [40, 60]
    assert q.answer_codes() == ["agent_id", "Q1", "Q2", "Q3", "Q4_1", "Q4_2"]


def test_lists_named_after_their_question_become_inline():
    sheets = handmade()
    sheets["survey"][4][0] = "single_choice Q2"
    sheets["choices"] = [sheets["choices"][0]] + [["Q2"] + row[1:] for row in sheets["choices"][1:]]
    q = load_xlsx(make_workbook(sheets))
    assert q.question("Q2").choices.name is None
    assert q.choice_lists == ()


def test_round_trip_of_the_fixture(questionnaire, tmp_path):
    path = tmp_path / "q.xlsx"
    dump_xlsx(questionnaire, path)
    assert load_xlsx(path) == questionnaire
    assert load_xlsx(str(path)) == questionnaire
    with open(path, "rb") as handle:
        assert load_xlsx(handle) == questionnaire
    assert load_xlsx(xlsx_bytes(questionnaire)) == questionnaire


def test_written_layout(questionnaire):
    book = load_workbook(io.BytesIO(xlsx_bytes(questionnaire)))
    assert book.sheetnames == ["settings", "survey", "choices", "scales", "scoring"]
    survey = book["survey"]
    header = [c.value for c in survey[1]]
    assert header[:4] == ["type", "name", "label::ko", "label::en"]
    assert survey["A1"].comment is not None and survey.freeze_panes == "A2"
    types = [row[0] for row in survey.iter_rows(min_row=2, values_only=True)]
    assert types == ["hidden", "hidden", "page", "likert sat5", "single_choice yes_no",
                     "multiple_choice Q3", "matrix sat5", "row", "row", "long_text"]
    choices = [row[:3] for row in book["choices"].iter_rows(min_row=2, values_only=True)]
    assert choices[:2] == [("yes_no", 1, "예"), ("yes_no", 2, "아니요")]
    assert choices[2][0] == "Q3"
    scales = [row[:3] for row in book["scales"].iter_rows(min_row=2, values_only=True)]
    assert scales == [("sat5", 1, "매우 불만족"), ("sat5", 2, None), ("sat5", 3, None), ("sat5", 4, None),
                      ("sat5", 5, "매우 만족"), ("sat5", 9, "모름/해당없음")]


def test_text_that_looks_like_a_formula_stays_text(qdict):
    from questionnaires import Questionnaire
    qdict["sections"][0]["questions"][4]["text"] = {"ko": "=SUM(A1) 같은 글도 그대로 둡니다"}
    q = Questionnaire.from_dict(qdict)
    data = xlsx_bytes(q)
    cell = next(c for c in load_workbook(io.BytesIO(data))["survey"]["C"] if c.value and str(c.value).startswith("="))
    assert cell.data_type == "s"
    assert load_xlsx(data) == q


def test_not_an_excel_file():
    assert errors(b"this is not a workbook")[0].code == "xlsx_unreadable"
    assert errors(b"PK\x03\x04broken zip")[0].code == "xlsx_unreadable"


def test_missing_and_unknown_sheets():
    sheets = handmade()
    sheets["Survey1"] = sheets.pop("survey")
    found = errors(make_workbook(sheets))
    assert [(p.code, p.sheet) for p in found] == [("sheet_unknown", "Survey1"), ("sheet_missing", "survey")]
    assert "settings, survey" in found[0].message_ko


def test_sheet_names_ignore_case_and_spaces():
    sheets = handmade()
    sheets[" Survey "] = sheets.pop("survey")
    assert load_xlsx(make_workbook(sheets)).code == "HANDMADE"


def test_unknown_and_missing_columns():
    sheets = handmade()
    sheets["survey"][0] = ["type", "name", "lable::ko"] + SURVEY_HEADER[3:]
    sheets["choices"][0] = ["list", "value", "label::ko"]
    found = {(p.code, p.location) for p in errors(make_workbook(sheets))}
    assert ("column_unknown", "survey!C1 (lable::ko)") in found
    assert ("column_missing", "choices") in {(code, loc.split("!")[0]) for code, loc in found}


def test_problems_point_at_sheet_row_and_column():
    sheets = handmade()
    sheets["survey"][3][1] = "Q2"            # duplicate code on row 4
    sheets["survey"][6][5] = "Q2 === 2"      # syntax error on row 7
    sheets["survey"][7][0] = "행렬 sat7"      # scale that does not exist, row 8
    found = errors(make_workbook(sheets))
    located = {(p.code, p.location) for p in found}
    assert ("duplicate_code", "survey!B5 (name)") in located
    assert ("expr_syntax", "survey!F7 (show_if)") in located
    assert ("unknown_scale", "survey!A8 (type)") in located
    assert all(p.sheet == "survey" and p.row for p in found)


def test_bad_cells():
    sheets = handmade()
    sheets["survey"][3][4] = "글쎄요"                 # required must be yes/no
    sheets["survey"][9][11] = "sixty"                 # points must be a number
    sheets["survey"][2][2] = "=CONCAT(A1, B1)"        # a formula
    found = {(p.code, p.location) for p in errors(make_workbook(sheets))}
    assert ("cell_type", "survey!E4 (required)") in found
    assert ("cell_type", "survey!L10 (points)") in found
    assert ("cell_formula", "survey!C3 (label::ko)") in found


def test_row_structure_problems():
    sheets = handmade()
    sheets["survey"].insert(1, ["likert sat5", "Q0", "페이지보다 앞"])
    sheets["survey"].insert(4, ["row", "Q0_1", "행렬 밖의 행"])
    sheets["survey"].append(["likert", "Q9", "척도 없음"])
    sheets["survey"].append(["date nope", "Q10", "목록이 필요 없는 유형"])
    sheets["survey"].append(["short text", "Q11", "유형 오타"])
    sheets["survey"].append([None, "Q12", "유형 없음"])
    found = [p.code for p in errors(make_workbook(sheets))]
    for code in ("row_outside_page", "row_outside_matrix", "list_name_missing", "list_name_extra",
                 "row_type_unknown", "row_type_missing"):
        assert code in found


def test_columns_that_page_and_row_lines_cannot_use():
    sheets = handmade()
    sheets["survey"][2] += ["yes"]         # required on a page line (column E)
    sheets["survey"][9][5] = "Q1 > 3"      # show_if on a matrix row
    found = {(p.code, p.location) for p in errors(make_workbook(sheets))}
    assert found == {("column_not_for_line", "survey!E3 (required)"), ("column_not_for_line", "survey!F10 (show_if)")}


def test_scale_rows_must_be_consecutive():
    sheets = handmade()
    sheets["scales"] = [sheets["scales"][0], ["sat5", 1, "낮음"], ["sat5", 2], ["sat5", 4], ["sat5", 5, "높음"]]
    found = errors(make_workbook(sheets))
    assert [(p.code, p.location) for p in found if p.code == "scale_gap"] == [("scale_gap", "scales!B4 (value)")]


def test_weights_that_do_not_sum_as_declared():
    sheets = handmade()
    sheets["survey"][3][6] = "service"
    sheets["scoring"] += [["dimension", "service", "서비스"], ["index", "idx", "지수", None, None, None, 1],
                          ["weight", "service", None, None, "idx", 0.8], ["weight", "ghost", None, None, "nope", 0.2]]
    found = {(p.code, p.location) for p in errors(make_workbook(sheets))}
    assert ("weights_sum", "scoring!A4 (type)") in found
    assert ("unknown_index", "scoring!E6 (index)") in found


def test_courtesy_points_that_do_not_sum_to_100():
    sheets = handmade()
    sheets["survey"][9][11] = 50
    found = errors(make_workbook(sheets))
    assert [(p.code, p.location) for p in found] == [("points_sum", "scoring!G2 (total)")]


def test_settings_problems():
    sheets = handmade(settings=SETTINGS + [["titel::ko", "오타"], ["code", "AGAIN"], ["format", "하나"]])
    found = {p.code for p in errors(make_workbook(sheets))}
    assert found == {"setting_unknown", "setting_duplicate", "cell_type"}


def test_nothing_is_created_from_a_broken_workbook():
    data, locator, problems = workbook_to_dict(make_workbook({"survey": [["type"]]}))
    assert data is None and locator is None
    assert [p.code for p in problems] == ["sheet_missing"]


def test_every_template_round_trips(tmp_path):
    from questionnaires import list_templates, load_template
    for name in list_templates():
        q = load_template(name)
        path = tmp_path / f"{name}.xlsx"
        dump_xlsx(q, path)
        assert load_xlsx(path) == q, name
