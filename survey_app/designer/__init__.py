"""The survey designer: create, edit, preview, publish and copy questionnaires; waves; languages.

Pages are server-rendered forms (every action is a keyboard-reachable button); ``static/designer.js``
only adds drag and drop and type-dependent field hiding. Forms check their own CSRF token with a
time limit as long as a staff session, so a long edit is never refused as "expired" and lost.
"""
import json

from flask import Blueprint

from ..extensions import csrf
from .problems import place_name
from .question_form import TYPE_LABELS, type_choices
from .support import results_url
from .support import status_label as label
from .unsaved import stash_expired_post

bp = Blueprint("designer", __name__, url_prefix="/manage")
csrf.exempt(bp)  # its forms check their own CSRF token


@bp.before_app_request
def _keep_unsaved_forms():
    """Runs before the access check, so a POST from an expired session is kept, not dropped."""
    return stash_expired_post()


@bp.app_template_global()
def status_label(status: str) -> str:
    """A survey status in the page's language (for templates)."""
    return label(status)


@bp.app_template_global()
def results_link(kind: str, **args):
    """A link to the results pages when they are installed (else None)."""
    return results_url(kind, **args)


@bp.app_template_global()
def type_label_map() -> dict:
    """Question type → its name in the page's language."""
    return {key: str(value) for key, value in TYPE_LABELS.items()}


@bp.app_template_global()
def type_choices_list(hidden: bool) -> list:
    """(type, name) pairs for the quick-add select."""
    return [(c.value, str(c.label)) for c in type_choices(hidden)]


@bp.app_template_global()
def change_value(value) -> str:
    """A changed part of a question as people read it (Korean kept as is, not JSON escapes)."""
    return json.dumps(value, ensure_ascii=False)


@bp.app_template_global()
def problem_place(survey, problem) -> str:
    """Where a validation problem is, named as the designer's pages name it (not a dict path)."""
    draft = survey.draft_definition if isinstance(survey.draft_definition, dict) else {}
    return place_name(draft, problem.path)


from . import edit_views, library_views, publish_views, views  # noqa: E402,F401

