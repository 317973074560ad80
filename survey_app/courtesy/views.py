"""Courtesy evaluation views: the evaluator's list, the subject step, the checklist, supervisors' results."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..database import db
from ..designer.unsaved import keeps_unsaved, restore
from ..models import OrgUnit, Permission, Response, ResponseStatus, StaffMember, Survey, Wave, utcnow
from ..respond.client_logic import page_logic
from ..respond.forms import build_page_form, question_numbers
from ..respond.pages import answer_fields, read_page
from ..responses import operations as response_ops
from ..responses.values import answers_from_rows
from ..web.access import can, requires, signed_in, visible_units
from ..web.choices import select_choices
from . import bp
from .forms import CHANNELS, SearchForm, SetupForm
from .operations import staff_of, start_evaluation, submit_evaluation
from .pages import checklist_items, matching_units, readable
from .scopes import EVALUATION


def _courtesy_waves():
    query = (select(Wave).join(Survey, Wave.survey_id == Survey.id).where(Survey.kind == "staff_courtesy")
             .order_by(Wave.id.desc()))
    return list(db.session.scalars(query))


@bp.get("/")
@signed_in
def index():
    """Open courtesy waves to evaluate, results to read, and the evaluator's own recent evaluations."""
    waves = [w for w in _courtesy_waves() if can(Permission.ENTER_EVALUATIONS) or can(Permission.VIEW_RESULTS)]
    mine = list(db.session.scalars(select(Response).where(Response.evaluator_id == current_user.id)
                                   .order_by(Response.id.desc()).limit(20)))
    return render_template("courtesy/index.html", waves=waves, open_now={w.id for w in waves if w.is_open},
                           mine=mine, visited={r.id: visit_time(r) for r in mine}, channels=CHANNELS)


def visit_time(evaluation: Response) -> datetime:
    """When the evaluated visit or call took place (as the evaluator entered it), else when entry began."""
    try:
        return datetime.fromisoformat((evaluation.hidden or {})["visited_at"])
    except (KeyError, TypeError, ValueError):
        return evaluation.started_at


def _wave_or_404(wave_id: int) -> Wave:
    wave = db.session.get(Wave, wave_id)
    if wave is None or wave.survey.kind != "staff_courtesy":
        abort(404)
    return wave


def _setup_form(query: str, unit_id: str | None, formdata=None) -> SetupForm:
    form = SetupForm(formdata=formdata) if formdata is not None else SetupForm()
    units = matching_units(query, visible_units(Permission.ENTER_EVALUATIONS), unit_id)
    form.org_unit.choices = select_choices([("", _("골라 주십시오"))] + [(str(u.id), f"{u.name} ({u.code})") for u in units])
    chosen = form.org_unit.data or unit_id
    staff = staff_of(int(chosen)) if chosen and str(chosen).isdecimal() and any(str(u.id) == str(chosen) for u in units) else []
    form.staff.choices = select_choices([("", _("직원을 특정하지 않음"))]
                                        + [(str(s.id), f"{s.name} ({s.employee_no})") for s in staff])
    return form


@bp.route("/waves/<int:wave_id>/new", methods=["GET", "POST"])
@requires(Permission.ENTER_EVALUATIONS)
@keeps_unsaved
def new_evaluation(wave_id: int):
    """Step 1: find the office, team or staff member (by name or code), the channel and the time."""
    wave = _wave_or_404(wave_id)
    search = SearchForm(request.args)
    restored = restore() if request.method == "GET" else None
    form = _setup_form(search.q.data or "", request.values.get("org_unit"), restored if restored is not None else (
        request.form if request.method == "POST" else None))
    if request.method == "POST" and form.validate():
        zone = ZoneInfo(current_app.config["TIMEZONE"])
        visited = form.visited_at.data.replace(tzinfo=zone)
        if not wave.is_open:
            flash(_("이 조사 차수는 지금 평가를 받지 않습니다."))
        elif visited > utcnow().astimezone(zone):
            form.visited_at.errors.append(_("앞으로의 시각은 입력할 수 없습니다."))
        else:
            unit = db.session.get(OrgUnit, int(form.org_unit.data))
            staff = db.session.get(StaffMember, int(form.staff.data)) if (form.staff.data or "").isdecimal() else None
            response = start_evaluation(wave, readable(wave.version), evaluator=current_user._get_current_object(),
                                        unit=unit, staff=staff, channel=form.channel.data, visited_at=visited)
            return redirect(url_for("courtesy.evaluate", response_id=response.id))
    return render_template("courtesy/setup.html", wave=wave, form=form, search=search, restored=restored is not None), \
        422 if request.method == "POST" else 200


def _evaluation_page(response, questionnaire, answers, form=None, errors=None, status=200, restored=False):
    items = checklist_items(questionnaire, answers, str(response.id))
    hours = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    form = form or build_page_form(items, hours, data=answers)
    return render_template("courtesy/evaluate.html", response=response, q=questionnaire, items=items, form=form,
                           errors=errors or {}, restored=restored, channels=CHANNELS, numbers=question_numbers(items),
                           logic=page_logic(questionnaire, items, answers)), status


@bp.route("/evaluations/<int:response_id>", methods=["GET", "POST"])
@requires(Permission.ENTER_EVALUATIONS, scope=EVALUATION)
@keeps_unsaved
def evaluate(response_id: int):
    """Step 2: the checklist on a phone-sized page, with notes; submitted once."""
    response = db.session.get(Response, response_id)
    if response.evaluator_id != current_user.id:
        abort(404)  # another evaluator's form: not shown, not even that it exists
    questionnaire = readable(response.wave.version)
    answers = answers_from_rows(answer_fields(questionnaire), response_ops.stored_answers(response.id))
    if response.status == ResponseStatus.COMPLETE:
        return redirect(url_for("courtesy.evaluation", response_id=response_id))
    restored = restore() if request.method == "GET" else None
    if request.method == "GET" and restored is None:
        return _evaluation_page(response, questionnaire, answers)
    items = checklist_items(questionnaire, answers, str(response.id))
    form = build_page_form(items, current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600,
                           formdata=restored if restored is not None else request.form)
    if restored is not None:
        return _evaluation_page(response, questionnaire, answers, form=form, restored=True)
    if not form.validate() and "csrf_token" in form.errors:
        flash(_("보안 확인 시간이 지났습니다. 입력하신 내용은 그대로이니 다시 제출해 주십시오."))
        return _evaluation_page(response, questionnaire, answers, form=form, status=400)
    read = read_page(questionnaire, items, form, answers)
    if read.errors:
        return _evaluation_page(response, questionnaire, answers, form=form, errors=read.errors, status=422)
    merged = {**{k: v for k, v in answers.items() if k not in read.codes}, **read.answers}
    try:
        submit_evaluation(response, questionnaire, merged)
    except response_ops.AlreadyCompleted:
        pass
    flash(_("평가를 제출했습니다. 감사합니다."))
    return redirect(url_for("courtesy.index"))


from . import results_views  # noqa: E402,F401
