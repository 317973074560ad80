"""Changes to the org tree and staff directory: import rows, move, deactivate. Flush, never commit.

Rows come from :func:`.org_files.read_rows`. Unit files have the columns ``code, name, level, parent_code`` (and optionally ``name_en, active``);
staff files ``employee_no, name, unit_code`` (and optionally ``position, active``). Korean headers
(코드, 이름, 구분, 상위 코드, 직원번호, 소속 코드, 직위, 사용) work too. Rows are matched by code or
employee number: new ones are added, existing ones updated. A file with any bad row changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import record
from ..database import db
from ..models import OrgLevel, OrgUnit, StaffMember

LEVELS = {"본부": "headquarters", "지방우정청": "regional", "우체국": "office", "센터": "center", "팀": "team",
          **{level.value: level.value for level in OrgLevel}}
FALSE = {"0", "false", "no", "n", "아니오", "아니요", "미사용", "x"}


class DirectoryError(ValueError):
    """A change the org tree cannot take (a unit under itself, an unknown unit)."""


@dataclass
class ImportResult:
    """How many rows were added and updated, or the problems (row number and message)."""

    added: int = 0
    updated: int = 0
    problems: list[str] = field(default_factory=list)


def _active(raw: str | None) -> bool:
    return (raw or "").strip().lower() not in FALSE


def _unit_by_code(code: str) -> OrgUnit | None:
    return db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))


def _in_scope(unit: OrgUnit | None, allowed: set[int] | None, made: dict[str, OrgUnit]) -> bool:
    """Whether the administrator manages ``unit`` (one added earlier in the same file counts)."""
    if allowed is None:
        return True
    return unit is not None and (unit in made.values() or unit.id in allowed)


def _unit_problem(number: int, row: dict[str, str], unit: OrgUnit | None, parent: OrgUnit | None,
                  allowed: set[int] | None, made: dict[str, OrgUnit]) -> str | None:
    """Why a unit row cannot be imported: missing fields, an unknown parent, or a place outside the scope
    (both where an existing unit is now and where the row would put it), or None."""
    parent_code = row.get("parent_code", "").strip()
    if not row.get("code") or not row.get("name") or LEVELS.get(row.get("level", "").strip()) is None:
        return _("%(n)s행: 코드, 이름, 구분(본부·지방우정청·우체국·센터·팀)을 모두 적어 주십시오.", n=number)
    if parent_code and parent is None:
        return _("%(n)s행: 상위 코드 %(code)s인 조직이 없습니다.", n=number, code=parent_code)
    if unit is not None and not _in_scope(unit, allowed, made):
        return _("%(n)s행: %(code)s 조직은 관리 권한 밖에 있어 고치거나 옮길 수 없습니다.", n=number, code=unit.code)
    if not _in_scope(parent, allowed, made):
        return _("%(n)s행: 관리 권한이 있는 조직 아래에만 둘 수 있습니다.", n=number)
    if unit is not None and parent is not None and unit in [parent, *parent.ancestors()]:
        return _("%(n)s행: 조직을 자기 아래로 옮길 수 없습니다.", n=number)
    return None


def _put_unit(row: dict[str, str], unit: OrgUnit | None, parent: OrgUnit | None, result: ImportResult) -> OrgUnit:
    """Add the row's unit, or update the existing one, under ``parent``."""
    if unit is None:
        unit = OrgUnit(code=row["code"][:32])
        db.session.add(unit)
        result.added += 1
    else:
        result.updated += 1
    unit.name, unit.level, unit.parent = row["name"][:200], LEVELS[row["level"].strip()], parent
    unit.name_en, unit.active = (row.get("name_en") or None), _active(row.get("active"))
    return unit


def import_units(rows: list[dict[str, str]], allowed: set[int] | None) -> ImportResult:
    """Add or update units; parents must exist (in the tree or earlier in the file), and both an existing
    unit and its new parent must be in scope. A file with any refused row changes nothing."""
    result, made = ImportResult(), {}
    savepoint = db.session.begin_nested()
    for number, row in enumerate(rows, start=2):
        code, parent_code = row.get("code", ""), row.get("parent_code", "").strip()
        parent = made.get(parent_code) or (_unit_by_code(parent_code) if parent_code else None)
        unit = made.get(code) or (_unit_by_code(code) if code else None)
        problem = _unit_problem(number, row, unit, parent, allowed, made)
        if problem:
            result.problems.append(problem)
        else:  # applied inside the savepoint, so later rows may sit under it; undone if any row is refused
            made[code] = _put_unit(row, unit, parent, result)
    return _finish_import(savepoint, result, "org.import_units", "org_unit")


