"""Staff pages where CS staff set a survey's targets per index and its population margins for weighting.

Access: ``surveys.edit`` on the survey's unit (as designing it). Both pages check everything before they
change anything and keep what was typed when they refuse it, with every problem named in Korean.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from questionnaires import QuestionnaireError

from ..database import db
from ..models import Permission, Survey, SurveyWeighting, Wave
from ..web.access import requires, scopes
from .build import directory, segment_names, survey_waves
from .forms import ActionForm
from .loading import load_wave
from .margins import check_margins, decode_upload, margins_table, read_table
from .operations import save_targets, save_weighting
from .segments import TITLES
from .targets import measures, parse_target, stored_targets

bp = Blueprint("result_settings", __name__, url_prefix="/manage/results")

#: Largest margins file accepted (a table of a few hundred categories is a few kilobytes).
MAX_MARGINS_BYTES = 256 * 1024


def _questionnaire(survey: Survey):
    version = survey.latest_version
    if version is None:
        return None
    try:
        return version.questionnaire
    except QuestionnaireError:
        return None


def _wave_of(survey: Survey, raw: str | None) -> Wave | None:
    """The wave a target is set for (None: every wave); another survey's wave is refused."""
    if not raw or raw == "0":
        return None
    wave = db.session.get(Wave, int(raw)) if raw.isdecimal() else None
    if wave is None or wave.survey_id != survey.id:
        abort(404)
    return wave


@bp.route("/surveys/<int:survey_id>/targets", methods=["GET", "POST"])
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
def targets(survey_id: int):
    """The survey's target per index and dimension, for every wave or for one wave."""
    survey = db.session.get(Survey, survey_id)
    questionnaire = _questionnaire(survey)
    wave = _wave_of(survey, request.values.get("wave"))
    found = measures(questionnaire) if questionnaire is not None else []
    typed, errors = {}, []
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        values = {}
        for measure in found:
            typed[measure.key] = request.form.get(f"target-{measure.key}", "")
            values[measure], problem = parse_target(typed[measure.key], measure.name)
            if problem:
                errors.append(problem)
        if not errors:
            changes = save_targets(survey, wave.id if wave else None, values, current_user.id)
            flash(_("목표를 저장했습니다 (바뀐 목표 %(n)s개).", n=len(changes)))
            return redirect(url_for(".targets", survey_id=survey.id, wave=wave.id if wave else None))
    own = stored_targets(survey.id, None)
    current = {k: r for k, r in stored_targets(survey.id, wave.id).items() if r.wave_id == wave.id} if wave else own
    return render_template("results/targets.html", survey=survey, wave=wave, measures=found, errors=errors,
                           typed=typed, current=current, survey_wide=own, waves=survey_waves(survey.id),
                           form=ActionForm()), 422 if errors else 200


def known_categories(survey: Survey) -> dict[str, dict[str, str]]:
    """Categories of each weighting variable in the survey's latest wave with answers (label → shown name)."""
    for wave in reversed(survey_waves(survey.id)):
        try:
            data = load_wave(wave.id, wave.version.questionnaire)
        except QuestionnaireError:
            continue
        if data.n == 0:
            continue
        names = segment_names(directory(data))
        return {name: {level: names.get(name, {}).get(level, level) for level in seg.levels}
                for name, seg in data.segments.items() if name in TITLES and seg.levels}
    return {}


def _typed_margins() -> tuple[str, str | None]:
    """The margins text: an uploaded CSV file's, else the typed table's; and a problem reading the file."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return request.form.get("margins", ""), None
    raw = upload.read(MAX_MARGINS_BYTES + 1)
    if len(raw) > MAX_MARGINS_BYTES:
        return request.form.get("margins", ""), _("파일이 너무 큽니다. 256KB 이하의 CSV 파일을 올려 주십시오.")
    try:
        return decode_upload(raw), None
    except ValueError as exc:
        return request.form.get("margins", ""), str(exc)


@bp.route("/surveys/<int:survey_id>/weighting", methods=["GET", "POST"])
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
def weighting(survey_id: int):
    """The survey's population margins (typed or uploaded) and whether results are weighted to them."""
    survey = db.session.get(Survey, survey_id)
    setting = db.session.get(SurveyWeighting, survey.id)
    known = known_categories(survey)
    text = margins_table(setting.margins, known) if setting and setting.margins else ""
    enabled, source, errors = bool(setting and setting.enabled), (setting.source or "") if setting else "", []
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        text, problem = _typed_margins()
        enabled, source = request.form.get("enabled") == "1", request.form.get("source", "").strip()[:200]
        errors = [problem] if problem else []
        margins = None
        if not errors and text.strip():
            margins, errors = check_margins(read_table(text), known)
        elif not errors and enabled:
            errors = [_("가중치를 적용하려면 먼저 모집단 비율을 적어 주십시오.")]
        if not errors:
            save_weighting(survey, enabled=enabled, margins=margins if text.strip() else {}, source=source,
                           updated_by_id=current_user.id)
            flash(_("가중치 설정을 저장했습니다. 결과는 다음에 열 때 새 설정으로 계산합니다.") if enabled
                  else _("가중치 설정을 저장했습니다. 결과는 가중치 없이 계산합니다."))
            return redirect(url_for(".weighting", survey_id=survey.id))
    return render_template("results/weighting.html", survey=survey, known=known, text=text, enabled=enabled,
                           source=source, errors=errors, titles=TITLES, form=ActionForm(),
                           latest=_latest_wave(survey)), 422 if errors else 200


def _latest_wave(survey: Survey) -> Wave | None:
    return db.session.scalars(select(Wave).where(Wave.survey_id == survey.id).order_by(Wave.id.desc())).first()
