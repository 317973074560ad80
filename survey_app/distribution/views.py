"""Staff screens for distribution (/manage/distribution): contact import, wave plans, funnels, QR codes."""
from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select

from questionnaires.korean import resolve_particles

from ..database import db
from ..models import DistributionPlan, Invitation, Permission, PlanStatus, Survey, Wave
from ..web.access import requires, scopes, visible_units
from .forms import PlanForm, RunningPlanForm
from .funnel import STAGE_LABELS, STAGES, outbox_counts, wave_funnel
from .plan_form import (
    form_from_plan,
    input_from_form,
    input_from_running_form,
    running_form_from_plan,
    with_segment_choices,
)
from .plans import PlanError, edit_running_plan, save_plan, schedule
from .plans import cancel as cancel_plan
from .sending_status import local_text, sending_status
from .test_send import send_test_messages
from .unsubscribe_views import bp as unsubscribe_bp

bp = Blueprint("distribution", __name__, url_prefix="/manage/distribution")
SEGMENTS = {"": _l("없음"), "region": _l("지역"), "office_code": _l("우체국"), "service_type": _l("서비스"),
            "customer_type": _l("고객 유형"), "age_band": _l("연령대")}


def register_blueprints(app: Flask) -> None:
    """Register the staff blueprint and the public unsubscribe page."""
    from . import import_views  # noqa: F401  (routes on ``bp``; cycle: it imports ``bp`` from here)

    app.register_blueprint(bp)
    app.register_blueprint(unsubscribe_bp)


@bp.get("/")
@requires(Permission.MANAGE_WAVES)
def index():
    """Waves the user may run, with their distribution status."""
    query = select(Wave, DistributionPlan).join(Survey).outerjoin(DistributionPlan).order_by(Wave.id.desc())
    units = visible_units(Permission.MANAGE_WAVES)
    if units is not None:
        query = query.where(or_(Survey.org_unit_id.in_(units), Survey.org_unit_id.is_(None)))
    rows = db.session.execute(query.limit(200)).all()
    return render_template("distribution/index.html", rows=rows, invited=_invited([wave.id for wave, _plan in rows]))


def _invited(wave_ids: list[int]) -> dict[int, int]:
    """Invitations per wave, however they were made (a send plan, the API, a contact file)."""
    if not wave_ids:
        return {}
    return dict(db.session.execute(select(Invitation.wave_id, func.count()).where(Invitation.wave_id.in_(wave_ids))
                                   .group_by(Invitation.wave_id)).all())


def _wave(wave_id: int) -> tuple[Wave, DistributionPlan | None]:
    wave = db.session.get(Wave, wave_id)
    if wave is None:
        abort(404)
    return wave, db.session.get(DistributionPlan, wave_id)


@bp.route("/waves/<int(max=2147483647):wave_id>/plan", methods=["GET", "POST"])
@requires(Permission.MANAGE_WAVES, scope=scopes.WAVE)
def plan(wave_id: int):
    """Edit the wave's audience, channels, schedule, reminders and messages; save it as a draft or scheduled."""
    wave, stored = _wave(wave_id)
    if stored is not None and stored.status == PlanStatus.RUNNING:
        return _running_plan(wave, stored)
    form = form_from_plan(stored) if request.method == "GET" else with_segment_choices(PlanForm())
    if request.method == "GET":
        return _plan_page(wave, stored, form)
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            saved = save_plan(wave, input_from_form(form))
            if request.form.get("then") == "schedule" and saved.status != PlanStatus.SCHEDULED:
                schedule(saved)
                flash(_("발송 계획을 저장하고 발송을 예약했습니다. 시작 시각이 되면 보냅니다."))
            elif saved.status == PlanStatus.SCHEDULED:
                flash(_("발송 계획을 저장했습니다. 예약은 그대로입니다."))
            else:
                flash(_("발송 계획을 저장했습니다. 아직 예약하지 않았습니다: 보내려면 '저장하고 발송 예약'을 눌러 주십시오."))
            return redirect(url_for("distribution.plan", wave_id=wave_id))
        except PlanError as exc:
            problems = exc.problems
    return _plan_page(wave, stored, form, problems), 400


