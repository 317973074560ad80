"""The case job writes a whole batch of triggers at once: every case routed as a single case would be (office,
category rule, region rule, the center's queue), numbered uniquely, with its first timeline line, its audit row
and its triggering answers — and a trigger with no rule hit leaves nothing but its outcome."""
from __future__ import annotations

from sqlalchemy import func, select

from survey_app.cases.rules import add_rule
from survey_app.cases.triggers import process_triggers
from survey_app.models import (
    AuditEvent,
    Case,
    CaseAnswer,
    CaseEvent,
    CaseRouting,
    CaseTrigger,
    Customer,
    OrgLevel,
    Survey,
)
from survey_app.privacy.contacts import add_contact
from tests.cases_support import DEFINITION, complete_response

CONTENT = {"NPS": 9, "SAT": 5, "RESOLVED": "1", "CONTACT": "2", "COMMENT": "친절하게 안내해 주셔서 고맙습니다"}


def _world(make_org, make_survey, app_ctx) -> dict:
    """Units, a survey with an NPS rule (불만), a contact-wish rule (요청) and a keyword rule no answer here matches
    (so every response leaves a trigger: a keyword needs the job's word stems), and two routing rules."""
    units = {"center": make_org(code="CENTER-B", name="우편고객센터", level=OrgLevel.CENTER),
             "office": make_org(code="P-SOKCHO-B", name="속초우체국"),
             "shop": make_org(code="T-SHOP-B", name="우체국쇼핑 고객지원팀", level=OrgLevel.TEAM),
             "gangwon": make_org(code="R-GW-B", name="강원지방우정청", level=OrgLevel.REGIONAL)}
    ids = make_survey(DEFINITION)
    with app_ctx() as session:
        survey = session.get(Survey, ids["survey_id"])
        add_rule(survey, kind="nps_detractor", question_code="NPS", category="complaint", priority="high")
        add_rule(survey, kind="choice_is", question_code="CONTACT", choice="1", category="request")
        add_rule(survey, kind="keyword", question_code="COMMENT", keyword="불친절")
        session.add_all([CaseRouting(category="request", org_unit_id=units["shop"], priority=10),
                         CaseRouting(region="강원", org_unit_id=units["gangwon"], priority=20)])
    return {**ids, **units}


def _responses(world, app_ctx) -> dict[str, list[int]]:
    """Two responses of each routing kind and two content ones, interleaved in one batch."""
    made: dict[str, list[int]] = {}
    with app_ctx() as session:
        customer = Customer(external_id="C-BATCH", region="강원")
        session.add(customer)
        session.flush()
        for n in range(2):
            made.setdefault("office", []).append(complete_response(
                world["wave_id"], {**CONTENT, "NPS": 2 + n}, hidden={"office_code": "P-SOKCHO-B"}))
            made.setdefault("category", []).append(complete_response(world["wave_id"], {**CONTENT, "CONTACT": "1"}))
            contact, _ = add_contact(name=f"김민수{n}", phone=f"010-2345-678{n}")
            contact.customer_id = customer.id
            made.setdefault("region", []).append(complete_response(
                world["wave_id"], {**CONTENT, "NPS": 4}, contact_id=contact.id))
            made.setdefault("center", []).append(complete_response(world["wave_id"], {**CONTENT, "NPS": 0 + n}))
            made.setdefault("content", []).append(complete_response(world["wave_id"], CONTENT))
    return made


def test_a_batch_of_triggers_with_mixed_routing_makes_exactly_the_expected_cases(make_org, make_survey, app_ctx):
    world = _world(make_org, make_survey, app_ctx)
    made = _responses(world, app_ctx)
    with app_ctx():
        counts = process_triggers()
    assert counts == {"triggers": 10, "cases": 8, "followups": 0}

    expected = {"office": (world["office"], "office", "complaint"), "category": (world["shop"], "rule", "request"),
                "region": (world["gangwon"], "rule", "complaint"), "center": (world["center"], "center", "complaint")}
    with app_ctx() as session:
        cases = {case.response_id: case for case in session.scalars(select(Case))}
        assert set(cases) == {r for kind in expected for r in made[kind]}
        for kind, (unit, routed_by, category) in expected.items():
            for response_id in made[kind]:
                case = cases[response_id]
                assert (case.org_unit_id, case.category, case.status) == (unit, category, "received"), kind
                [event] = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))
                assert (event.kind, event.to_status, event.data) == (
                    "created", "received", {"source": "response", "routed_by": routed_by})
        numbers = [case.number for case in cases.values()]
        assert len(set(numbers)) == 8
        assert all(case.number == f"VOC-{case.received_on.year}-{case.id:06d}" for case in cases.values())
        assert all(case.due_on > case.received_on and case.trigger_id is not None for case in cases.values())

        audits = session.execute(select(AuditEvent.object_id, AuditEvent.details)
                                 .where(AuditEvent.action == "case.open")).all()
        assert sorted((int(oid), details["unit"]) for oid, details in audits) == sorted(
            (case.id, case.org_unit_id) for case in cases.values())
        reasons = dict(session.execute(select(Case.response_id, CaseAnswer.reason).join(CaseAnswer)).all())
        assert reasons[made["category"][0]] == "CONTACT 보기 1"
        assert reasons[made["office"][0]].startswith("추천 의향 2점")
        outcomes = dict(session.execute(select(CaseTrigger.response_id, CaseTrigger.outcome)
                                        .where(CaseTrigger.processed_at.is_not(None))).all())
        assert outcomes == {**{r: "case" for r in cases}, **{r: "no_rule" for r in made["content"]}}


def test_a_second_batch_continues_the_numbers_and_adds_no_case_for_a_done_trigger(make_org, make_survey, app_ctx):
    world = _world(make_org, make_survey, app_ctx)
    with app_ctx():
        first = complete_response(world["wave_id"], {**CONTENT, "NPS": 1})
        process_triggers()
        second = complete_response(world["wave_id"], {**CONTENT, "NPS": 2})
        assert process_triggers() == {"triggers": 1, "cases": 1, "followups": 0}
        assert process_triggers()["triggers"] == 0
    with app_ctx() as session:
        rows = session.execute(select(Case.response_id, Case.id, Case.number).order_by(Case.id)).all()
        assert [r.response_id for r in rows] == [first, second]
        assert rows[1].id > rows[0].id and rows[0].number != rows[1].number
        assert session.scalar(select(func.count(CaseEvent.id))) == 2
