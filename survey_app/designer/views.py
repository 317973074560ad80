"""Designer views: a new survey, a survey's page, its settings, files in and out, copies, language."""
from __future__ import annotations

import re

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from questionnaires import Questionnaire, QuestionnaireError, list_templates, load_file, load_template, xlsx_bytes

from ..admin.units import chosen_unit, scope_of, unit_choices
from ..database import db
from ..models import Permission, Wave, utcnow
from ..web.access import can, requires, scopes, signed_in
from ..web.choices import choice_values, select_choices
from ..web.i18n import LOCALES
from ..web.redirects import same_site_path
from ..web.request_size import accepts_upload
from . import bp
from .drafts import blank_definition, update_settings
from .forms import KIND_LABELS, CopyForm, DesignerForm, ImportForm, NewSurveyForm, SettingsForm
from .headline import headline_offer
from .operations import CodeTaken, DraftConflict, copy_survey, create_survey, save_draft
from .problems import draft_problems, message, placed
from .support import (
    DraftChange,
    as_yaml,
    completed_counts,
    draft_of,
    draft_part_page,
    get_survey,
    has_unpublished_changes,
    results_url,
    survey_status,
)
from .unsaved import keeps_unsaved, restore


@bp.post("/language")
@signed_in
def set_language():
    """Switch the staff pages between Korean and English for this user."""
    locale = request.form.get("locale", "")
    if not DesignerForm().validate_on_submit():
        abort(400)
    if locale in LOCALES:
        current_user.locale = locale
    target = request.form.get("next", "")
    staff_page = target.startswith("/manage") and "//" not in target
    return redirect(same_site_path(target, url_for("manage.index")) if staff_page else url_for("manage.index"))


def _template_title(name: str) -> str:
    try:
        return load_template(name).title.get("ko")
    except QuestionnaireError:
        return name


def _new_form(formdata=None) -> NewSurveyForm:
    form = NewSurveyForm(formdata=formdata) if formdata is not None else NewSurveyForm()
    form.start.choices = select_choices([("template", _("템플릿에서 시작")), ("blank", _("빈 설문에서 시작")),
                                         ("file", _("파일 가져오기"))])
    form.template.choices = select_choices((name, _template_title(name)) for name in list_templates())
    form.org_unit.choices = select_choices(unit_choices(Permission.EDIT_SURVEYS))
    return form


def _starting_definition(form: NewSurveyForm) -> dict | None:
    """The questionnaire to start from, or None with the reason added to the form."""
    try:
        if form.start.data == "template":
            return load_template(form.template.data).to_dict()
        if form.start.data == "file":
            upload = form.file.data
            if not upload or not upload.filename:
                form.file.errors.append(_("가져올 파일을 골라 주십시오."))
                return None
            return load_file(upload.read(), upload.filename).to_dict()
    except QuestionnaireError as exc:
        form.file.errors.extend(message(p) for p in exc.problems[:10])
        return None
    title = form.title.data or form.code.data
    return blank_definition(re.sub(r"[^A-Za-z0-9_]", "_", form.code.data)[:40] or "SURVEY", title, form.kind.data)


@bp.route("/surveys/new", methods=["GET", "POST"])
@accepts_upload
@requires(Permission.EDIT_SURVEYS)
@keeps_unsaved
def new_survey():
    """Start a survey from a template, a YAML or Excel file, or a blank page."""
    restored = restore() if request.method == "GET" else None
    form = _new_form(restored)
    if request.method == "POST" and form.validate():
        unit = chosen_unit(form.org_unit.data)
        definition = _starting_definition(form)
        if definition is not None and can(Permission.EDIT_SURVEYS, scope_of(unit)):
            title = form.title.data or (definition.get("title") or {}).get("ko") or form.code.data
            if form.title.data:
                definition["title"] = {**(definition.get("title") or {}), "ko": form.title.data}
            try:
                survey = create_survey(form.code.data, title, definition.get("kind") or form.kind.data, definition,
                                       owner=current_user._get_current_object(), org_unit_id=unit)
            except CodeTaken:
                form.code.errors.append(_("이미 쓰고 있는 설문 코드입니다. 다른 코드를 적어 주십시오."))
            else:
                flash(_("설문을 만들었습니다."))
                return redirect(url_for("designer.survey", survey_id=survey.id))
    status = 422 if request.method == "POST" else 200
    return render_template("designer/new.html", form=form, restored=restored is not None), status


@bp.get("/surveys/<int:survey_id>/")
@requires(Permission.VIEW_SURVEYS, scope=scopes.SURVEY_RESULTS)
def survey(survey_id: int):
    """A survey's designer page: pages and questions with their problems, versions, waves and links."""
    found = get_survey(survey_id)
    draft, scope = draft_of(found), scopes.SURVEY.resolve(survey_id=survey_id)
    problems = draft_problems(draft)
    waves = list(db.session.scalars(select(Wave).where(Wave.survey_id == survey_id).order_by(Wave.id.desc())))
    return render_template(
        "designer/survey.html", survey=found, draft=draft, problems=problems, by_place=placed(draft, problems),
        message=message, waves=waves, counts=completed_counts([w.id for w in waves]),
        status=survey_status(found, waves), unpublished=has_unpublished_changes(found),
        results_url=results_url, can_edit=can(Permission.EDIT_SURVEYS, scope), scope=scope,
        import_form=ImportForm(lock_version=found.lock_version), kinds=KIND_LABELS,
        headline_items=headline_offer(draft))