def _plan_page(wave: Wave, stored: DistributionPlan | None, form, problems: list[str] = ()):
    return render_template("distribution/plan.html", wave=wave, plan=stored, form=form, problems=list(problems),
                           running=stored is not None and stored.status == PlanStatus.RUNNING,
                           own_email=current_user.email, local_text=local_text)


def _running_plan(wave: Wave, stored: DistributionPlan):
    """A wave being sent: only reminders, quiet hours and the texts of unsent messages may change (logged)."""
    form = running_form_from_plan(stored) if request.method == "GET" else RunningPlanForm()
    if request.method == "GET":
        return _plan_page(wave, stored, form)
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            changes = edit_running_plan(stored, input_from_running_form(stored, form))
            flash(_("발송 중인 계획을 바꿨습니다. 아직 보내지 않은 메시지부터 적용됩니다.") if changes
                  else _("바뀐 것이 없습니다."))
            return redirect(url_for("distribution.plan", wave_id=wave.id))
        except PlanError as exc:
            problems = exc.problems
    return _plan_page(wave, stored, form, problems), 400


@bp.post("/waves/<int(max=2147483647):wave_id>/test-send")
@requires(Permission.MANAGE_WAVES, scope=scopes.WAVE)
def test_send(wave_id: int):
    """Send the saved plan's invitation and reminder e-mails to the signed-in staff member's own address."""
    _wave_obj, stored = _wave(wave_id)
    try:
        if stored is None:
            raise PlanError([_("먼저 발송 계획을 저장해 주십시오.")])
        address = send_test_messages(stored, current_user)
        if current_app.config["SMTP_HOST"]:
            flash(resolve_particles(_("초대 안내와 재안내를 한 통씩 %(address)s(으)로 보냈습니다. 메일함을 확인해 주십시오.", address=address)))
        else:  # the demo: no mail server, the mails are files
            flash(_("메일 서버(SURVEY_SMTP_HOST)가 설정되지 않아 초대 안내와 재안내를 서버의 outbox/mail 폴더에 "
                    ".eml 파일로 저장했습니다."))
    except PlanError as exc:
        for problem in exc.problems:
            flash(problem)
    return redirect(url_for("distribution.plan", wave_id=wave_id))


@bp.post("/waves/<int(max=2147483647):wave_id>/schedule")
@requires(Permission.MANAGE_WAVES, scope=scopes.WAVE)
def schedule_wave(wave_id: int):
    """Hand a saved plan to the scheduler (checked against the clock)."""
    wave, stored = _wave(wave_id)
    if stored is None:
        flash(_("먼저 발송 계획을 저장해 주십시오."))
        return redirect(url_for("distribution.plan", wave_id=wave_id))
    try:
        schedule(stored)
        flash(_("발송을 예약했습니다."))
    except PlanError as exc:
        for problem in exc.problems:
            flash(problem)
    return redirect(url_for("distribution.plan", wave_id=wave_id))


@bp.post("/waves/<int(max=2147483647):wave_id>/cancel")
@requires(Permission.MANAGE_WAVES, scope=scopes.WAVE)
def cancel(wave_id: int):
    """Cancel a scheduled plan before it starts."""
    _wave_obj, stored = _wave(wave_id)
    try:
        if stored is None:
            raise PlanError([_("발송 계획이 없습니다.")])
        cancel_plan(stored)
        flash(_("예약을 취소했습니다."))
    except PlanError as exc:
        flash(" ".join(exc.problems))
    return redirect(url_for("distribution.plan", wave_id=wave_id))


@bp.get("/waves/<int(max=2147483647):wave_id>/funnel")
@requires(Permission.VIEW_RESULTS, scope=scopes.WAVE)
def funnel(wave_id: int):
    """The wave's funnel by channel and one segment attribute."""
    wave, stored = _wave(wave_id)
    segment = request.args.get("by", "")
    segment = segment if segment in SEGMENTS else ""
    return render_template("distribution/funnel.html", wave=wave, plan=stored, funnel=wave_funnel(wave_id, segment or None),
                           stages=STAGES, labels=STAGE_LABELS, segments=SEGMENTS, segment=segment,
                           outbox=outbox_counts(wave_id), status=sending_status(wave_id), local_text=local_text)
