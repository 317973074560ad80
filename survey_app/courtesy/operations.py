"""Writes of courtesy evaluations: start one for a subject, submit its checklist. Flush, never commit."""
from __future__ import annotations

from datetime import datetime
from datetime import datetime as _dt
from typing import Any

from sqlalchemy import select

from questionnaires import Questionnaire, vocab
from questionnaires.logic import effective_answers

from ..audit import record
from ..database import db
from ..models import OrgUnit, Response, StaffMember, User, Wave, utcnow
from ..respond.pages import answer_fields
from ..responses import operations
from ..responses.values import rows_for

CHANNEL_WORDS = {"counter": "창구", "phone": "전화"}


def channel_question(questionnaire: Questionnaire):
    """The question that asks how the evaluation was made (choices naming 창구 and 전화), if any."""
    for question in questionnaire.questions():
        if question.type == vocab.SINGLE_CHOICE and question.choices is not None:
            labels = [c.label.ko for c in question.choices]
            if any("창구" in label for label in labels) and any("전화" in label for label in labels):
                return question
    return None


def prefilled_answers(questionnaire: Questionnaire, channel: str, visited_at: datetime) -> dict[str, Any]:
    """Answers the setup already gives: the channel question and the date question beside it."""
    question = channel_question(questionnaire)
    if question is None:
        return {}
    answers = {question.code: next(c.value for c in question.choices if CHANNEL_WORDS[channel] in c.label.ko)}
    section = questionnaire.section_of(question.code)
    date_question = next((q for q in section.questions if q.type == vocab.DATE), None) if section else None
    if date_question is not None:
        answers[date_question.code] = visited_at.date().isoformat()
    return answers


def setup_codes(questionnaire: Questionnaire) -> set[str]:
    """Codes the setup step answers (the channel question and its date), not asked again."""
    return set(prefilled_answers(questionnaire, "counter", _dt(2000, 1, 1)))


def hidden_values(unit: OrgUnit, staff: StaffMember | None, evaluator: User, wave: Wave, visited_at: datetime) -> dict:
    """Values for the questionnaire's hidden fields and the visit time."""
    return {"office_code": unit.code, "office_name": unit.name, "staff_id": staff.employee_no if staff else None,
            "evaluator_id": evaluator.username, "wave": wave.code, "visited_at": visited_at.isoformat()}


def start_evaluation(wave: Wave, questionnaire: Questionnaire, *, evaluator: User, unit: OrgUnit,
                     staff: StaffMember | None, channel: str, visited_at: datetime) -> Response:
    """A new, unsubmitted evaluation of ``unit`` (and ``staff``) with the answers the setup implies."""
    hidden = {k: v for k, v in hidden_values(unit, staff, evaluator, wave, visited_at).items() if v}
    response = Response(wave_id=wave.id, version_id=wave.version_id, started_at=utcnow(), channel=channel,
                        hidden=hidden, evaluator_id=evaluator.id, subject_org_unit_id=unit.id,
                        subject_staff_id=staff.id if staff else None)
    db.session.add(response)
    db.session.flush()
    answers = {**{q.code: hidden[q.distribution_source] for q in questionnaire.hidden
                  if hidden.get(q.distribution_source)}, **prefilled_answers(questionnaire, channel, visited_at)}
    fields = answer_fields(questionnaire)
    codes = [code for code in answers if code in fields]
    operations.save_page(response.id, 0, codes, rows_for(fields, answers, codes))
    record("courtesy.start", "response", response.id, {"unit": unit.code, "channel": channel})
    return response


def submit_evaluation(response: Response, questionnaire: Questionnaire, answers: dict[str, Any]) -> None:
    """Store the checklist answers and submit the evaluation exactly once."""
    final = dict(effective_answers(questionnaire, answers))
    fields = answer_fields(questionnaire)
    codes = [code for code in final if code in fields]
    operations.complete(response.id, list(fields), rows_for(fields, final, codes), codes)
    record("courtesy.submit", "response", response.id, {})


def staff_of(unit_id: int) -> list[StaffMember]:
    """Active staff of a unit, by name."""
    return list(db.session.scalars(select(StaffMember).where(StaffMember.org_unit_id == unit_id,
                                                             StaffMember.active.is_(True)).order_by(StaffMember.name)))
