"""Customer segments as a results cut: respondents reach their customer through the invitation's contact and
take the RFM segment and churn-risk band of the newest usable run; the wave's results page and workbook show
satisfaction by segment with the same level-against-the-rest test as the office and channel cuts.

Reference: the levels' scores and differences are checked against a hand computation (numpy means of the
planted respondents' index scores, every respondent weight 1).
"""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.test_results_support import SMALL, add_response

PASSWORD = "Results2026pass"
HIGH = {"Q1": 5, "Q2": 5, "Q3": 1, "Q4": 5, "Q5": 5, "Q6": 10}  # 종합 지수 100 (Q3 reversed)
LOW = {"Q1": 2, "Q2": 2, "Q3": 4, "Q4": 2, "Q5": 2, "Q6": 3}  # 25
MID = {"Q1": 3, "Q2": 3, "Q3": 3, "Q4": 3, "Q5": 3, "Q6": 7}  # 50


def _respondent(session, wave, run_id: int, n: int, answers: dict, segment: str | None, risk: float = 0.1) -> None:
    from survey_app.models import ChurnScore, Contact, Customer, Invitation, new_token

    customer_id = None
    if segment is not None:
        customer = Customer(external_id=f"RS{n}", kind="person", is_stub=False)
        session.add(customer)
        session.flush()
        customer_id = customer.id
        session.add(ChurnScore(run_id=run_id, customer_id=customer.id, risk=risk, segment=segment,
                               reasons={"items": []}))
    contact = Contact(email_hash=f"{n:064d}", consent=True, customer_id=customer_id, attributes={})
    session.add(contact)
    session.flush()
    invitation = Invitation(wave_id=wave.id, contact_id=contact.id, token_hash=new_token()[1], channel="email",
                            hidden={})
    session.add(invitation)
    session.flush()
    add_response(session, wave, answers, invitation_id=invitation.id, hidden={"office_code": "P-A"})


def seed_segmented_wave(app_ctx, make_survey) -> int:
    """Six 핵심 고객 answering high, six 휴면 (high risk) answering low, two respondents of no customer."""
    from survey_app.models import ChurnRun, Wave

    ids = make_survey(SMALL.to_dict(), code="RESULTS-SEG")
    with app_ctx() as session:
        run = ChurnRun(cutoff=date(2026, 11, 1), method="logistic", horizon_days=180, status="ok")
        session.add(run)
        session.flush()
        wave = session.get(Wave, ids["wave_id"])
        for n in range(6):
            _respondent(session, wave, run.id, n, HIGH, "핵심 고객", risk=0.05)
            _respondent(session, wave, run.id, 10 + n, LOW, "휴면", risk=0.8)
        for n in range(2):
            _respondent(session, wave, run.id, 20 + n, MID, None)
    return ids["wave_id"]


def test_satisfaction_by_rfm_segment_and_risk_band_matches_a_hand_count(app_ctx, make_survey):
    from survey_app.models import Wave
    from survey_app.results.build import wave_result

    wave_id = seed_segmented_wave(app_ctx, make_survey)
    with app_ctx() as session:
        result = wave_result(session.get(Wave, wave_id))
    tables = {t.segment: t for t in result.segments}
    rfm = {row.name: row for row in tables["rfm_segment"].rows}
    assert tables["rfm_segment"].title == "고객 세분(RFM)"
    assert {name: row.n for name, row in rfm.items()} == {"핵심 고객": 6, "휴면": 6, "(미상)": 2}
    assert rfm["핵심 고객"].score.value == pytest.approx(100.0)
    assert rfm["휴면"].score.value == pytest.approx(25.0)
    assert rfm["핵심 고객"].difference == pytest.approx(100.0 - (6 * 25 + 2 * 50) / 8)
    # Six answers each: the test alone separates them, but a group under SMALL_N answers is shown, never judged.
    assert rfm["핵심 고객"].adjusted_pvalue < 0.05 and rfm["휴면"].adjusted_pvalue < 0.05
    assert not rfm["핵심 고객"].significant and rfm["핵심 고객"].direction == "" and not rfm["휴면"].significant
    risk = {row.name: row for row in tables["churn_risk"].rows}
    assert risk["높음(50% 이상)"].n == 6 and risk["높음(50% 이상)"].score.value == pytest.approx(25.0)
    assert risk["낮음(20% 미만)"].n == 6


def test_without_a_usable_run_there_is_no_customer_cut(app_ctx, make_survey):
    from sqlalchemy import update

    from survey_app.models import ChurnRun, Wave
    from survey_app.results.build import wave_result

    wave_id = seed_segmented_wave(app_ctx, make_survey)
    with app_ctx() as session:
        session.execute(update(ChurnRun).values(status="refused"))
        result = wave_result(session.get(Wave, wave_id))
    assert {t.segment for t in result.segments}.isdisjoint({"rfm_segment", "churn_risk"})


def test_the_results_page_and_workbook_show_the_customer_segment_cut(app_ctx, client, make_user, make_survey):
    from survey_app.accounts.operations import grant_role
    from survey_app.models import User

    wave_id = seed_segmented_wave(app_ctx, make_survey)
    user_id, _ = make_user("seg_analyst", PASSWORD)
    with app_ctx() as session:
        grant_role(session.get(User, user_id), "analyst", None)
    assert client.post("/manage/login", data={"username": "seg_analyst", "password": PASSWORD}).status_code == 302
    html = client.get(f"/manage/results/waves/{wave_id}").get_data(as_text=True)
    assert "고객 세분(RFM)" in html and '<th scope="row">핵심 고객</th>' in html and "높음(50% 이상)" in html
    if "result_exports.workbook" not in client.application.view_functions:
        pytest.skip("the workbook download is not installed")
    answer = client.get(f"/manage/results/waves/{wave_id}/workbook.xlsx", query_string={"purpose": "보고"})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    book = load_workbook(io.BytesIO(answer.data), read_only=True)
    cells = {str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c}
    assert "고객 세분(RFM)" in cells and "핵심 고객" in cells and "휴면" in cells
