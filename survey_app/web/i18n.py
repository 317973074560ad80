"""Staff-page languages: Korean by default, English per user (``User.locale``), with Flask-Babel.

Messages are written in Korean in the code and templates (``_('설문 목록')``); the English catalogue
is ``survey_app/translations/en/LC_MESSAGES/messages.po``. Its compiled ``.mo`` is committed and a
test checks it matches the ``.po``, so nothing needs a manual compile step. Respondent pages keep
their own bilingual text and are always rendered in Korean.

Before sign-in nobody's choice is known, so the sign-in pages are in the language of the staff member
who last signed out (or timed out) in this browser, kept in the session cookie; otherwise the default.
"""
from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from questionnaires.korean import resolve_particles, with_particle

LOCALES = ("ko", "en")
STAFF_PREFIXES = ("/manage", "/admin")
REMEMBERED_LOCALE = "staff_locale"

babel = Babel()


def _is_staff_request() -> bool:
    return request.path.startswith(STAFF_PREFIXES)


def select_locale() -> str:
    """The signed-in user's language on staff pages; Korean elsewhere (respondent pages, CLI, scheduled tasks)."""
    default = current_app.config["DEFAULT_LOCALE"]
    if not has_request_context() or not _is_staff_request():
        return "ko"
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale is None:
        user_locale = session.get(REMEMBERED_LOCALE)
    return user_locale if user_locale in LOCALES else (default if default in LOCALES else "ko")


def remember_locale(locale: str | None) -> None:
    """Keep a staff member's language for the sign-in pages after their session has ended."""
    if locale in LOCALES:
        session[REMEMBERED_LOCALE] = locale


def _html_lang() -> dict:
    """``html_lang`` for the page's ``<html lang>``."""
    return {"html_lang": select_locale() if has_request_context() else "ko", "LOCALES": LOCALES}


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with the per-user locale and the configured time zone."""
    babel.init_app(app, default_locale="ko", locale_selector=select_locale,
                   default_timezone=app.config["TIMEZONE"])
    app.context_processor(_html_lang)
    app.jinja_env.filters["with_particle"] = with_particle
    for name in ("_", "gettext"):
        app.jinja_env.globals[name] = _with_particles(app.jinja_env.globals[name])


def _with_particles(gettext):
    """A template ``_()`` whose double particle forms (``을(를)``) follow the word put before them."""
    @pass_context
    def translate(context, string, **variables):
        text = gettext(context, string, **variables)
        return Markup(resolve_particles(text)) if isinstance(text, Markup) else resolve_particles(text)
    return translate
