"""Wiring of the web tier: access rules, request-boundary commit, errors, security extensions.

The blueprints are registered by ``create_app`` (``survey_app.blueprints``), after ``init_app``.
"""
from __future__ import annotations

from flask import Flask
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from ..extensions import csrf, login_manager
from . import access, errors, headers, i18n, labels, request_size, static_files
from .guard import enforce_access_rule
from .numbers import DatabaseIdConverter
from .ratelimit import enforce_endpoint_limits, limit_endpoint
from .request_guard import refuse_nul_characters
from .transactions import commit_on_success

#: Endpoints open to anyone. Everything else must declare a rule (see ``access``).
access.public_blueprint("respond")
access.public_endpoint("api.health")
#: Opening an open survey link starts a new anonymous response: limit it per client address.
limit_endpoint("respond.open_link", "open_link", "RATE_LIMIT_OPEN_LINK", methods=("GET",))


def bind_extensions(app: Flask) -> None:
    """Bind the int converter, proxy headers and the security and language extensions (before the blueprints)."""
    app.url_map.converters["int"] = DatabaseIdConverter  # before any rule is added
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    request_size.init_app(app)  # before the CSRF check reads the form
    csrf.init_app(app)
    i18n.init_app(app)
    # Its user loader is ``survey_app.accounts.load_user``. Templates get ``current_user`` as the lazy proxy:
    # Flask-Login's own context processor loads the user for every page, and on a respondent's page that
    # only marked the session not fresh and re-signed its cookie (no respondent page asks who is signed in).
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(_lazy_current_user)


def _lazy_current_user() -> dict:
    """``current_user`` for templates, loaded when a template first reads it."""
    return {"current_user": current_user}


def init_app(app: Flask) -> None:
    """Register the cross-cutting request handling (after the blueprints: see ``create_app``)."""
    app.before_request(refuse_nul_characters)  # before anything reads the request into the database
    app.before_request(enforce_access_rule)
    app.before_request(enforce_endpoint_limits)
    app.after_request(commit_on_success)
    headers.init_app(app)
    errors.init_app(app)
    static_files.init_app(app)
    labels.init_app(app)
    app.jinja_env.globals.update(can=access.can, Permission=access.Permission)
