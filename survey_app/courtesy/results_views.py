"""Supervisors' courtesy results: per office and staff member stage scores, totals and ranks; one evaluation."""
from __future__ import annotations

import numpy as np
from flask import abort, current_app, render_template
from sqlalchemy import select

from ..database import db
from ..models import OrgUnit, Permission, Response, ResponseStatus, StaffMember, Wave
from ..respond.pages import answer_fields
from ..responses import operations as response_ops
from ..responses.values import answers_from_rows
from ..web.access import requires, visible_units
from . import bp
from .forms import CHANNELS
from .pages import readable
from .scopes import EVALUATION, WAVE_RESULTS
from .scoring import STAGES, needed_for, score_checklists, unit_rows


def _evaluations(wave: Wave) -> list[Response]:
    units = visible_units(Permission.VIEW_RESULTS)
    query = select(Response).where(Response.wave_id == wave.id, Response.status == ResponseStatus.COMPLETE)
    if units is not None:
        query = query.where(Response.subject_org_unit_id.in_(units))
    return list(db.session.scalars(query.order_by(Response.id)))


def _answers(questionnaire, responses: list[Response]) -> list[tuple[int, dict]]:
    fields = answer_fields(questionnaire)
    return [(r.id, answers_from_rows(fields, response_ops.stored_answers(r.id))) for r in responses]


def _tables(checklist, by_id: dict[int, Response]) -> dict:
    ids, scores = checklist.response_ids, checklist.scores
    minimum = current_app.config["COURTESY_MIN_EVALUATIONS"]
    offices = [by_id[i].subject_org_unit_id for i in ids]
    staff = [by_id[i].subject_staff_id for i in ids]
    stages = [scores.stage_percent.get(s, np.full(len(ids), np.nan)) for s in STAGES]
    return {"spec": checklist.spec, "rows": [(rid, scores.total[i], [part[i] for part in stages]) for i, rid in enumerate(ids)],
            "offices": unit_rows(ids, scores.total, scores.stage_percent, offices, minimum),
            "staff": unit_rows(ids, scores.total, scores.stage_percent, staff, minimum),
            "evaluations_needed": needed_for(scores.total)}


@bp.get("/waves/<int:wave_id>/results")
@requires(Permission.VIEW_RESULTS, scope=WAVE_RESULTS)
def results(wave_id: int):
    """Stage scores, totals and ranks per office and staff member, with every evaluation listed."""
    wave = db.session.get(Wave, wave_id)
    questionnaire = readable(wave.version)
    responses = _evaluations(wave)
    by_id = {r.id: r for r in responses}
    try:
        checklists = [_tables(c, by_id) for c in score_checklists(questionnaire, _answers(questionnaire, responses))]
    except ValueError as exc:
        current_app.logger.warning("courtesy scoring failed for wave %s: %s", wave_id, exc)
        checklists = []
    names = {u.id: u for u in db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_({r.subject_org_unit_id for r in responses if r.subject_org_unit_id})))}
    people = {s.id: s for s in db.session.scalars(select(StaffMember).where(StaffMember.id.in_({r.subject_staff_id for r in responses if r.subject_staff_id})))}
    return render_template("courtesy/results.html", wave=wave, checklists=checklists, by_id=by_id, units=names,
                           people=people, stages=STAGES, channels=CHANNELS, count=len(responses),
                           minimum=current_app.config["COURTESY_MIN_EVALUATIONS"])


@bp.get("/evaluations/<int:response_id>/view")
@requires(Permission.VIEW_RESULTS, scope=EVALUATION)
def evaluation(response_id: int):
    """One evaluation: who, where, how, when, each item's level and points, stage totals and notes."""
    response = db.session.get(Response, response_id)
    if response.wave.survey.kind != "staff_courtesy":
        abort(404)
    questionnaire = readable(response.wave.version)
    answers = dict(_answers(questionnaire, [response]))[response.id]
    scored = [c for c in score_checklists(questionnaire, [(response.id, answers)])] if response.is_complete else []
    notes = [(q, answers[q.code]) for q in questionnaire.questions() if q.type == "long_text" and answers.get(q.code)]
    return render_template("courtesy/evaluation.html", response=response, answers=answers, scored=scored,
                           notes=notes, stages=STAGES, channels=CHANNELS)
