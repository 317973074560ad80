"""The routing rules page: rules listed in the order routing tries them, added, changed and deleted with
Korean reasons for bad input (nothing saved), audit logged, and limited to the units the member of staff
manages; a rule saved on the page routes the next case."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from survey_app.cases import operations as ops
from survey_app.models import AuditEvent, CaseRouting, OrgLevel
from tests.designer_support import staff


@pytest.fixture
def tree(make_org, make_user, app_ctx, client):
    """HQ → 우편고객센터, 강원청 → 속초, 부산청; a Gangwon rule manager signed in."""
    make_org(code="HQ-RT", name="본부", level=OrgLevel.HEADQUARTERS)
    center = make_org(code="CENTER-RT", name="우편고객센터", level=OrgLevel.CENTER, parent_code="HQ-RT")
    region = make_org(code="R-GW-RT", name="강원지방우정청", level=OrgLevel.REGIONAL, parent_code="HQ-RT")
    sokcho = make_org(code="P-SC-RT", name="속초우체국", parent_code="R-GW-RT")
    busan = make_org(code="R-BS-RT", name="부산지방우정청", level=OrgLevel.REGIONAL, parent_code="HQ-RT")
    staff(make_user, app_ctx, client, unit_id=region, username="routing_manager")
    return {"center": center, "region": region, "sokcho": sokcho, "busan": busan}


def _text(answer) -> str:
    return html.unescape(answer.get_data(as_text=True))


def _rules(app_ctx) -> list[tuple]:
    with app_ctx() as session:
        return [(r.category, r.region, r.org_unit_id, r.priority)
                for r in session.scalars(select(CaseRouting).order_by(CaseRouting.id))]


def _add(client, **fields):
    return client.post("/manage/cases/routing", data={"category": "", "region": "", "unit": "", "priority": "100",
                                                       **fields})


def test_adding_rules_routes_the_next_case_and_the_list_shows_the_order(client, app_ctx, tree):
    assert _add(client, category="complaint", unit=str(tree["sokcho"]), priority="50").status_code == 303
    assert _add(client, region="강원", unit=str(tree["region"])).status_code == 303
    assert _add(client, category="complaint", region="강원", unit=str(tree["sokcho"]), priority="200").status_code == 303
    assert _rules(app_ctx) == [("complaint", None, tree["sokcho"], 50), (None, "강원", tree["region"], 100),
                               ("complaint", "강원", tree["sokcho"], 200)]
    page = _text(client.get("/manage/cases/routing"))
    rows = page[page.index('id="routing-rules"'):]
    assert rows.index("200") < rows.index(">50<")  # category and region both set: tried first
    with app_ctx() as session:
        case = ops.open_case(source="call", category="suggestion", summary="건의", region="강원")
        assert case.org_unit_id == tree["region"]
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("case.routing%"))).all()
        assert actions == ["case.routing_add"] * 3


@pytest.mark.parametrize("fields, reason", [
    ({"unit": "UNIT"}, "분류나 지역 가운데 하나는"),
    ({"category": "nope", "unit": "UNIT"}, "알 수 없는 분류"),
    ({"category": "complaint"}, "부서를 골라"),
    ({"category": "complaint", "unit": "UNIT", "priority": "0"}, "1부터 9999"),
    ({"category": "complaint", "unit": "UNIT", "priority": "열"}, "1부터 9999"),
    ({"category": "complaint", "unit": "UNIT", "region": "가" * 65}, "64자"),
    ({"category": "complaint", "unit": "BUSAN"}, "권한이 없습니다"),
])
def test_bad_input_is_refused_in_korean_and_nothing_is_saved(client, app_ctx, tree, fields, reason):
    fields = {k: str(tree["sokcho"]) if v == "UNIT" else str(tree["busan"]) if v == "BUSAN" else v
              for k, v in fields.items()}
    answer = _add(client, **fields)
    assert answer.status_code == 422 and reason in _text(answer)
    if fields.get("region"):
        assert fields["region"] in _text(answer)  # what was typed is kept
    assert _rules(app_ctx) == []


def test_a_second_rule_for_the_same_category_and_region_is_refused(client, app_ctx, tree):
    assert _add(client, category="complaint", unit=str(tree["sokcho"])).status_code == 303
    answer = _add(client, category="complaint", unit=str(tree["region"]), priority="10")
    assert answer.status_code == 422 and "규칙이 이미 있습니다" in _text(answer)
    assert len(_rules(app_ctx)) == 1


def test_editing_and_deleting_a_rule_are_audited(client, app_ctx, tree):
    _add(client, category="complaint", unit=str(tree["sokcho"]))
    with app_ctx() as session:
        rule_id = session.scalar(select(CaseRouting.id))
    assert "규칙 고치기" in _text(client.get(f"/manage/cases/routing/{rule_id}"))
    refused = client.post(f"/manage/cases/routing/{rule_id}", data={"category": "", "region": "", "unit": str(tree["sokcho"]),
                                                                    "priority": "5"})
    assert refused.status_code == 422 and _rules(app_ctx) == [("complaint", None, tree["sokcho"], 100)]
    changed = client.post(f"/manage/cases/routing/{rule_id}", data={"category": "praise", "region": "강원",
                                                                    "unit": str(tree["region"]), "priority": "5"})
    assert changed.status_code == 303 and _rules(app_ctx) == [("praise", "강원", tree["region"], 5)]
    assert client.post(f"/manage/cases/routing/{rule_id}/delete").status_code == 303
    assert _rules(app_ctx) == []
    with app_ctx() as session:
        edit = session.scalar(select(AuditEvent).where(AuditEvent.action == "case.routing_edit"))
        assert edit.details["before"]["category"] == "complaint" and edit.details["after"]["priority"] == 5
        assert session.scalar(select(func.count()).where(AuditEvent.action == "case.routing_delete")) == 1


def test_rules_of_other_regions_are_neither_shown_nor_changed(client, app_ctx, tree):
    with app_ctx() as session:
        far = CaseRouting(category="complaint", org_unit_id=tree["busan"], priority=1)
        session.add(far)
        session.flush()
        far_id = far.id
    assert "부산지방우정청" not in _text(client.get("/manage/cases/routing"))
    assert client.get(f"/manage/cases/routing/{far_id}").status_code == 403
    assert client.post(f"/manage/cases/routing/{far_id}/delete").status_code == 403
    assert len(_rules(app_ctx)) == 1


def test_state_machine_and_routing_refusals_read_in_english_for_an_english_reader(app, app_ctx):
    from flask_babel import force_locale

    from survey_app.cases.routing_rules import add_routing

    with app_ctx(), app.test_request_context(), force_locale("en"):
        case = ops.open_case(source="call", category="complaint", summary="영문 확인")
        with pytest.raises(ops.CaseError, match="A case in 'Received' cannot be moved to 'Closed'"):
            ops.close(case, root_cause="damage", resolution="yes")
        with pytest.raises(ops.CaseError, match="Please set a category or a region"):
            add_routing(category=None, region=None, unit=None, priority=100)
