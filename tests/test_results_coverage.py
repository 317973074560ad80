"""Who is scored: complete responses with a score, screened-out ones and ones that left every rated item blank.

Reference: counted by hand from the rows below (the screening question SQ1 = 2 hides the rated page).
"""
from __future__ import annotations

import numpy as np

from questionnaires import load_yaml
from survey_app.results.model import Coverage
from survey_app.results.report import score_loaded_wave
from survey_app.results.workbook import coverage_note
from tests.test_results_pages import _login, _staff
from tests.test_results_scoring import wave_data
from tests.test_results_support import add_response, seed_hand_wave

SCREENED = load_yaml("""
code: SCREENED
version: 1
kind: customer_satisfaction
title: {ko: 선별 시험}
scales:
  agree5:
    points: 5
    labels: [{value: 1, label: {ko: 전혀 아니다}}, {value: 5, label: {ko: 매우 그렇다}}]
    na: {value: 9, label: {ko: 모름/해당없음}}
choice_lists:
  yes_no: [{value: 1, label: {ko: 예}}, {value: 2, label: {ko: 아니요}}]
sections:
  - code: S0
    title: {ko: 이용}
    questions:
      - {code: SQ1, type: single_choice, text: {ko: 최근 이용하셨습니까?}, choices: yes_no}
  - code: S1
    title: {ko: 평가}
    show_if: SQ1 == 1
    questions:
      - {code: Q1, type: likert, text: {ko: 친절}, scale: agree5, scoring: {dimension: process}, required: false}
      - {code: Q2, type: likert, text: {ko: 정확}, scale: agree5, scoring: {dimension: outcome}, required: false}
scoring:
  dimensions:
    - {code: process, name: {ko: 과정품질}}
    - {code: outcome, name: {ko: 결과품질}}
""")
NAN = np.nan


def test_screened_out_and_blank_responses_are_counted_apart():
    rows = [[1, 5, 4], [1, 3, NAN], [1, 2, 2], [2, NAN, NAN], [2, NAN, NAN], [1, NAN, NAN]]
    result = score_loaded_wave(wave_data(rows, ("SQ1", "Q1", "Q2")), SCREENED)
    assert result.coverage == Coverage(complete=6, scored=3, not_asked=2, no_answer=1)
    assert result.headline.n == 3  # the index is made of exactly the scored responses


def test_the_note_says_who_is_scored_and_why_the_rest_are_not():
    note = coverage_note(Coverage(complete=1235, scored=989, not_asked=200, no_answer=46))
    assert note.startswith("완료 응답 1,235건 중 989건을 점수에 넣었습니다")
    assert "비이용자 등) 200건" in note and "'모름/해당없음'만 고른 응답 46건" in note


def test_the_results_page_explains_a_complete_response_without_a_score(app_ctx, client, make_user, make_survey,
                                                                       make_org):
    from survey_app.models import Wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        add_response(session, session.get(Wave, ids["wave_id"]), {"Q1": 9, "Q2": 9, "Q6": 8})  # 모름 only
    _staff(app_ctx, make_user, "analyst_cov", "analyst", None)
    _login(client, "analyst_cov")
    html = client.get(f"/manage/results/waves/{ids['wave_id']}").get_data(as_text=True)
    text = html.split('id="coverage">', 1)[1].split("</p>", 1)[0]
    assert "완료 응답 5건 중 4건을 점수에 넣었습니다." in text
    assert "‘모름/해당없음’만 고른 응답 1건은 뺐습니다." in text and "비이용자" not in text


def test_the_workbook_summary_and_trend_say_who_is_scored(runner, app_ctx, make_survey, make_org, tmp_path):
    from datetime import UTC, datetime

    from python_calamine import CalamineWorkbook

    from survey_app.models import Wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        first = session.get(Wave, ids["wave_id"])
        first.opens_at = datetime(2025, 1, 1, tzinfo=UTC)
        later = Wave(code="W-COV", name="2차 조사", survey=first.survey, version=first.version, state="open",
                     opens_at=datetime(2025, 4, 1, tzinfo=UTC))
        session.add(later)
        session.flush()
        for answers in ({"Q1": 5, "Q2": 4, "Q3": 2, "Q4": 5, "Q5": 4}, {"Q1": 3, "Q2": 3, "Q3": 3, "Q4": 3, "Q5": 3},
                        {"Q6": 7}):  # the last: complete without a rated answer
            add_response(session, later, answers, hidden={"office_code": "P-A", "channel": "sms"})
    out = tmp_path / "cov.xlsx"
    assert runner.invoke(args=["export", "W-COV", "--out", str(out)]).exit_code == 0
    book = CalamineWorkbook.from_path(str(out))
    summary = book.get_sheet_by_name("요약").to_python()
    scored = next(r for r in summary if r and r[0] == "점수를 낸 응답 수")
    assert scored[1] == 2 and "완료 응답 3건 중 2건을 점수에 넣었습니다" in scored[8]
    trend = book.get_sheet_by_name("추이").to_python()
    n_row = next(r for r in trend if r and r[0] == "점수를 낸 응답 수")
    assert n_row[1:3] == [4, 2]
    assert any(r and "선별 질문" in str(r[0]) for r in trend)
