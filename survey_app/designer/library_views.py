"""Whole-questionnaire editors: the YAML source, shared lists and scales, scoring declarations."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from questionnaires import QuestionnaireError
from questionnaires.validation import collect
from questionnaires.yaml_io import locate_in_yaml, parse_yaml

from ..models import Permission
from ..web.access import requires, scopes
from . import bp
from .drafts import replace_part
from .forms import LibraryForm, ScoringForm, SourceForm
from .library import lists_text, parse_lists, parse_scales, scales_text
from .lines import LineError, indices_text, named_text, parse_indices, parse_named
from .operations import DraftConflict, save_draft
from .problems import message
from .support import DraftChange, as_yaml, conflict_page, draft_of, draft_part_page, get_survey, part_yaml
from .unsaved import keeps_unsaved, restore


def _posted(restored):
    return {"formdata": restored} if restored is not None else {}


def _status() -> int:
    return 422 if request.method == "POST" else 200


@bp.route("/surveys/<int:survey_id>/source", methods=["GET", "POST"])
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
@keeps_unsaved
def source(survey_id: int):
    """Edit the whole questionnaire as YAML; problems are listed with their line numbers."""
    found = get_survey(survey_id)
    restored = restore() if request.method == "GET" else None
    form = SourceForm(**_posted(restored), data={"source": as_yaml(draft_of(found)), "lock_version": found.lock_version})
    problems = []
    if request.method == "POST" and form.validate():
        try:
            data, lines = parse_yaml(form.source.data)
        except QuestionnaireError as exc:
            problems = list(exc.problems)
        else:
            if not isinstance(data, dict):
                form.source.errors.append(_("설문지는 'code:', 'title:' 같은 항목으로 이루어진 YAML이어야 합니다."))
            else:
                try:
                    save_draft(found, form.version, data, "source")
                except DraftConflict as conflict:
                    return conflict_page(found, conflict, "designer/source.html", form=form, problems=[],
                                         theirs=draft_of(get_survey(survey_id)), mine=data, message=message)
                problems = locate_in_yaml(collect(data)[1], lines)
                if not problems:
                    flash(_("YAML 원본을 저장했습니다."))
                    return redirect(url_for("designer.survey", survey_id=survey_id))
                flash(_("저장했습니다. 게시하려면 아래 문제를 고쳐 주십시오."))
                form.lock_version.data = str(found.lock_version)
                return render_template("designer/source.html", survey=found, form=form, problems=problems,
                                       message=message)
    return render_template("designer/source.html", survey=found, form=form, problems=problems, message=message,
                           restored=restored is not None), _status()


def _parse_into(form, field, parser):
    try:
        return parser(field.data)
    except LineError as exc:
        field.errors.append(str(exc))
        return None


def _library_form(survey, draft: dict, restored) -> LibraryForm:
    return LibraryForm(**_posted(restored), data={"lists": lists_text(draft.get("choice_lists")),
                                                  "scales": scales_text(draft.get("scales")),
                                                  "lock_version": survey.lock_version})


def _library_change(survey, draft: dict, form: LibraryForm) -> DraftChange | None:
    lists = _parse_into(form, form.lists, parse_lists)
    scales = _parse_into(form, form.scales, parse_scales)
    if lists is None or scales is None:
        return None
    return DraftChange(draft=replace_part(replace_part(draft, "choice_lists", lists), "scales", scales),
                       mine={"choice_lists": lists, "scales": scales},
                       theirs=lambda saved: {"choice_lists": saved.get("choice_lists"), "scales": saved.get("scales")})


@bp.route("/surveys/<int:survey_id>/library", methods=["GET", "POST"])
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
@keeps_unsaved
def library(survey_id: int):
    """Shared choice lists and scales that several questions use by name."""
    return draft_part_page(survey_id, "designer/library.html", "library", _library_form, _library_change,
                           _("공유 보기 목록과 척도를 저장했습니다."))


CHECKLIST_CELLS = ("total", "credit")


def _scoring_text(draft: dict) -> dict:
    scoring = draft.get("scoring") if isinstance(draft.get("scoring"), dict) else {}
    return {"dimensions": named_text(scoring.get("dimensions")), "indices": indices_text(scoring.get("indices")),
            "checklists": named_text(scoring.get("checklists"), CHECKLIST_CELLS)}


def _scoring_form(survey, draft: dict, restored) -> ScoringForm:
    return ScoringForm(**_posted(restored), data={**_scoring_text(draft), "lock_version": survey.lock_version})


def _scoring_change(survey, draft: dict, form: ScoringForm) -> DraftChange | None:
    parts = {"dimensions": _parse_into(form, form.dimensions, parse_named),
             "indices": _parse_into(form, form.indices, parse_indices),
             "checklists": _parse_into(form, form.checklists, lambda t: parse_named(t, CHECKLIST_CELLS))}
    if any(field.errors for field in (form.dimensions, form.indices, form.checklists)):
        return None
    value = {k: v for k, v in parts.items() if v}
    return DraftChange(draft=replace_part(draft, "scoring", value), mine=value,
                       theirs=lambda saved: saved.get("scoring"))


@bp.route("/surveys/<int:survey_id>/scoring", methods=["GET", "POST"])
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
@keeps_unsaved
def scoring(survey_id: int):
    """Scoring dimensions, weighted indices and courtesy checklists of the questionnaire."""
    return draft_part_page(survey_id, "designer/scoring.html", "scoring", _scoring_form, _scoring_change,
                           _("채점 설정을 저장했습니다."))


__all__ = ["part_yaml"]
