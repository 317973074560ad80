"""The deadline watch: a case past its deadline is escalated once to the managers of the unit above, and
a case whose progress notice falls due is flagged once; cases within their deadline are left alone."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from survey_app.accounts.operations import grant_role
from survey_app.cases import operations as ops
from survey_app.cases.deadlines import watch_deadlines
from survey_app.models import Case, CaseEvent, OrgLevel, User


def test_breach_escalates_once_to_the_regional_managers_and_flags_the_notice(app_ctx, make_org, make_user):
    region = make_org(code="R-DL", name="충청지방우정청", level=OrgLevel.REGIONAL)
    office = make_org(code="P-DL", name="대전우체국", parent_code="R-DL")
    manager_id, _ = make_user(username="dl_manager", display_name="박과장")
    with app_ctx() as session:
        grant_role(session.get(User, manager_id), "designer", region)
        late = ops.open_case(source="call", category="complaint", summary="지연", org_unit_id=office,
                             received_on=date(2026, 11, 2))  # 7 business days → due 2026-11-10
        fresh = ops.open_case(source="call", category="suggestion", summary="건의", org_unit_id=office,
                              received_on=date(2026, 11, 9))  # 14 business days → due 2026-11-26
        assert (late.due_on, fresh.due_on) == (date(2026, 11, 10), date(2026, 11, 26))
        assert watch_deadlines(date(2026, 11, 12)) == {"escalated": 1, "interim": 1}
        assert watch_deadlines(date(2026, 11, 13)) == {"escalated": 0, "interim": 0}
        events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == late.id,
                                                         CaseEvent.kind.in_(["escalated", "interim_due"]))).all()
        assert sorted(e.kind for e in events) == ["escalated", "interim_due"]
        escalation = next(e for e in events if e.kind == "escalated")
        assert "박과장" in escalation.note and escalation.data["managers"] == [manager_id]
        assert session.get(Case, late.id).priority == "high"
        assert session.get(Case, fresh.id).escalated_at is None
