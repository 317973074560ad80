"""Case pages: 내 업무, the queue and bulk assign, a case's actions with their refusals (forbidden move, an
assignee outside the case's scope, two staff closing at once), intake, the dashboard and the rule editor."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from survey_app.cases import operations as ops
from survey_app.models import Case, CaseRule, OrgLevel, User
from tests.cases_support import DEFINITION
from tests.designer_support import staff


@pytest.fixture
def world(make_org, make_user, app_ctx, client):
    """Gangwon region with two offices, another region; a handler signed in for Gangwon."""
    make_org(code="HQ-C", name="본부", level=OrgLevel.HEADQUARTERS)
    center = make_org(code="CENTER-C", name="우편고객센터", level=OrgLevel.CENTER, parent_code="HQ-C")
    region = make_org(code="R-GW-C", name="강원지방우정청", level=OrgLevel.REGIONAL, parent_code="HQ-C")
    sokcho = make_org(code="P-SC", name="속초우체국", parent_code="R-GW-C")
    busan = make_org(code="P-BS", name="부산우체국", parent_code="HQ-C")
    outsider = staff(make_user, app_ctx, client, unit_id=busan, login=False, username="busan_handler")
    colleague = staff(make_user, app_ctx, client, unit_id=region, login=False, username="gw_colleague")
    me = staff(make_user, app_ctx, client, unit_id=region, username="gw_handler")
    with app_ctx():
        case_id = ops.open_case(source="call", category="complaint", summary="소포가 파손되어 도착", org_unit_id=sokcho).id
        far_id = ops.open_case(source="call", category="complaint", summary="부산 건", org_unit_id=busan).id
    return {"center": center, "sokcho": sokcho, "busan": busan, "me": me, "colleague": colleague,
            "outsider": outsider, "case": case_id, "far": far_id}


def _text(answer) -> str:
    return html.unescape(answer.get_data(as_text=True))


def _post(client, case_id, action, version, **fields):
    data = {"action": action, f"{action}-version": str(version), **{f"{action}-{k}": v for k, v in fields.items()}}
    return client.post(f"/manage/cases/{case_id}/{action}", data=data)


def _case(app_ctx, case_id) -> Case:
    with app_ctx() as session:
        case = session.get(Case, case_id)
        session.expunge(case)
        return case


def test_the_whole_handling_from_the_queue_to_closing(world, client, app_ctx):
    page = _text(client.get("/manage/cases/queue"))
    assert "소포가 파손되어 도착" in page and "부산 건" not in page  # the other region's case is out of sight
    answer = client.post("/manage/cases/queue/assign", data={"cases": [str(world["case"])], "assignee": str(world["me"])})
    assert answer.status_code == 302
    assert _case(app_ctx, world["case"]).assignee_id == world["me"]
    assert "소포가 파손되어 도착" in _text(client.get("/manage/cases/"))  # 내 업무
    v = _case(app_ctx, world["case"]).version
    assert _post(client, world["case"], "start", v).status_code == 303
    assert _post(client, world["case"], "answer", v + 1, note="파손 보상 절차를 전화로 안내했습니다.").status_code == 303
    assert _post(client, world["case"], "close", v + 2, root_cause="damage", resolution="partly").status_code == 303
    case = _case(app_ctx, world["case"])
    assert (case.status, case.root_cause, case.resolution) == ("closed", "damage", "partly")
    assert case.first_contact_at is not None
    timeline = _text(client.get(f"/manage/cases/{world['case']}"))
    assert "파손 보상 절차를 전화로 안내했습니다." in timeline and "종결" in timeline


def test_a_forbidden_move_is_refused_with_a_reason_and_changes_nothing(world, client, app_ctx):
    v = _case(app_ctx, world["case"]).version
    answer = _post(client, world["case"], "close", v, root_cause="damage", resolution="yes")
    assert answer.status_code == 422
    assert "'접수' 상태에서 '종결' 상태로 바꿀 수 없습니다." in _text(answer)
    assert _case(app_ctx, world["case"]).status == "received"


def test_closing_without_a_root_cause_keeps_what_was_typed(world, client, app_ctx):
    with app_ctx() as session:
        case = session.get(Case, world["case"])
        ops.assign(case, session.get(User, world["me"]))
        ops.start(case)
        ops.answer(case, "안내함")
        v = case.version
    answer = _post(client, world["case"], "close", v, root_cause="", resolution="yes", note="고객이 보상에 동의함")
    page = _text(answer)
    assert answer.status_code == 422 and "원인 분류를 골라 주십시오" in page and "고객이 보상에 동의함" in page


def test_assigning_outside_the_assignees_scope_is_refused(world, client, app_ctx):
    v = _case(app_ctx, world["case"]).version
    answer = _post(client, world["case"], "assign", v, assignee=str(world["outsider"]))
    assert answer.status_code == 422
    assert "처리할 권한이 없어 배정할 수 없습니다" in _text(answer)
    assert _case(app_ctx, world["case"]).assignee_id is None


def test_a_case_outside_my_scope_is_not_mine_to_see_or_change(world, client):
    assert client.get(f"/manage/cases/{world['far']}").status_code == 403
    assert _post(client, world["far"], "assign", 1, assignee=str(world["me"])).status_code == 403


def test_two_staff_closing_at_once_the_second_is_told(world, client, app_ctx):
    with app_ctx() as session:
        case = session.get(Case, world["case"])
        ops.assign(case, session.get(User, world["me"]))
        ops.start(case)
        ops.answer(case, "안내함")
        seen = case.version
    assert _post(client, world["case"], "close", seen, root_cause="damage", resolution="yes").status_code == 303
    second = _post(client, world["case"], "close", seen, root_cause="process", resolution="no")
    assert second.status_code == 409
    assert "다른 직원이 방금 이 사건을 바꾸었습니다" in _text(second)
    assert _case(app_ctx, world["case"]).root_cause == "damage"


def test_transfer_moves_the_case_to_another_queue_and_logs_it(world, client, app_ctx):
    v = _case(app_ctx, world["case"]).version
    answer = _post(client, world["case"], "transfer", v, unit=str(world["sokcho"]), note="")
    assert answer.status_code == 422 and "이미 그 부서의 사건입니다" in _text(answer)
    with app_ctx() as session:
        from survey_app.models import OrgUnit
        ops.transfer(session.get(Case, world["case"]), session.get(OrgUnit, world["center"]), "센터 처리 대상")
    case = _case(app_ctx, world["case"])
    assert (case.org_unit_id, case.status) == (world["center"], "received")
    assert client.get(f"/manage/cases/{world['case']}").status_code == 403  # now outside the handler's region


def test_intake_opens_a_case_with_its_legal_deadline(world, client, app_ctx):
    answer = client.post("/manage/cases/new", data={"source": "counter", "category": "suggestion", "priority": "normal",
                                                    "summary": "창구 대기 번호표 기계 고장", "org_unit": str(world["sokcho"])})
    assert answer.status_code == 303
    with app_ctx() as session:
        case = session.scalar(select(Case).where(Case.summary == "창구 대기 번호표 기계 고장"))
        assert (case.source, case.org_unit_id) == ("counter", world["sokcho"])
        from survey_app.cases.calendar import add_business_days
        assert case.due_on == add_business_days(case.received_on, 14)


def test_intake_refuses_a_missing_summary_and_keeps_the_rest(world, client):
    answer = client.post("/manage/cases/new", data={"source": "call", "category": "complaint", "summary": "",
                                                    "detail": "배송 조회가 되지 않는다는 전화"})
    page = _text(answer)
    assert answer.status_code == 422 and "내용 요약을 적어 주십시오" in page and "배송 조회가 되지 않는다는 전화" in page


def test_dashboard_counts_the_units_cases(world, client):
    page = _text(client.get(f"/manage/cases/dashboard?unit={world['sokcho']}"))
    assert '<td id="fig-backlog">1</td>' in page


def test_rule_editor_adds_a_rule_and_refuses_a_threshold_off_the_scale(world, client, app_ctx, make_survey, make_user):
    ids = make_survey(DEFINITION)
    url = f"/manage/cases/rules/{ids['survey_id']}"
    rule = {"kind": "score_at_most", "question_code": "SAT", "threshold": "9", "category": "complaint",
            "priority": "normal"}
    assert client.post(url, data=rule).status_code == 403  # a nationwide survey needs an organisation-wide grant
    staff(make_user, app_ctx, client, username="hq_designer")
    bad = client.post(url, data=rule)
    assert bad.status_code == 422 and "척도(1~5점) 안의 정수" in _text(bad)
    assert client.post(url, data={**rule, "threshold": "2"}).status_code == 303
    assert client.post(url, data={"kind": "keyword", "question_code": "COMMENT", "keyword": "불친절",
                                  "category": "complaint", "priority": "high"}).status_code == 303
    with app_ctx() as session:
        saved = session.scalars(select(CaseRule).where(CaseRule.survey_id == ids["survey_id"])).all()
        assert sorted((r.kind, r.threshold, r.keyword) for r in saved) == [
            ("keyword", None, "불친절"), ("score_at_most", 2.0, None)]
    assert "불친절" in _text(client.get(url))
