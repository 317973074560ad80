"""Preview a draft as a respondent sees it, logic included, without storing anything.

The answers given so far travel in a signed hidden field, so the preview needs no table and no
session space; pages, forms and question markup are the respondent pages' own.
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from questionnaires import Questionnaire
from questionnaires.logic import effective_answers

from ..respond.client_logic import page_logic
from ..respond.forms import build_page_form, page_items
from ..respond.pages import expected_sections, read_page, section_numbers

SALT = "designer-preview"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def seal(answers: dict[str, Any]) -> str:
    """The answers so far as a signed token for the page's hidden field."""
    return _serializer().dumps(answers)


def unseal(token: str | None) -> dict[str, Any]:
    """The answers in a token from our own page (an altered token counts as none)."""
    try:
        answers = _serializer().loads(token or "")
    except BadSignature:
        return {}
    return answers if isinstance(answers, dict) else {}


def pages(questionnaire: Questionnaire, answers: dict) -> list[int]:
    """Section numbers logic shows for these answers."""
    return section_numbers(questionnaire, answers)


def page_context(questionnaire: Questionnaire, page: int, answers: dict, formdata=None,
                 errors: dict | None = None) -> dict[str, Any]:
    """What the preview template needs to draw ``page`` (1-based)."""
    section = questionnaire.sections[page - 1]
    items = page_items(questionnaire, section, answers, "preview")
    form = build_page_form(items, current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600, formdata=formdata, data=answers)
    expected = expected_sections(questionnaire, answers)
    shown = pages(questionnaire, answers)
    return {"q": questionnaire, "section": section, "items": items, "form": form, "errors": errors or {},
            "page": page, "position": sum(1 for n in expected if n <= page), "total": len(expected),
            "is_last": page == (shown[-1] if shown else page), "state": seal(answers),
            "previous": next((p for p in reversed(shown) if p < page), None),
            "logic": page_logic(questionnaire, items, answers)}


def submit(questionnaire: Questionnaire, page: int, answers: dict, form, going_back: bool):
    """Read a posted page: (errors, merged answers, the page to show next or None at the end)."""
    section = questionnaire.sections[page - 1]
    items = page_items(questionnaire, section, answers, "preview")
    read = read_page(questionnaire, items, form, answers, check_required=not going_back)
    merged = {**{k: v for k, v in answers.items() if k not in read.codes}, **read.answers}
    if read.errors and not going_back:
        return read.errors, answers, page
    shown = pages(questionnaire, merged)
    if going_back:
        return {}, merged, next((p for p in reversed(shown) if p < page), page)
    return {}, merged, next((p for p in shown if p > page), None)


def final_answers(questionnaire: Questionnaire, answers: dict) -> dict[str, Any]:
    """The answers that would be stored, computed values included."""
    return dict(effective_answers(questionnaire, answers))


def rebuild_form(questionnaire: Questionnaire, page: int, answers: dict, formdata):
    """The posted page's form (to read it)."""
    items = page_items(questionnaire, questionnaire.sections[page - 1], answers, "preview")
    return build_page_form(items, current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600, formdata=formdata)
