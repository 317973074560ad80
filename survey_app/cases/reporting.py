"""The executive workbook's "VOC 처리 현황" sheet and the case-list export, from the stored cases."""
from __future__ import annotations

from collections.abc import Collection, Iterator

from sqlalchemy import select

from exports import CaseHandling, CaseUnitRow
from exports.safety import safe_text

from ..database import db
from ..models import Case, OrgUnit
from .categories import category_name, root_causes
from .forms import SOURCE_NAMES
from .operations import RESOLUTION_NAMES, STATUS_NAMES, seoul_today
from .pages import clock, dashboard

CASE_LIST_HEADER = ("번호", "접수일", "경로", "분류", "중요도", "상태", "담당 부서", "담당자", "처리 기한", "남은 기간",
                    "원인 분류", "해결 여부", "처리 만족도", "회복", "내용 요약")


def _unit_row(name: str, units: set[int] | None) -> CaseUnitRow:
    d = dashboard(units, seoul_today())
    return CaseUnitRow(name, d.total, d.backlog, d.overdue, d.closed, d.closed_within_deadline,
                       d.hours_to_first_contact, d.days_to_close, d.recovery_rate)


def case_handling(units: Collection[int] | None = None) -> CaseHandling | None:
    """The whole (of ``units``, None: every unit) and each unit that has cases; None when there is no case."""
    scope = None if units is None else set(units)
    query = select(Case.org_unit_id).distinct()
    if scope is not None:
        query = query.where(Case.org_unit_id.in_(scope))
    owning = [u for u in db.session.scalars(query)]
    if not owning:
        return None
    names = dict(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_([u for u in owning if u]))).all())
    rows = [_unit_row("전체", scope)] + [_unit_row(names[u], {u}) for u in sorted(u for u in owning if u)]
    return CaseHandling(tuple(rows), tuple(dashboard(scope, seoul_today()).top_root_causes))


def case_list_rows(units: Collection[int] | None = None) -> Iterator[tuple]:
    """Every case of the units as a row of :data:`CASE_LIST_HEADER` (formula-safe text)."""
    today, causes = seoul_today(), root_causes()
    query = select(Case).order_by(Case.id)
    if units is not None:
        query = query.where(Case.org_unit_id.in_(list(units)))
    for case in db.session.scalars(query.execution_options(yield_per=500)):
        yield (case.number, case.received_on, str(SOURCE_NAMES.get(case.source, case.source)), category_name(case.category), case.priority,
               STATUS_NAMES[case.status], case.org_unit.name if case.org_unit else "우편고객센터",
               case.assignee.display_name if case.assignee else "", case.due_on, clock(case, today).label,
               causes.get(case.root_cause or "", case.root_cause or ""), RESOLUTION_NAMES.get(case.resolution or "", ""),
               case.followup_satisfaction, {True: "예", False: "아니요"}.get(case.recovered, ""),
               safe_text(case.summary))