def _settings_form(survey, draft, formdata=None) -> SettingsForm:
    text = lambda key, lang: (draft.get(key) or {}).get(lang, "") if isinstance(draft.get(key), dict) else ""  # noqa
    data = {"code": draft.get("code"), "kind": draft.get("kind") or survey.kind, "lock_version": survey.lock_version,
            "org_unit": str(survey.org_unit_id or "")}
    data.update({f"{k}_{lang}": text(k, lang) for k in ("title", "description", "closing") for lang in ("ko", "en")})
    form = SettingsForm(formdata=formdata, data=data)
    units = unit_choices(Permission.EDIT_SURVEYS)
    if data["org_unit"] not in choice_values(units):
        units.insert(0, (data["org_unit"], survey.org_unit.name if survey.org_unit else "-"))
    form.org_unit.choices = select_choices(units)
    return form


def _settings_of(form: SettingsForm) -> dict:
    pair = lambda k: {lang: v for lang in ("ko", "en") if (v := (getattr(form, f"{k}_{lang}").data or "").strip())}  # noqa
    return {"code": form.code.data.strip(), "kind": form.kind.data, "title": pair("title"),
            "description": pair("description"), "closing": pair("closing")}


def _settings_change(survey, draft: dict, form: SettingsForm) -> DraftChange:
    unit = chosen_unit(form.org_unit.data)
    if unit != survey.org_unit_id and not can(Permission.EDIT_SURVEYS, scope_of(unit)):
        abort(403)
    fields = _settings_of(form)

    def move_to_unit() -> None:
        survey.org_unit_id = unit
    return DraftChange(draft=update_settings(draft, fields), mine=fields,
                       theirs=lambda saved: {k: saved.get(k) for k in fields}, after=move_to_unit)


@bp.route("/surveys/<int:survey_id>/settings", methods=["GET", "POST"])
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
@keeps_unsaved
def settings(survey_id: int):
    """Title, kind, introduction, closing text and the owning unit."""
    def make_form(survey, draft, restored) -> SettingsForm:
        return _settings_form(survey, draft, restored if restored is not None else
                              (request.form if request.method == "POST" else None))
    return draft_part_page(survey_id, "designer/settings.html", "settings", make_form, _settings_change,
                           _("설정을 저장했습니다."))


@bp.get("/surveys/<int:survey_id>/export.yaml")
@requires(Permission.VIEW_SURVEYS, scope=scopes.SURVEY_RESULTS)
def export_yaml(survey_id: int):
    """The draft as a YAML questionnaire file."""
    found = get_survey(survey_id)
    return Response(as_yaml(draft_of(found)), mimetype="application/x-yaml",
                    headers={"Content-Disposition": f'attachment; filename="{found.code}.yaml"'})


@bp.get("/surveys/<int:survey_id>/export.xlsx")
@requires(Permission.VIEW_SURVEYS, scope=scopes.SURVEY_RESULTS)
def export_xlsx(survey_id: int):
    """The draft as an Excel questionnaire workbook (only a draft without problems can be written)."""
    found = get_survey(survey_id)
    try:
        data = xlsx_bytes(Questionnaire.from_dict(draft_of(found)))
    except QuestionnaireError:
        flash(_("설문지에 고칠 점이 있어 Excel로 내보낼 수 없습니다. 먼저 문제를 고쳐 주십시오. YAML로는 내보낼 수 있습니다."))
        return redirect(url_for("designer.survey", survey_id=survey_id))
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{found.code}.xlsx"'})


@bp.post("/surveys/<int:survey_id>/import")
@accepts_upload
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
def import_file(survey_id: int):
    """Replace the draft with a YAML or Excel questionnaire file (the old draft stays in the history)."""
    found = get_survey(survey_id)
    form = ImportForm()
    upload = form.file.data
    if not form.validate() or not upload or not upload.filename:
        flash(_("가져올 파일을 골라 주십시오."))
        return redirect(url_for("designer.survey", survey_id=survey_id))
    try:
        definition = load_file(upload.read(), upload.filename).to_dict()
    except QuestionnaireError as exc:
        for problem in exc.problems[:10]:
            flash(f"{problem.location}: {message(problem)}")
        return redirect(url_for("designer.survey", survey_id=survey_id))
    try:
        save_draft(found, form.version, definition, "import")
    except DraftConflict:
        flash(_("그 사이 다른 분이 이 설문을 저장하여 가져오지 않았습니다. 화면을 확인한 뒤 다시 가져와 주십시오."))
        return redirect(url_for("designer.survey", survey_id=survey_id))
    flash(_("파일을 가져와 초안을 바꾸었습니다."))
    return redirect(url_for("designer.survey", survey_id=survey_id))


def _next_quarter_label() -> str:
    now = utcnow()
    quarter = (now.month - 1) // 3 + 2
    year = now.year + (quarter > 4)
    return f"{year}Q{(quarter - 1) % 4 + 1}"


@bp.route("/surveys/<int:survey_id>/copy", methods=["GET", "POST"])
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
def copy(survey_id: int):
    """Copy the survey for next quarter's wave, keeping every question code."""
    found = get_survey(survey_id)
    label = _next_quarter_label()
    form = CopyForm(data={"code": f"{found.code}-{label}"[:64], "title": f"{found.title} ({label})"[:300]})
    if form.validate_on_submit():
        try:
            new = copy_survey(found, form.code.data, form.title.data, by=current_user._get_current_object())
        except CodeTaken:
            form.code.errors.append(_("이미 쓰고 있는 설문 코드입니다. 다른 코드를 적어 주십시오."))
        else:
            flash(_("설문을 복사했습니다. 문항 코드는 그대로입니다."))
            return redirect(url_for("designer.survey", survey_id=new.id))
    return render_template("designer/copy.html", survey=found, form=form), 422 if form.errors else 200
