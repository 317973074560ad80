"""Shared pieces of the designer views: loading, the survey's status, links, conflicts."""
from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from questionnaires import Questionnaire, QuestionnaireError, dump_yaml

from ..database import db
from ..models import Response, ResponseStatus, Survey, SurveyState, Wave
from .operations import DraftConflict, last_edit, save_draft
from .unsaved import restore

STATUS_LABELS = {"draft": _l("작성 중"), "published": _l("게시됨"), "running": _l("조사 진행 중"), "closed": _l("마감"),
                 "archived": _l("보관")}


def get_survey(survey_id: int) -> Survey:
    """The survey, or 404."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    return survey


def draft_of(survey: Survey) -> dict[str, Any]:
    """A copy of the survey's draft (never the stored object itself, so edits cannot leak in)."""
    draft = survey.draft_definition
    return copy.deepcopy(draft) if isinstance(draft, dict) else {}


def survey_status(survey: Survey, waves: list[Wave] | None = None) -> str:
    """draft, published, running (a wave accepts answers now), closed or archived."""
    if survey.state in (SurveyState.DRAFT, SurveyState.ARCHIVED, SurveyState.CLOSED):
        return survey.state
    waves = waves if waves is not None else list(db.session.scalars(select(Wave).where(Wave.survey_id == survey.id)))
    return "running" if any(w.is_open for w in waves) else "published"


def status_label(status: str) -> str:
    """The status in the page's language."""
    return str(STATUS_LABELS.get(status, status))


def has_unpublished_changes(survey: Survey) -> bool:
    """Whether the draft differs from the latest published version."""
    latest = survey.latest_version
    if latest is None:
        return True
    strip = lambda d: {k: v for k, v in (d or {}).items() if k != "version"}  # noqa: E731
    return strip(survey.draft_definition) != strip(latest.definition)


def completed_counts(wave_ids: list[int]) -> dict[int, int]:
    """Completed responses per wave."""
    if not wave_ids:
        return {}
    rows = db.session.execute(select(Response.wave_id, func.count(Response.id)).where(
        Response.wave_id.in_(wave_ids), Response.status == ResponseStatus.COMPLETE).group_by(Response.wave_id))
    return dict(rows.all())


def results_url(kind: str, **args: Any) -> str | None:
    """A link to the results pages (``results.survey`` / ``results.wave``) when that module is installed."""
    endpoint = f"results.{kind}"
    return url_for(endpoint, **args) if endpoint in current_app.view_functions else None


def as_yaml(draft: dict[str, Any]) -> str:
    """The draft as YAML text: the tidy canonical form when valid, a plain dump otherwise."""
    try:
        return dump_yaml(Questionnaire.from_dict(draft))
    except (QuestionnaireError, TypeError, ValueError):
        return yaml.safe_dump(draft, allow_unicode=True, sort_keys=False, width=120)


def part_yaml(value: Any) -> str:
    """A part of a draft (a question, a page) as YAML for side-by-side comparison."""
    if value is None:
        return _("(없음)")
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100)


def conflict_page(survey: Survey, conflict: DraftConflict, template: str, *, theirs: Any, mine: Any, **context):
    """The editor again with the user's content kept, the other person's saved content beside it (409)."""
    db.session.rollback()
    survey = get_survey(survey.id)
    event = last_edit(survey.id)
    if context.get("form") is not None and hasattr(context["form"], "lock_version"):
        context["form"].lock_version.data = str(survey.lock_version)  # saving again is a deliberate overwrite
    context.update(survey=survey, conflict={
        "by": event.actor_name if event else None, "at": event.occurred_at if event else None,
        "theirs": part_yaml(theirs), "mine": part_yaml(mine), "version": survey.lock_version})
    return render_template(template, **context), 409


@dataclass(frozen=True)
class DraftChange:
    """A designer form's change: the new draft, the user's part and the same part of a saved draft."""

    draft: dict[str, Any]
    mine: Any
    theirs: Callable[[dict[str, Any]], Any]
    after: Callable[[], None] | None = None


def draft_part_page(survey_id: int, template: str, what: str, make_form: Callable[..., Any],
                    change_of: Callable[..., DraftChange | None], saved: str):
    """An editor of one part of the draft: GET shows ``make_form(survey, draft, restored)`` (an unsaved
    copy restored after a sign-in), POST saves ``change_of(survey, draft, form)`` unless someone saved
    meanwhile (the conflict page, 409); invalid input shows the form again (422)."""
    found = get_survey(survey_id)
    draft = draft_of(found)
    restored = restore() if request.method == "GET" else None
    form = make_form(found, draft, restored)
    change = change_of(found, draft, form) if request.method == "POST" and form.validate() else None
    if change is not None:
        try:
            save_draft(found, form.version, change.draft, what)
        except DraftConflict as conflict:
            return conflict_page(found, conflict, template, form=form, mine=change.mine,
                                 theirs=change.theirs(draft_of(get_survey(survey_id))))
        if change.after is not None:
            change.after()
        flash(saved)
        return redirect(url_for("designer.survey", survey_id=survey_id))
    return render_template(template, survey=found, form=form,
                           restored=restored is not None), 422 if request.method == "POST" else 200
