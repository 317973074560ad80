"""Shared set-up for the results tests (no tests here): a small scored questionnaire and stored responses."""
from __future__ import annotations

from datetime import timedelta

from questionnaires import load_yaml

SMALL_YAML = """
code: RESULTS_SMALL
version: 1
kind: customer_satisfaction
title: {ko: 결과 시험 설문, en: Results test survey}
hidden:
  - {code: office_code, type: hidden}
  - {code: channel, type: hidden}
scales:
  agree5:
    points: 5
    labels: [{value: 1, label: {ko: 전혀 아니다}}, {value: 5, label: {ko: 매우 그렇다}}]
    na: {value: 9, label: {ko: 모름/해당없음}}
choice_lists:
  age_band:
    - {value: 1, label: {ko: 30대 이하}}
    - {value: 2, label: {ko: 40대 이상}}
sections:
  - code: S1
    title: {ko: 평가}
    questions:
      - {code: Q1, type: likert, text: {ko: 친절}, scale: agree5, scoring: {dimension: process}}
      - {code: Q2, type: likert, text: {ko: 신속}, scale: agree5, scoring: {dimension: process}}
      - {code: Q3, type: likert, text: {ko: 번거로움}, scale: agree5, scoring: {dimension: outcome, reverse: true}}
      - {code: Q4, type: likert, text: {ko: 정확}, scale: agree5, scoring: {dimension: outcome}}
      - {code: Q5, type: likert, text: {ko: 전반 만족}, scale: agree5, scoring: {dimension: overall, kpi: overall}}
      - {code: Q6, type: nps, text: {ko: 추천}, scoring: {kpi: nps}}
      - {code: Q7, type: single_choice, text: {ko: 연령}, choices: age_band}
      - {code: Q8, type: long_text, text: {ko: 의견}, required: false}
scoring:
  dimensions:
    - {code: process, name: {ko: 과정품질, en: Process}}
    - {code: outcome, name: {ko: 결과품질, en: Outcome}}
    - {code: overall, name: {ko: 전반 만족, en: Overall}}
  indices:
    - code: quality
      name: {ko: 품질 지수, en: Quality index}
      weights: {process: 0.5, outcome: 0.5}
    - code: csi
      name: {ko: 종합 지수, en: Satisfaction index}
      weights: {process: 0.3, outcome: 0.3, overall: 0.4}
"""
SMALL = load_yaml(SMALL_YAML)
CODES = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7")


def add_response(session, wave, answers: dict, *, status: str = "complete", hidden: dict | None = None,
                 weight: float | None = None, **fields):
    """A stored response with numeric (choice) answers, as the respondent pages store them."""
    from survey_app.models import Answer, Response, utcnow

    start = utcnow() - timedelta(minutes=5)
    response = Response(wave_id=wave.id, version_id=wave.version_id, status=status, started_at=start,
                        finished_at=utcnow() if status == "complete" else None, hidden=hidden or {},
                        weight=weight, **fields)
    session.add(response)
    session.flush()
    for code, value in answers.items():
        if isinstance(value, str):
            session.add(Answer(response_id=response.id, question_code=code, value_text=value))
        elif value is not None:
            session.add(Answer(response_id=response.id, question_code=code, value_num=float(value),
                               choice=str(value)))
    session.flush()
    return response


def add_invitations(session, wave, count: int, hidden: dict | None = None) -> list[int]:
    """``count`` personal invitations to the wave; their ids."""
    from survey_app.models import Invitation, new_token

    invitations = [Invitation(wave_id=wave.id, token_hash=new_token()[1], hidden=hidden or {}) for _ in range(count)]
    session.add_all(invitations)
    session.flush()
    return [invitation.id for invitation in invitations]


#: Answers of the hand-checkable wave (Q1..Q7); 9 is 모름/해당없음.
HAND_ROWS = [
    ({"Q1": 5, "Q2": 4, "Q3": 1, "Q4": 5, "Q5": 5, "Q6": 10, "Q7": 1, "Q8": "좋아요"}, "P-A", "sms"),
    ({"Q1": 3, "Q2": 9, "Q3": 2, "Q4": 4, "Q5": 4, "Q6": 9, "Q7": 2}, "P-A", "email"),
    ({"Q1": 4, "Q2": 2, "Q3": 9, "Q4": 3, "Q5": 3, "Q6": 6, "Q7": 1}, "P-B", "sms"),
    ({"Q1": 2, "Q2": 3, "Q3": 4, "Q4": 2, "Q5": 2, "Q6": 3}, "P-B", "email"),
]


def seed_hand_wave(app_ctx, make_survey, make_org, *, with_partial: bool = True) -> dict:
    """The small survey with six invitations, four of them answered completely (offices P-A, P-B) and
    one partly."""
    from survey_app.models import OrgLevel, Wave

    ids = make_survey(SMALL.to_dict(), code="RESULTS-SMALL")
    region = make_org("R-RES", "결과지방우정청", OrgLevel.REGIONAL)
    units = {"R-RES": region, "P-A": make_org("P-A", "가우체국", OrgLevel.OFFICE, "R-RES"),
             "P-B": make_org("P-B", "나우체국", OrgLevel.OFFICE, "R-RES")}
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        invitations = add_invitations(session, wave, 6)
        ids["response_ids"] = [add_response(session, wave, answers, hidden={"office_code": office, "channel": ch},
                                            invitation_id=invitation).id
                               for (answers, office, ch), invitation in zip(HAND_ROWS, invitations, strict=False)]  # 2 unanswered
        if with_partial:
            add_response(session, wave, {"Q1": 1, "Q2": 1}, status="partial", hidden={"office_code": "P-A"},
                         invitation_id=invitations[4])
    ids["units"] = units
    return ids
