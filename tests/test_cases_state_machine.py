"""The case state machine under any sequence of allowed and forbidden actions (hypothesis stateful).

The expected moves are written out here, apart from the model's table: 접수 → 배정 → 처리 중 → 답변 완료 →
종결, 재개 back to work, 이관 from any open status back to 접수 in another unit. After every step: a refused
action changed nothing; a closed case has its root cause, 해결 여부 and closing time; a case being worked has
an assignee whose scope covers its unit; the timeline's last status is the case's status; the version grew by
exactly one per accepted change; a stale version is refused.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from survey_app.accounts.operations import grant_role
from survey_app.cases import operations as ops
from survey_app.database import db
from survey_app.models import Case, CaseEvent, OrgLevel, OrgUnit, Role, User

ALLOWED = {("received", "assigned"), ("assigned", "assigned"), ("assigned", "in_progress"),
           ("in_progress", "answered"), ("answered", "closed"), ("answered", "in_progress"),
           ("closed", "reopened"), ("reopened", "assigned"), ("reopened", "in_progress")}
WORKED = {"assigned", "in_progress", "answered"}


@pytest.fixture
def people(app_ctx, make_org, make_user):
    """Two offices, a handler for each, and an organisation-wide handler."""
    region = make_org(code="R-GW", name="강원지방우정청", level=OrgLevel.REGIONAL)
    office_a = make_org(code="P-A", name="속초우체국", parent_code="R-GW")
    office_b = make_org(code="P-B", name="강릉우체국", parent_code="R-GW")
    users = {}
    for name, unit in (("handler_a", office_a), ("handler_b", office_b), ("handler_all", None)):
        user_id, _ = make_user(username=name)
        with app_ctx() as session:
            grant_role(session.get(User, user_id), Role.DESIGNER, unit)
        users[name] = user_id
    return {"units": [office_a, office_b], "region": region, "users": users}


class CaseMachine(RuleBasedStateMachine):
    """One case, poked at by staff."""

    def __init__(self, people):
        super().__init__()
        self.people = people
        self.case = ops.open_case(source="call", category="complaint", summary="소포 파손 문의",
                                  org_unit_id=people["units"][0])
        self.expected_version = self.case.version

    def _try(self, action, target: str | None) -> None:
        before = (self.case.status, self.case.assignee_id, self.case.org_unit_id, self.case.version,
                  len(self.case.events))
        allowed = target is None or (self.case.status, target) in ALLOWED
        try:
            action()
        except ops.CaseError:
            assert (self.case.status, self.case.assignee_id, self.case.org_unit_id, self.case.version,
                    len(self.case.events)) == before
            return
        assert allowed, f"{before[0]} → {target} should have been refused"
        self.expected_version += 1

    @rule(who=st.sampled_from(["handler_a", "handler_b", "handler_all"]))
    def assign(self, who):
        user = db.session.get(User, self.people["users"][who])
        in_scope = who == "handler_all" or (who == "handler_a") == (self.case.org_unit_id == self.people["units"][0])
        again = self.case.assignee_id == user.id and self.case.status == "assigned"
        before = self.case.status
        self._try(lambda: ops.assign(self.case, user), "assigned" if in_scope and not again else "refused")
        if not in_scope:
            assert self.case.status == before

    @rule()
    def start(self):
        self._try(lambda: ops.start(self.case), "in_progress")

    @rule(note=st.sampled_from(["", "전화로 파손 보상 절차를 안내했습니다."]))
    def answer(self, note):
        self._try(lambda: ops.answer(self.case, note), "answered" if note else "refused")

    @rule(cause=st.sampled_from(["damage", "no_such_cause"]), resolution=st.sampled_from(["yes", "partly", "maybe"]))
    def close(self, cause, resolution):
        valid = cause == "damage" and resolution != "maybe"
        self._try(lambda: ops.close(self.case, root_cause=cause, resolution=resolution), "closed" if valid else "refused")

    @rule(reason=st.sampled_from(["", "고객이 다시 연락했습니다."]))
    def reopen(self, reason):
        self._try(lambda: ops.reopen(self.case, reason), "reopened" if reason else "refused")

    @rule(to=st.integers(0, 1))
    def transfer(self, to):
        unit = db.session.get(OrgUnit, self.people["units"][to])
        before, before_unit = self.case.status, self.case.org_unit_id
        self._try(lambda: ops.transfer(self.case, unit, "관할 우체국으로 이관"), None)
        if self.case.status == "received" and before != "received" or self.case.org_unit_id != before_unit:
            assert before != "closed"  # a closed case is never moved (one already in the unit is not moved at all)

    @rule()
    def stale_close(self):
        with pytest.raises(ops.CaseConflict):
            ops.close(self.case, root_cause="damage", resolution="yes", expected_version=self.case.version - 1)

    @invariant()
    def consistent(self):
        case = self.case
        assert case.version == self.expected_version
        if case.status == "closed":
            assert case.root_cause and case.resolution and case.closed_at is not None
        else:
            assert case.closed_at is None
        if case.status in WORKED:
            assignee = db.session.get(User, case.assignee_id)
            assert assignee is not None and ops.may_handle(assignee, case.org_unit_id)
        moves = [e for e in case.events if e.to_status is not None]
        assert moves[-1].to_status == case.status
        for event in moves[1:]:
            assert event.kind == "transferred" or (event.from_status, event.to_status) in ALLOWED
        stored = db.session.scalar(select(Case.status).where(Case.id == case.id))
        assert stored == case.status


def test_any_sequence_of_actions_keeps_the_invariants(app, db, people):
    with app.app_context():
        run_state_machine_as_test(lambda: CaseMachine(people), settings=settings(
            max_examples=30, stateful_step_count=20, deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
        db.session.rollback()


def test_two_staff_closing_the_same_case_one_wins_the_other_is_told(app, db, people):
    with app.app_context():
        case = ops.open_case(source="counter", category="complaint", summary="등기 분실", org_unit_id=people["units"][0])
        ops.assign(case, db.session.get(User, people["users"]["handler_a"]))
        ops.start(case)
        ops.answer(case, "분실 신고 접수를 안내했습니다.")
        seen = case.version  # both staff opened the page at this version
        ops.close(case, root_cause="damage", resolution="yes", expected_version=seen)
        with pytest.raises(ops.CaseConflict, match="다른 직원이 방금"):
            ops.close(case, root_cause="process", resolution="no", expected_version=seen)
        assert (case.root_cause, case.resolution) == ("damage", "yes")
        closes = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                            CaseEvent.to_status == "closed")).all()
        assert len(closes) == 1
        db.session.rollback()
