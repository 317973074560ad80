"""Survey case rules: each trigger kind opens a case through the job, a threshold off the scale is refused,
a survey without rules leaves no trigger, and the case finds its customer and office."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from questionnaires import Questionnaire
from survey_app.cases.operations import CaseError
from survey_app.cases.rules import add_rule, rule_problem
from survey_app.cases.triggers import process_triggers
from survey_app.models import Case, CaseAnswer, CaseTrigger, Customer, OrgLevel, Survey
from survey_app.privacy.contacts import add_contact
from tests.cases_support import DEFINITION, complete_response

QUESTIONNAIRE = Questionnaire.from_dict(DEFINITION)


@pytest.mark.parametrize("kind, code, extra, message", [
    ("score_at_most", "SAT", {"threshold": 6}, "척도(1~5점)"),
    ("score_at_most", "SAT", {"threshold": 0}, "척도(1~5점)"),
    ("score_at_most", "SAT", {"threshold": 2.5}, "정수"),
    ("score_at_most", "NPS", {"threshold": 11}, "척도(0~10점)"),
    ("score_at_most", "COMMENT", {"threshold": 2}, "점수로 답하는 문항이 아닙니다"),
    ("nps_detractor", "SAT", {}, "추천 의향(0~10점) 문항이 아닙니다"),
    ("choice_is", "RESOLVED", {"choice": "3"}, "'3' 보기가 없습니다"),
    ("choice_is", "NOPE", {"choice": "1"}, "NOPE 문항이 설문에 없습니다"),
    ("keyword", "SAT", {"keyword": "불친절"}, "서술형 문항이 아닙니다"),
    ("keyword", "COMMENT", {"keyword": "  "}, "낱말을 적어"),
])
def test_a_rule_that_cannot_work_is_refused_with_a_reason(kind, code, extra, message):
    assert message in rule_problem(QUESTIONNAIRE, kind, code, **extra)


@pytest.mark.parametrize("kind, code, extra", [
    ("score_at_most", "SAT", {"threshold": 1}), ("score_at_most", "SAT", {"threshold": 5}),
    ("score_at_most", "NPS", {"threshold": 0}), ("nps_detractor", "NPS", {}),
    ("choice_is", "RESOLVED", {"choice": "2"}), ("keyword", "COMMENT", {"keyword": "불친절"}),
])
def test_rules_on_the_scale_are_accepted(kind, code, extra):
    assert rule_problem(QUESTIONNAIRE, kind, code, **extra) is None


@pytest.fixture
def voc_survey(make_survey, make_org, app_ctx):
    """A survey with one rule of each kind; returns ids."""
    center = make_org(code="CENTER", name="우편고객센터", level=OrgLevel.CENTER)
    office = make_org(code="P-SOKCHO", name="속초우체국")
    ids = make_survey(DEFINITION)
    with app_ctx() as session:
        survey = session.get(Survey, ids["survey_id"])
        add_rule(survey, kind="nps_detractor", question_code="NPS", category="complaint", priority="high")
        add_rule(survey, kind="score_at_most", question_code="SAT", threshold=2, category="complaint")
        add_rule(survey, kind="choice_is", question_code="RESOLVED", choice="2", category="grievance")
        add_rule(survey, kind="choice_is", question_code="CONTACT", choice="1", category="request")
        add_rule(survey, kind="keyword", question_code="COMMENT", keyword="불친절", category="complaint")
    return {**ids, "center": center, "office": office}


def _run_job(app_ctx) -> list[Case]:
    with app_ctx() as session:
        process_triggers()
        return list(session.scalars(select(Case).order_by(Case.id)))


CONTENT = {"NPS": 9, "SAT": 5, "RESOLVED": "1", "CONTACT": "2", "COMMENT": "친절하게 안내해 주셔서 고맙습니다"}


@pytest.mark.parametrize("answers, reason", [
    ({"NPS": 6}, "추천 의향 6점 (0~6점)"),
    ({"NPS": 0}, "추천 의향 0점 (0~6점)"),
    ({"SAT": 2}, "SAT 2점 (기준 2점 이하)"),
    ({"RESOLVED": "2"}, "RESOLVED 보기 2"),
    ({"CONTACT": "1"}, "CONTACT 보기 1"),
    ({"COMMENT": "창구 직원이 불친절했습니다"}, "'불친절' 낱말"),
    ({"COMMENT": "너무 불친절한 응대"}, "'불친절' 낱말"),
    ({"COMMENT": "불친절"}, "'불친절' 낱말"),
])
def test_each_trigger_kind_opens_one_case_with_the_answer_attached(voc_survey, app_ctx, answers, reason):
    with app_ctx():
        complete_response(voc_survey["wave_id"], {**CONTENT, **answers})
    cases = _run_job(app_ctx)
    assert len(cases) == 1
    with app_ctx() as session:
        attached = list(session.scalars(select(CaseAnswer.reason).where(CaseAnswer.case_id == cases[0].id)))
    assert attached == [reason]


def test_a_content_customer_opens_no_case_and_the_trigger_is_done(voc_survey, app_ctx):
    with app_ctx():
        complete_response(voc_survey["wave_id"], {**CONTENT, "NPS": 7, "SAT": 3})
    assert _run_job(app_ctx) == []
    with app_ctx() as session:
        assert session.scalar(select(CaseTrigger.outcome)) == "no_rule"


def test_several_hits_make_one_case_with_the_highest_priority(voc_survey, app_ctx):
    with app_ctx():
        complete_response(voc_survey["wave_id"], {**CONTENT, "NPS": 3, "CONTACT": "1", "SAT": 1})
    [case] = _run_job(app_ctx)
    assert (case.priority, case.category, case.was_detractor) == ("high", "complaint", True)
    assert "추천 의향 3점" in case.summary and "CONTACT 보기 1" in case.summary


def test_a_survey_without_rules_leaves_no_trigger(make_survey, app_ctx):
    ids = make_survey(DEFINITION)
    with app_ctx() as session:
        complete_response(ids["wave_id"], {**CONTENT, "NPS": 0})
        assert session.scalar(select(func.count(CaseTrigger.id))) == 0


def test_a_switched_off_rule_no_longer_fires(voc_survey, app_ctx):
    from survey_app.cases.rules import remove_rule
    from survey_app.models import CaseRule
    with app_ctx() as session:
        for rule in session.scalars(select(CaseRule).where(CaseRule.survey_id == voc_survey["survey_id"])):
            remove_rule(rule)
        complete_response(voc_survey["wave_id"], {**CONTENT, "NPS": 0})
        assert session.scalar(select(func.count(CaseTrigger.id))) == 0


def test_the_case_belongs_to_the_contacts_customer_and_office(voc_survey, app_ctx):
    with app_ctx() as session:
        customer = Customer(external_id="C-1", region="강원")
        session.add(customer)
        session.flush()
        contact, _ = add_contact(name="김민수", phone="010-2345-6789", org_unit_id=voc_survey["office"])
        contact.customer_id = customer.id
        complete_response(voc_survey["wave_id"], {**CONTENT, "NPS": 2}, contact_id=contact.id)
        customer_id = customer.id
    [case] = _run_job(app_ctx)
    assert (case.customer_id, case.org_unit_id) == (customer_id, voc_survey["office"])
    with app_ctx() as session:
        assert [e.data["routed_by"] for e in session.get(Case, case.id).events] == ["office"]


def test_an_unrouted_case_lands_in_the_centers_queue(voc_survey, app_ctx):
    with app_ctx():
        complete_response(voc_survey["wave_id"], {**CONTENT, "NPS": 2})
    [case] = _run_job(app_ctx)
    assert case.org_unit_id == voc_survey["center"]


def test_add_rule_refuses_a_threshold_off_the_scale_and_adds_nothing(voc_survey, app_ctx):
    from survey_app.models import CaseRule
    with app_ctx() as session:
        survey = session.get(Survey, voc_survey["survey_id"])
        before = session.scalar(select(func.count(CaseRule.id)))
        with pytest.raises(CaseError, match="척도"):
            add_rule(survey, kind="score_at_most", question_code="SAT", threshold=7)
        assert session.scalar(select(func.count(CaseRule.id))) == before


def test_running_the_job_again_opens_nothing_more(voc_survey, app_ctx):
    with app_ctx():
        complete_response(voc_survey["wave_id"], {**CONTENT, "NPS": 1})
    assert len(_run_job(app_ctx)) == 1
    assert len(_run_job(app_ctx)) == 1


def test_routing_rules_by_category_and_region_from_the_cli(app_ctx, make_org, runner):
    from survey_app.cases.operations import open_case
    make_org(code="CENTER-R", name="우편고객센터", level=OrgLevel.CENTER)
    shop = make_org(code="T-SHOP", name="우체국쇼핑 고객지원팀", level=OrgLevel.TEAM)
    gangwon = make_org(code="R-GW-R", name="강원지방우정청", level=OrgLevel.REGIONAL)
    assert runner.invoke(args=["cases", "route", "--category", "request", "--unit", "T-SHOP"]).exit_code == 0
    assert runner.invoke(args=["cases", "route", "--region", "강원", "--unit", "R-GW-R"]).exit_code == 0
    refused = runner.invoke(args=["cases", "route", "--category", "nope", "--unit", "T-SHOP"])
    assert refused.exit_code != 0 and "분류는" in refused.output
    with app_ctx():
        assert open_case(source="call", category="request", summary="a").org_unit_id == shop
        assert open_case(source="call", category="complaint", summary="b", region="강원").org_unit_id == gangwon
        assert open_case(source="call", category="complaint", summary="c", region="부산").org_unit.code == "CENTER-R"


def test_a_time_bounded_batch_commits_what_it_did_and_leaves_the_rest_pending(voc_survey, app_ctx):
    """``max_seconds`` (the scheduler's job uses it): past the budget the batch stops after the current trigger;
    the others stay pending and the next batch makes their cases, each exactly once."""
    with app_ctx():
        responses = [complete_response(voc_survey["wave_id"], {**CONTENT, "NPS": n}) for n in (1, 2, 3)]
    with app_ctx() as session:
        first = process_triggers(max_seconds=0)
        pending = session.scalar(select(func.count()).where(CaseTrigger.processed_at.is_(None)))
    with app_ctx() as session:
        rest = process_triggers(max_seconds=0)["triggers"] + process_triggers(max_seconds=0)["triggers"]
        cases = session.scalars(select(Case.response_id).order_by(Case.id)).all()
    assert (first["triggers"], first["cases"], pending, rest) == (1, 1, 2, 2)
    assert cases == responses
