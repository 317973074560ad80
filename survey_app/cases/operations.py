"""Writes to cases: open (one or a batch), assign, start, answer, close, reopen, transfer, note. Each checks first, then
changes, flushes and records the timeline and the audit log; none commits (the request boundary or the
job commits once).

A refusal raises :class:`CaseError` with a Korean message and changes nothing. ``expected_version`` is the
version the member of staff saw: a case changed since (someone else closed it) raises :class:`CaseConflict`;
the ORM's version column catches the same race between the check and the UPDATE.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, text

from ..audit import current_actor, record, record_many
from ..database import db, insert_rows
from ..models import Case, CaseAnswer, CaseEvent, CaseStatus, OrgUnit, Permission, Resolution, User, utcnow
from ..web.access import covers
from ..web.scopes import ORG_WIDE
from .categories import CATEGORIES, due_date, interim_notice_date, root_causes
from .followup import send_followup
from .routing import Routes

STATUS_NAMES = {CaseStatus.RECEIVED: "접수", CaseStatus.ASSIGNED: "배정", CaseStatus.IN_PROGRESS: "처리 중",
                CaseStatus.ANSWERED: "답변 완료", CaseStatus.CLOSED: "종결", CaseStatus.REOPENED: "재개"}
RESOLUTION_NAMES = {Resolution.YES: "예", Resolution.NO: "아니요", Resolution.PARTLY: "일부"}
PRIORITIES = {"high": "긴급", "normal": "보통", "low": "낮음"}


class CaseError(ValueError):
    """A change the rules refuse; the message is Korean and shown to the member of staff as is."""


class CaseConflict(CaseError):
    """Someone else changed the case since it was read."""

    def __init__(self) -> None:
        super().__init__(_("다른 직원이 방금 이 사건을 바꾸었습니다. 화면을 새로 고쳐 지금 상태를 확인해 주십시오."))


def seoul_today() -> date:
    """Today in the center's time zone (deadlines are calendar dates there)."""
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def _event(case: Case, kind: str, *, note: str | None = None, from_status: str | None = None,
           to_status: str | None = None, **data) -> CaseEvent:
    event = CaseEvent(case=case, kind=kind, actor_id=current_actor()[0], note=note, from_status=from_status,
                      to_status=to_status, data=data)
    db.session.add(event)
    return event


@dataclass
class NewCase:
    """What a case is opened with — from the intake form, the API, a retention call-back or a survey rule's hits."""

    source: str
    category: str
    summary: str
    detail: str | None = None
    customer_id: int | None = None
    org_unit_id: int | None = None  # the office it belongs to; routing decides when None
    region: str | None = None
    priority: str = "normal"
    response_id: int | None = None
    interaction_id: int | None = None
    trigger_id: int | None = None
    external_ref: str | None = None
    received_on: date | None = None
    was_detractor: bool = False
    answers: list[dict] = field(default_factory=list)  # triggering answers: CaseAnswer columns but case_id

    def check(self) -> None:
        """Raise :class:`CaseError` (Korean) when the case cannot be opened as given."""
        if self.category not in CATEGORIES:
            raise CaseError(_("알 수 없는 분류입니다: %(category)s", category=self.category))
        if self.priority not in PRIORITIES:
            raise CaseError(_("알 수 없는 중요도입니다: %(priority)s", priority=self.priority))
        if not self.summary.strip():
            raise CaseError(_("내용 요약을 적어 주십시오."))


def case_number(received: date, case_id: int) -> str:
    """VOC-2026-000123: the year received and the id, which makes it unique even under concurrent intake."""
    return f"VOC-{received.year}-{case_id:06d}"


def _case_row(new: NewCase, case_id: int, received: date, routes: Routes) -> tuple[dict, str]:
    """The case's columns (in 접수, routed, its deadline on the business-day calendar) and how it was routed."""
    unit_id, routed_by = routes.route(category=new.category, region=new.region, org_unit_id=new.org_unit_id)
    due = due_date(new.category, received)
    return {"id": case_id, "number": case_number(received, case_id), "source": new.source, "category": new.category,
            "priority": new.priority, "status": CaseStatus.RECEIVED, "summary": new.summary.strip()[:300],
            "detail": new.detail, "customer_id": new.customer_id, "org_unit_id": unit_id,
            "response_id": new.response_id, "interaction_id": new.interaction_id, "trigger_id": new.trigger_id,
            "external_ref": new.external_ref, "received_on": received, "due_on": due,
            "interim_due_on": interim_notice_date(received, due), "was_detractor": new.was_detractor,
            "version": 1}, routed_by


