"""What the courtesy pages show: units found by name or code, the checklist's questions."""
from __future__ import annotations

from flask import abort
from sqlalchemy import or_, select

from questionnaires import Questionnaire, QuestionnaireError

from ..database import db
from ..models import OrgLevel, OrgUnit, StaffMember
from ..respond.forms import PageItem, page_items
from ..respond.pages import section_numbers
from ..web.numbers import whole_number
from .operations import setup_codes

EVALUATED_LEVELS = (OrgLevel.OFFICE, OrgLevel.CENTER, OrgLevel.TEAM)
MAX_CHOICES = 200


def matching_units(query: str, visible: set[int] | None, keep_id: str | None = None) -> list[OrgUnit]:
    """Active offices, centers and teams in scope whose name or code (or a staff member's) matches ``query``."""
    stmt = select(OrgUnit).where(OrgUnit.active.is_(True), OrgUnit.level.in_(EVALUATED_LEVELS))
    if visible is not None:
        stmt = stmt.where(OrgUnit.id.in_(visible))
    if query.strip():
        like = f"%{query.strip()}%"
        staff_units = select(StaffMember.org_unit_id).where(or_(StaffMember.name.ilike(like),
                                                                StaffMember.employee_no.ilike(like)))
        matched = or_(OrgUnit.name.ilike(like), OrgUnit.code.ilike(like), OrgUnit.id.in_(staff_units))
        if (kept := whole_number(keep_id)) is not None:
            matched = or_(matched, OrgUnit.id == kept)
        stmt = stmt.where(matched)
    return list(db.session.scalars(stmt.order_by(OrgUnit.name).limit(MAX_CHOICES)))


def readable(version) -> Questionnaire:
    """The version's questionnaire, or 404 when it cannot be read (never a traceback)."""

    try:
        return version.questionnaire
    except QuestionnaireError:
        abort(404)


def checklist_items(questionnaire: Questionnaire, answers: dict, seed: str) -> list[PageItem]:
    """Every question of the sections logic shows for these answers, on one page (minus the setup's)."""
    skip = setup_codes(questionnaire)
    items: list[PageItem] = []
    for number in section_numbers(questionnaire, answers):
        items.extend(i for i in page_items(questionnaire, questionnaire.sections[number - 1], answers, seed)
                     if i.question.code not in skip)
    return items
