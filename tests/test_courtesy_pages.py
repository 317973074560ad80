"""Courtesy evaluations in the web tier: an evaluator finds the office and staff member, picks the
channel and time, fills the checklist, submits; supervisors see stage scores, totals and shared ranks
per office and staff member, and each evaluation. Expected scores are worked out by hand from the
bundled checklist's points and its rule 배점 × (등급 − 1) / 4."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.models import Answer, OrgLevel, Response, ResponseStatus, StaffMember
from tests.designer_support import COURTESY, staff

COUNTER_ITEMS = {"C1_1": 15, "C1_2": 10, "C2_1": 10, "C2_2": 10, "C2_3": 15, "C2_4": 10, "C3_1": 10, "C3_2": 10, "C4": 10}


@pytest.fixture
def org(make_org, app_ctx):
    ids = {"HQ": make_org("HQ-C", "본부", OrgLevel.HEADQUARTERS)}
    ids["R"] = make_org("R-C", "서울청", OrgLevel.REGIONAL, "HQ-C")
    ids["A"] = make_org("P-A", "광화문우체국", OrgLevel.OFFICE, "R-C")
    ids["B"] = make_org("P-B", "종로우체국", OrgLevel.OFFICE, "R-C")
    with app_ctx() as session:
        for no, name, unit in (("E1", "김친절", "A"), ("E2", "이상냥", "A"), ("E3", "박성실", "B")):
            session.add(StaffMember(employee_no=no, name=name, org_unit_id=ids[unit]))
        session.flush()
        ids["staff"] = {s.employee_no: s.id for s in session.scalars(select(StaffMember))}
    return ids


@pytest.fixture
def wave(make_survey):
    return make_survey(COURTESY, kind="staff_courtesy", title="친절도 조사")


def _levels(level_of) -> dict:
    return {f"a_{code}": str(level_of(code)) for code in COUNTER_ITEMS}


def _evaluate(client, wave, unit_id, staff_id, levels, note="밝게 인사함"):
    answer = client.post(f"/manage/courtesy/waves/{wave['wave_id']}/new", data={
        "org_unit": str(unit_id), "staff": str(staff_id or ""), "channel": "counter", "visited_at": "2026-01-15T10:30"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[-1500:]
    url = answer.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "C1_1" in page and "P1_1" not in page  # the counter checklist only
    done = client.post(url, data={**levels, "a_C5": note, "a_E4": "3", "move": "next"})
    assert done.status_code == 302, done.get_data(as_text=True).split("error-summary-title")[-1][:1500]
    return int(url.rstrip("/").split("/")[-1])


def test_evaluator_finds_subject_fills_checklist_and_submits(client, make_user, app_ctx, org, wave):
    evaluator = staff(make_user, app_ctx, client, role="evaluator", unit_id=org["R"])
    found = client.get(f"/manage/courtesy/waves/{wave['wave_id']}/new?q=김친절").get_data(as_text=True)
    assert "광화문우체국" in found and "종로우체국" not in found
    chosen = client.get(f"/manage/courtesy/waves/{wave['wave_id']}/new?q=P-A&org_unit={org['A']}").get_data(as_text=True)
    assert "이상냥 (E2)" in chosen
    rid = _evaluate(client, wave, org["A"], org["staff"]["E1"], _levels(lambda c: 5))
    with app_ctx() as session:
        response = session.get(Response, rid)
        assert response.status == ResponseStatus.COMPLETE and response.evaluator_id == evaluator
        assert response.subject_staff_id == org["staff"]["E1"] and response.channel == "counter"
        answers = {a.question_code: a for a in session.scalars(select(Answer).where(Answer.response_id == rid))}
    assert answers["E1"].value_num == 1 and answers["E2"].value_text == "2026-01-15"
    assert answers["C5"].value_text == "밝게 인사함" and answers["office_code"].value_text == "P-A"
    mine = client.get("/manage/courtesy/").get_data(as_text=True).split("내가 한 평가")[1]
    assert "26. 1. 15. 오전 10:30" in mine  # the visit time entered, not when the form was filled in


def test_setup_and_checklist_refuse_bad_input_keeping_it(client, make_user, app_ctx, org, wave):
    staff(make_user, app_ctx, client, role="evaluator", unit_id=org["R"])
    url = f"/manage/courtesy/waves/{wave['wave_id']}/new"
    answer = client.post(url, data={"org_unit": str(org["A"]), "visited_at": "2026-01-15T10:30"})
    assert answer.status_code == 422 and "창구 방문인지 전화인지" in answer.get_data(as_text=True)
    answer = client.post(url, data={"org_unit": str(org["A"]), "channel": "phone", "visited_at": "2999-01-01T10:00"})
    assert answer.status_code == 422 and "앞으로의 시각" in answer.get_data(as_text=True), answer.get_data(as_text=True).split("<main")[1][:1500]
    answer = client.post(url, data={"org_unit": "999999", "channel": "phone", "visited_at": "2026-01-15T10:00"})
    assert answer.status_code == 422
    answer = client.post(url, data={"org_unit": str(org["A"]), "channel": "counter", "visited_at": "2026-01-15T10:30"})
    partial = {**_levels(lambda c: 4), "a_C5": "의견을 남깁니다"}
    del partial["a_C2_3"]
    kept = client.post(answer.headers["Location"], data=partial)
    page = kept.get_data(as_text=True)
    assert kept.status_code == 422 and "이 문항에 답해 주십시오" in page and "의견을 남깁니다" in page


def test_supervisor_sees_stage_scores_totals_ranks_and_drilldown(client, make_user, app_ctx, app, org, wave):
    staff(make_user, app_ctx, client, role="evaluator", unit_id=org["R"])
    # Office A: all 탁월 (100 points) and all 보통 (each item earns half: 50 points); office B: all 우수 (75).
    first = _evaluate(client, wave, org["A"], org["staff"]["E1"], _levels(lambda c: 5))
    _evaluate(client, wave, org["A"], org["staff"]["E2"], _levels(lambda c: 3))
    # Greeting stage 부진 (0 of 25), everything else 탁월 (75 of 75): 75 points, greeting 0 %.
    _evaluate(client, wave, org["B"], org["staff"]["E3"], _levels(lambda c: 1 if c.startswith("C1") else 5))
    supervisor = app.test_client()
    staff(make_user, app_ctx, supervisor, role="analyst", unit_id=org["R"])
    with app.app_context():
        app.config["COURTESY_MIN_EVALUATIONS"] = 1
    try:
        page = supervisor.get(f"/manage/courtesy/waves/{wave['wave_id']}/results").get_data(as_text=True)
    finally:
        app.config["COURTESY_MIN_EVALUATIONS"] = 3
    offices = page.split('id="offices-counter"')[1].split("</table>")[0]
    rows = [r for r in offices.split("<tbody>")[1].split("<tr") if "우체국" in r]
    assert "광화문우체국" in rows[0] and "75.0" in rows[0] and "종로우체국" in rows[1] and "75.0" in rows[1]
    # Two offices whose intervals overlap: neither is ahead, both may be first or second.
    assert rows[0].count("<td>1~2위</td>") == 1 and rows[1].count("<td>1~2위</td>") == 1
    assert "5점 차이를 순위로 가르려면 대상마다 평가가 약" in page
    # A's two evaluations (100 and 50): 75 ± t(1 df) 12.71 × 25 = -242.7 to 392.7, shown within the scale.
    assert '<td class="num">0.0 ~ 100.0</td>' in rows[0]
    staff_table = page.split('id="staff-counter"')[1].split("</table>")[0]
    assert staff_table.index("김친절") < staff_table.index("박성실") < staff_table.index("이상냥")
    assert ">100.0<" in staff_table and ">50.0<" in staff_table and ">0.0<" in staff_table
    detail = supervisor.get(f"/manage/courtesy/evaluations/{first}/view").get_data(as_text=True)
    assert "100.0" in detail and "김친절" in detail and "밝게 인사함" in detail


def test_ranks_wait_for_the_minimum_number_of_evaluations(client, make_user, app_ctx, app, org, wave):
    staff(make_user, app_ctx, client, role="evaluator", unit_id=org["R"])
    _evaluate(client, wave, org["A"], None, _levels(lambda c: 4))
    page = client.get(f"/manage/courtesy/waves/{wave['wave_id']}/results")
    assert page.status_code == 403  # evaluators do not read results
    supervisor = app.test_client()
    staff(make_user, app_ctx, supervisor, role="executive", unit_id=org["R"])
    text = supervisor.get(f"/manage/courtesy/waves/{wave['wave_id']}/results").get_data(as_text=True)
    assert "순위 없음" in text and "평가 3건 미만" in text


def test_evaluators_only_reach_units_in_their_scope(client, make_user, app_ctx, org, wave, make_org):
    other = make_org("P-X", "부산우체국", OrgLevel.OFFICE)
    staff(make_user, app_ctx, client, role="evaluator", unit_id=org["R"])
    page = client.get(f"/manage/courtesy/waves/{wave['wave_id']}/new?q=우체국").get_data(as_text=True)
    assert "광화문우체국" in page and "부산우체국" not in page
    answer = client.post(f"/manage/courtesy/waves/{wave['wave_id']}/new", data={
        "org_unit": str(other), "channel": "counter", "visited_at": "2026-01-15T10:30"})
    assert answer.status_code == 422
