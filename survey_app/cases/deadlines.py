"""The deadline watch (part of the ``case-triggers`` job): an open case past its deadline is escalated once
to the managers of its unit (those who handle cases for the unit above it, else the center), raised to
긴급, and its timeline says so; a case whose progress notice falls due (past the deadline or 30 days) gets a
timeline line and the 중간 안내 itself is queued to the customer through the outbox (once per case; when it
cannot go, the timeline says why so the handler calls instead). Commits once."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..database import db
from ..models import Case, CaseEvent, CaseStatus, OrgUnit, RoleGrant, User, utcnow
from .operations import may_handle
from .replies import queue_interim_notice
from .routing import center_unit_id


def unit_managers(unit_id: int | None) -> list[User]:
    """Who a breach goes to: handlers of the unit above (the office's 지방우정청), else the center's."""
    unit = db.session.get(OrgUnit, unit_id) if unit_id else None
    above = unit.parent_id if unit is not None and unit.parent_id else center_unit_id()
    users = db.session.scalars(select(User).where(User.active.is_(True), User.id.in_(select(RoleGrant.user_id)))
                               .order_by(User.id))
    return [user for user in users if above is not None and may_handle(user, above)]


def watch_deadlines(today: date) -> dict[str, int]:
    """Escalate breached cases and flag due progress notices, each once. Returns the counts."""
    open_cases = select(Case).where(Case.status != CaseStatus.CLOSED)
    escalated = 0
    for case in db.session.scalars(open_cases.where(Case.due_on < today, Case.escalated_at.is_(None))):
        managers = unit_managers(case.org_unit_id)
        case.escalated_at, case.priority = utcnow(), "high"
        names = ", ".join(m.display_name or m.username for m in managers) or "우편고객센터"
        db.session.add(CaseEvent(case_id=case.id, kind="escalated", note=f"처리 기한 경과: {names}에게 보고",
                                 data={"managers": [m.id for m in managers]}))
        escalated += 1
    notices = 0
    for case in db.session.scalars(open_cases.where(Case.interim_due_on <= today, Case.interim_sent_at.is_(None))):
        case.interim_sent_at = utcnow()
        db.session.add(CaseEvent(case_id=case.id, kind="interim_due",
                                 note="처리 지연 중간 통지 기한입니다. 고객에게 진행 상황과 예정일을 알려 주십시오.", data={}))
        queue_interim_notice(case, today)
        notices += 1
    db.session.commit()
    return {"escalated": escalated, "interim": notices}
