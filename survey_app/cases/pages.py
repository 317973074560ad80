"""What the case pages read: my cases by time left, a unit's queue, the SLA clock, the dashboard figures,
and the customer page's list of a customer's cases (``cases_for_customer``)."""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from ..database import db
from ..models import Case, CaseStatus, OrgUnit
from .calendar import business_days_left
from .categories import root_causes


@dataclass(frozen=True)
class Clock:
    """A case's SLA clock: business days left (negative: overdue by), and how to show it."""

    days_left: int
    state: str  # ok / due_soon / overdue / done
    label: str


def clock(case: Case, today: date) -> Clock:
    """The SLA clock of a case on ``today``."""
    if not case.is_open:
        closed = case.closed_at.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date() if case.closed_at else today
        within = closed <= case.due_on
        return Clock(0, "done", "기한 내 종결" if within else "기한을 넘겨 종결")
    left = business_days_left(today, case.due_on)
    if left < 0:
        return Clock(left, "overdue", f"기한 {-left}일 지남")
    if left == 0:
        return Clock(0, "due_soon", "오늘까지")
    return Clock(left, "due_soon" if left <= 1 else "ok", f"{left}일 남음")


def _in_units(query, units: set[int] | None):
    return query if units is None else query.where(Case.org_unit_id.in_(units))


def my_cases(user_id: int) -> list[Case]:
    """The user's open cases, the nearest deadline first."""
    return list(db.session.scalars(select(Case).where(Case.assignee_id == user_id, Case.status != CaseStatus.CLOSED)
                                   .order_by(Case.due_on, Case.id)))


def queue(units: set[int] | None, *, status: str | None = None, limit: int = 500) -> list[Case]:
    """Open cases of the units (None: every unit), unassigned first, then by deadline."""
    query = select(Case).where(Case.status != CaseStatus.CLOSED) if status != CaseStatus.CLOSED else \
        select(Case).where(Case.status == CaseStatus.CLOSED)
    if status and status != CaseStatus.CLOSED:
        query = query.where(Case.status == status)
    query = _in_units(query, units).order_by(Case.assignee_id.is_not(None), Case.due_on, Case.id).limit(limit)
    return list(db.session.scalars(query))


def subtree(unit_id: int) -> set[int]:
    """The unit and every unit below it."""
    children: dict[int | None, list[int]] = {}
    for child, parent in db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)):
        children.setdefault(parent, []).append(child)
    found, todo = set(), [unit_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found


def _seoul_date(moment) -> date:
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


@dataclass(frozen=True)
class Dashboard:
    """A unit's handling figures."""

    total: int
    backlog: int
    overdue: int
    hours_to_first_contact: float | None
    days_to_close: float | None
    closed: int
    closed_within_deadline: float | None  # share 0–1
    followed_up: int
    recovered: int
    recovery_rate: float | None  # share of former detractors who answered the follow-up satisfied
    top_root_causes: list[tuple[str, int]]
    by_status: dict[str, int]


def dashboard(units: set[int] | None, today: date) -> Dashboard:
    """Backlog, overdue, medians, share within the deadline, recovery and top root causes of the units' cases."""
    cases = list(db.session.scalars(_in_units(select(Case), units)))
    open_cases = [c for c in cases if c.is_open]
    closed = [c for c in cases if not c.is_open and c.closed_at is not None]
    contact_hours = [(c.first_contact_at - c.created_at).total_seconds() / 3600 for c in cases if c.first_contact_at]
    close_days = [(c.closed_at - c.created_at).total_seconds() / 86400 for c in closed]
    within = [_seoul_date(c.closed_at) <= c.due_on for c in closed]
    answered = [c for c in cases if c.was_detractor and c.recovered is not None]
    names = root_causes()
    causes = Counter(names.get(c.root_cause, c.root_cause) for c in closed if c.root_cause)
    return Dashboard(
        total=len(cases), backlog=len(open_cases), overdue=sum(c.is_overdue_on(today) for c in open_cases),
        hours_to_first_contact=statistics.median(contact_hours) if contact_hours else None,
        days_to_close=statistics.median(close_days) if close_days else None, closed=len(closed),
        closed_within_deadline=sum(within) / len(within) if within else None, followed_up=len(answered),
        recovered=sum(c.recovered for c in answered),
        recovery_rate=sum(c.recovered for c in answered) / len(answered) if answered else None,
        top_root_causes=causes.most_common(5), by_status=dict(Counter(c.status for c in cases)))


def cases_for_customer(customer_id: int, units: set[int] | None = None) -> list[Case]:
    """A customer's cases, newest first (for the customer page; ``units`` limits them to what the viewer sees)."""
    query = _in_units(select(Case).where(Case.customer_id == customer_id), units)
    return list(db.session.scalars(query.order_by(Case.id.desc()).limit(50)))
