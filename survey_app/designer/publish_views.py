"""Preview, publish (with changelog and the diff against the last version) and waves."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from questionnaires import Questionnaire, QuestionnaireError, diff
from questionnaires.korean import resolve_particles

from ..models import Permission
from ..web.access import requires, scopes
from . import bp
from . import preview as pv
from .forms import PublishForm, WaveForm
from .operations import DraftConflict, create_wave, publish
from .problems import draft_problems, message
from .support import draft_of, get_survey


def _aware(value: datetime | None) -> datetime | None:
    """A time typed in the configured zone, as an aware datetime."""
    return value.replace(tzinfo=ZoneInfo(current_app.config["TIMEZONE"])) if value else None


def _preview_page(survey, questionnaire, page, answers, phone, status=200, **extra):
    context = pv.page_context(questionnaire, page, answers, **extra)
    return render_template("designer/preview.html", survey=survey, phone=phone, show_codes=True, **context), status


@bp.route("/surveys/<int:survey_id>/preview", methods=["GET", "POST"])
@requires(Permission.VIEW_SURVEYS, scope=scopes.SURVEY_RESULTS)
def preview(survey_id: int):
    """The draft as a respondent sees it, page by page with its logic; nothing is stored."""
    found = get_survey(survey_id)
    phone = request.values.get("phone") == "1"
    try:
        questionnaire = Questionnaire.from_dict(draft_of(found))
    except QuestionnaireError as exc:
        return render_template("designer/preview.html", survey=found, problems=exc.problems, message=message,
                               phone=phone, q=None)
    answers = pv.unseal(request.form.get("state")) if request.method == "POST" else {}
    shown = pv.pages(questionnaire, answers)
    if not shown:
        return render_template("designer/preview.html", survey=found, q=questionnaire, phone=phone, done=True,
                               answers={}, problems=[])
    page = request.values.get("page", type=int) or shown[0]
    if page < 1 or page > len(questionnaire.sections):
        abort(404)
    if request.method == "GET":
        return _preview_page(found, questionnaire, page, answers, phone)
    form = pv.rebuild_form(questionnaire, page, answers, request.form)
    if not form.validate() and "csrf_token" in form.errors:
        return _preview_page(found, questionnaire, page, answers, phone, 400, formdata=request.form)
    errors, merged, target = pv.submit(questionnaire, page, answers, form, request.form.get("move") == "prev")
    if errors:
        return _preview_page(found, questionnaire, page, answers, phone, 422, formdata=request.form, errors=errors)
    if target is None:
        return render_template("designer/preview.html", survey=found, q=questionnaire, phone=phone, done=True,
                               answers=pv.final_answers(questionnaire, merged), problems=[])
    return _preview_page(found, questionnaire, target, merged, phone)


def _diff(survey, draft):
    latest = survey.latest_version
    if latest is None:
        return None
    try:
        return diff(latest.definition, draft)
    except QuestionnaireError:
        return None


def _publish_form() -> PublishForm:
    label = datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).strftime("%Y-%m")
    return PublishForm(data={"wave_name": _("%(label)s 조사", label=label), "make_wave": True, "open_link": True})


@bp.route("/surveys/<int:survey_id>/publish", methods=["GET", "POST"])
@requires(Permission.PUBLISH_SURVEYS, scope=scopes.SURVEY)
def publish_view(survey_id: int):
    """Check the draft, show what changed since the last version, publish it and open a wave."""
    found = get_survey(survey_id)
    draft = draft_of(found)
    problems = draft_problems(draft)
    form = _publish_form()
    if request.method == "GET":
        form.lock_version.data = str(found.lock_version)
    if request.method == "POST" and form.validate() and not problems:
        if form.closes_at.data and form.opens_at.data and form.closes_at.data <= form.opens_at.data:
            form.closes_at.errors.append(_("마감 시각은 시작 시각보다 뒤여야 합니다."))
        elif form.make_wave.data and not (form.wave_name.data or "").strip():
            form.wave_name.errors.append(_("차수 이름을 입력해 주십시오."))
        else:
            try:
                version = publish(found, form.version, draft, by=current_user._get_current_object(),
                                  changelog=(form.changelog.data or "").strip())
            except DraftConflict:
                flash(_("그 사이 다른 분이 초안을 고쳤습니다. 바뀐 내용을 확인한 뒤 다시 게시해 주십시오."))
                return redirect(url_for("designer.publish_view", survey_id=survey_id))
            if form.make_wave.data:
                create_wave(found, version, form.wave_name.data.strip(), opens_at=_aware(form.opens_at.data),
                            closes_at=_aware(form.closes_at.data), open_link=form.open_link.data)
            flash(resolve_particles(_("버전 %(n)s을(를) 게시했습니다.", n=version.number)))
            return redirect(url_for("designer.survey", survey_id=survey_id) + "#waves")
    status = 422 if request.method == "POST" else 200
    return render_template("designer/publish.html", survey=found, form=form, problems=problems, message=message,
                           changes=_diff(found, draft)), status


@bp.route("/surveys/<int:survey_id>/waves/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_WAVES, scope=scopes.SURVEY)
def new_wave(survey_id: int):
    """A new wave of the latest published version: name, open and close times, open link."""
    found = get_survey(survey_id)
    if found.latest_version is None:
        flash(_("먼저 설문을 게시해 주십시오."))
        return redirect(url_for("designer.survey", survey_id=survey_id))
    form = WaveForm()
    if form.validate_on_submit():
        create_wave(found, found.latest_version, form.name.data.strip(), opens_at=_aware(form.opens_at.data),
                    closes_at=_aware(form.closes_at.data), open_link=form.open_link.data)
        flash(_("조사 차수를 만들었습니다."))
        return redirect(url_for("designer.survey", survey_id=survey_id) + "#waves")
    return render_template("designer/wave_new.html", survey=found, form=form), 422 if form.errors else 200