def _finish_import(savepoint, result: ImportResult, action: str, kind: str) -> ImportResult:
    """Keep the file's changes and audit them, or undo every one of them when any row was refused."""
    if result.problems:
        savepoint.rollback()
        return result
    savepoint.commit()
    db.session.flush()
    record(action, kind, None, {"added": result.added, "updated": result.updated})
    return result


def _staff_problem(number: int, row: dict[str, str], unit: OrgUnit | None, person: StaffMember | None,
                   allowed: set[int] | None) -> str | None:
    """Why a staff row cannot be imported: missing fields, an unknown unit, or a staff member (where they
    are now, or where the row would put them) outside the scope; or None."""
    if not row.get("employee_no") or not row.get("name") or not row.get("unit_code"):
        return _("%(n)s행: 직원번호, 이름, 소속 코드를 모두 적어 주십시오.", n=number)
    if unit is None:
        return _("%(n)s행: 소속 코드 %(code)s인 조직이 없습니다.", n=number, code=row["unit_code"])
    if allowed is not None and unit.id not in allowed:
        return _("%(n)s행: 관리 권한이 있는 조직의 직원만 넣을 수 있습니다.", n=number)
    if allowed is not None and person is not None and person.org_unit_id not in allowed:
        return _("%(n)s행: 직원번호 %(no)s인 직원은 관리 권한 밖의 조직에 있어 고치거나 옮길 수 없습니다.",
                 n=number, no=row["employee_no"])
    return None


def _put_staff(row: dict[str, str], unit: OrgUnit, person: StaffMember | None, result: ImportResult) -> None:
    """Add the row's staff member, or update the existing one, in ``unit``."""
    if person is None:
        person = StaffMember(employee_no=row["employee_no"][:32])
        db.session.add(person)
        result.added += 1
    else:
        result.updated += 1
    person.name, person.org_unit, person.position = row["name"][:100], unit, (row.get("position") or None)
    person.active = _active(row.get("active"))


def import_staff(rows: list[dict[str, str]], allowed: set[int] | None) -> ImportResult:
    """Add or update staff members; both an existing member's unit and the row's unit must be in scope.
    A file with any refused row changes nothing."""
    result = ImportResult()
    savepoint = db.session.begin_nested()
    for number, row in enumerate(rows, start=2):
        unit_code, employee_no = row.get("unit_code", ""), row.get("employee_no", "")
        unit = _unit_by_code(unit_code) if unit_code else None
        person = (db.session.scalar(select(StaffMember).where(StaffMember.employee_no == employee_no))
                  if employee_no else None)
        problem = _staff_problem(number, row, unit, person, allowed)
        if problem:
            result.problems.append(problem)
        else:
            _put_staff(row, unit, person, result)
    return _finish_import(savepoint, result, "org.import_staff", "staff_member")


def move_unit(unit: OrgUnit, parent: OrgUnit) -> None:
    """Put ``unit`` (and its subtree) under ``parent``."""
    if unit in [parent, *parent.ancestors()]:
        raise DirectoryError(_("조직을 자기 자신이나 그 아래 조직으로 옮길 수 없습니다."))
    unit.parent = parent
    db.session.flush()
    record("org.move_unit", "org_unit", unit.id, {"parent": parent.code})


def set_unit_active(unit: OrgUnit, active: bool) -> None:
    """Deactivate (no longer offered for evaluations) or reactivate a unit."""
    unit.active = active
    record("org.unit_active", "org_unit", unit.id, {"active": active})


def move_staff(person: StaffMember, unit: OrgUnit) -> None:
    """Transfer a staff member to another unit."""
    person.org_unit = unit
    record("org.move_staff", "staff_member", person.id, {"unit": unit.code})


def set_staff_active(person: StaffMember, active: bool) -> None:
    """Deactivate (left, on leave) or reactivate a staff member; past evaluations stay."""
    person.active = active
    record("org.staff_active", "staff_member", person.id, {"active": active})
