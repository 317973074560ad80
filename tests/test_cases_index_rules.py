"""Case rules on a computed score: a response's dimension score or overall index (0–100) at or below a
threshold opens a case; the threshold is checked against the index scale; 모름 answers are left out.

Reference: the PCSI 100-point conversion (x − 1)/(k − 1) × 100 after reverse coding, dimensions as means of
the answered items and the index as the weighted mean of the dimensions (docs/analysis.md), worked by hand
below for one response on tests.test_results_support.SMALL."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey_app.cases import operations as ops
from survey_app.cases.rules import add_rule
from survey_app.cases.triggers import process_triggers
from survey_app.models import Case, CaseAnswer, Survey
from tests.cases_support import complete_response
from tests.test_results_support import SMALL

# Q1=2 → 25, Q2=1 → 0 (process 12.5); Q3=4 reversed → 2 → 25, Q4=2 → 25 (outcome 25); Q5=1 → 0 (overall 0)
ANSWERS = {"Q1": 2, "Q2": 1, "Q3": 4, "Q4": 2, "Q5": 1, "Q6": 8}
CSI = 0.3 * 12.5 + 0.3 * 25 + 0.4 * 0  # 11.25
QUALITY = (12.5 + 25) / 2  # 18.75


@pytest.fixture
def scored(make_survey):
    return make_survey(SMALL.to_dict())


def _cases_for(app_ctx, scored, rules, answers=ANSWERS):
    with app_ctx() as session:
        survey = session.get(Survey, scored["survey_id"])
        for target, threshold in rules:
            add_rule(survey, kind="index_at_most", question_code=target, threshold=threshold)
        complete_response(scored["wave_id"], answers)
        process_triggers()
        return [(a.question_code, a.value) for a in session.scalars(select(CaseAnswer).order_by(CaseAnswer.id))]


def test_an_index_at_or_below_the_threshold_opens_a_case(app_ctx, scored):
    hits = _cases_for(app_ctx, scored, [("index:csi", 12), ("index:quality", 18), ("dimension:process", 12.5),
                                        ("dimension:outcome", 24)])
    assert hits == [("index:csi", f"{CSI:.1f}"), ("dimension:process", "12.5")]


def test_above_every_threshold_no_case_is_opened(app_ctx, scored):
    assert _cases_for(app_ctx, scored, [("index:csi", 11), ("dimension:process", 12)]) == []
    with app_ctx() as session:
        assert session.scalar(select(Case.id)) is None


def test_a_dont_know_answer_is_left_out_of_the_dimension(app_ctx, scored):
    """Q1 = 9 (모름): process is Q2 alone (0), so the index is 0.3·0 + 0.3·25 + 0.4·0 = 7.5."""
    hits = _cases_for(app_ctx, scored, [("index:csi", 7.5)], {**ANSWERS, "Q1": 9})
    assert hits == [("index:csi", "7.5")]


@pytest.mark.parametrize("target, threshold, reason", [
    ("index:csi", 150, "지수 척도(0~100점)"),
    ("index:csi", -1, "지수 척도(0~100점)"),
    ("index:csi", None, "지수 척도(0~100점)"),
    ("index:nope", 50, "종합 지수가 아닙니다"),
    ("Q1", 50, "종합 지수가 아닙니다"),
])
def test_a_threshold_off_the_index_scale_or_an_unknown_index_is_refused(app_ctx, scored, target, threshold, reason):
    with app_ctx() as session:
        survey = session.get(Survey, scored["survey_id"])
        with pytest.raises(ops.CaseError, match=re.escape(reason)):
            add_rule(survey, kind="index_at_most", question_code=target, threshold=threshold)


def test_the_rule_editor_offers_dimensions_and_indices(app_ctx, client, make_user, scored):
    from tests.designer_support import staff

    staff(make_user, app_ctx, client, role="designer")
    page = client.get(f"/manage/cases/rules/{scored['survey_id']}").get_data(as_text=True)
    assert 'value="index:csi"' in page and 'value="dimension:process"' in page
    answer = client.post(f"/manage/cases/rules/{scored['survey_id']}",
                         data={"kind": "index_at_most", "question_code": "index:csi", "threshold": "101",
                               "category": "complaint", "priority": "normal"})
    assert answer.status_code == 422 and "지수 척도(0~100점)" in answer.get_data(as_text=True)