def reserve_case_ids(count: int) -> list[int]:
    """``count`` new case ids in one statement: from the id sequence on PostgreSQL (safe beside concurrent
    inserts); on SQLite, whose writer holds the database's write lock, the ones after the largest."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sorted(db.session.scalars(text("SELECT nextval(pg_get_serial_sequence('cases', 'id')) "
                                              "FROM generate_series(1, :count)"), {"count": count}))
    last = db.session.scalar(select(func.max(Case.id))) or 0
    return list(range(last + 1, last + count + 1))


def open_cases(new_cases: list[NewCase]) -> list[int]:
    """Open cases in 접수, routed to units' queues, with their deadlines, first timeline lines, audit rows and
    attached answers — each table in one multi-row INSERT, whatever their number. Returns their ids in order;
    refuses all (:class:`CaseError`) when one cannot be opened."""
    for new in new_cases:
        new.check()
    if not new_cases:
        return []
    routes, today, actor_id = Routes(), seoul_today(), current_actor()[0]
    ids = reserve_case_ids(len(new_cases))
    cases, events, audits, answers = [], [], [], []
    for case_id, new in zip(ids, new_cases, strict=True):
        row, routed_by = _case_row(new, case_id, new.received_on or today, routes)
        cases.append(row)
        events.append({"case_id": case_id, "kind": "created", "actor_id": actor_id, "to_status": CaseStatus.RECEIVED,
                       "data": {"source": new.source, "routed_by": routed_by}})
        audits.append((case_id, {"source": new.source, "category": new.category, "unit": row["org_unit_id"]}))
        answers.extend({**answer, "case_id": case_id} for answer in new.answers)
    for model, rows in ((Case, cases), (CaseEvent, events), (CaseAnswer, answers)):
        insert_rows(model.__table__, rows)
    record_many("case.open", "case", audits)
    return ids


def open_case(**fields) -> Case:
    """A new case (the fields of :class:`NewCase`) in 접수, routed to a unit's queue, with its deadline on the
    Korean business-day calendar."""
    [case_id] = open_cases([NewCase(**fields)])
    return db.session.get(Case, case_id)


def _check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and case.version != expected_version:
        raise CaseConflict()


def _move(case: Case, to_status: str, expected_version: int | None, kind: str = "status",
          note: str | None = None, **data) -> None:
    _check_version(case, expected_version)
    if not case.can_move_to(to_status):
        raise CaseError(_("'%(from)s' 상태에서 '%(to)s' 상태로 바꿀 수 없습니다.",
                          **{"from": _(STATUS_NAMES[case.status]), "to": _(STATUS_NAMES[to_status])}))
    from_status, case.status = case.status, to_status
    _event(case, kind, from_status=from_status, to_status=to_status, note=note, **data)


def may_handle(user: User, unit_id: int | None) -> bool:
    """Whether ``user`` holds the case-handling permission for the unit (the org tree's scope)."""
    grants = [(grant.permissions, grant.org_unit_id) for grant in user.grants]
    return user.is_active and covers(grants, Permission.HANDLE_CASES, ORG_WIDE if unit_id is None else unit_id)


def assign(case: Case, assignee: User, *, expected_version: int | None = None) -> None:
    """Give the case to a member of staff whose scope covers the case's unit."""
    _check_version(case, expected_version)
    if case.assignee_id == assignee.id and case.status == CaseStatus.ASSIGNED:
        raise CaseError(_("이미 그 직원에게 배정된 사건입니다."))
    if not may_handle(assignee, case.org_unit_id):
        unit = case.org_unit.name if case.org_unit else _("우편고객센터")
        raise CaseError(_("%(name)s 님은 %(unit)s의 사건을 처리할 권한이 없어 배정할 수 없습니다.",
                          name=assignee.display_name or assignee.username, unit=unit))
    _move(case, CaseStatus.ASSIGNED, None, kind="assigned", assignee=assignee.id,
          note=assignee.display_name or assignee.username)
    case.assignee_id = assignee.id
    db.session.flush()
    record("case.assign", "case", case.id, details={"assignee": assignee.id})


def start(case: Case, *, expected_version: int | None = None) -> None:
    """처리 중: the assignee starts work."""
    _move(case, CaseStatus.IN_PROGRESS, expected_version)
    db.session.flush()
    record("case.status", "case", case.id, details={"to": CaseStatus.IN_PROGRESS})


def answer(case: Case, note: str, *, expected_version: int | None = None) -> None:
    """답변 완료: the answer was given to the customer (by phone, or a reply on the timeline)."""
    if not note.strip():
        raise CaseError(_("고객에게 드린 답변 내용을 적어 주십시오."))
    _move(case, CaseStatus.ANSWERED, expected_version, note=note.strip())
    case.answered_at = utcnow()
    note_first_contact(case)
    db.session.flush()
    record("case.status", "case", case.id, details={"to": CaseStatus.ANSWERED})


def note_first_contact(case: Case) -> None:
    """The first time the center reached the customer (a reply, a call, an answer)."""
    if case.first_contact_at is None:
        case.first_contact_at = utcnow()


def close(case: Case, *, root_cause: str, resolution: str, note: str | None = None,
          expected_version: int | None = None) -> None:
    """종결: needs a root-cause code and 해결 여부; the follow-up survey is sent by the caller's job."""
    _check_version(case, expected_version)
    if root_cause not in root_causes():
        raise CaseError(_("종결하려면 원인 분류를 골라 주십시오."))
    if resolution not in Resolution.ALL:
        raise CaseError(_("종결하려면 해결 여부(예, 아니요, 일부)를 골라 주십시오."))
    _move(case, CaseStatus.CLOSED, None, note=note, root_cause=root_cause, resolution=resolution)
    case.root_cause, case.resolution, case.closed_at = root_cause, resolution, utcnow()
    db.session.flush()
    record("case.close", "case", case.id, details={"root_cause": root_cause, "resolution": resolution})
    send_followup(case)


def reopen(case: Case, reason: str, *, expected_version: int | None = None) -> None:
    """재개: a closed case goes back to work (the customer came back, the fix did not hold)."""
    if not reason.strip():
        raise CaseError(_("재개하는 이유를 적어 주십시오."))
    _move(case, CaseStatus.REOPENED, expected_version, note=reason.strip())
    case.closed_at = None
    db.session.flush()
    record("case.status", "case", case.id, details={"to": CaseStatus.REOPENED})


def transfer(case: Case, unit: OrgUnit, reason: str, *, expected_version: int | None = None) -> None:
    """이관: move an open case to another unit's queue (back to 접수, unassigned), logged with the reason."""
    _check_version(case, expected_version)
    if not case.is_open:
        raise CaseError(_("종결된 사건은 이관할 수 없습니다. 먼저 재개해 주십시오."))
    if unit.id == case.org_unit_id:
        raise CaseError(_("이미 그 부서의 사건입니다."))
    if not reason.strip():
        raise CaseError(_("이관하는 이유를 적어 주십시오."))
    from_unit, from_status = case.org_unit_id, case.status
    case.org_unit_id, case.assignee_id, case.status = unit.id, None, CaseStatus.RECEIVED
    _event(case, "transferred", from_status=from_status, to_status=CaseStatus.RECEIVED, note=reason.strip(),
           from_unit=from_unit, to_unit=unit.id)
    db.session.flush()
    record("case.transfer", "case", case.id, details={"from": from_unit, "to": unit.id})


def add_note(case: Case, note: str) -> CaseEvent:
    """A note on the timeline (a call made, something checked)."""
    if not note.strip():
        raise CaseError(_("메모 내용을 적어 주십시오."))
    event = _event(case, "note", note=note.strip())
    db.session.flush()
    return event
