"""Wiring of the web tier: blueprints, access rules, request-boundary commit, errors, security extensions."""
from __future__ import annotations

from flask import Flask
from flask_wtf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from . import access, errors, headers, i18n, labels, request_size, static_files
from .guard import enforce_access_rule
from .numbers import DatabaseIdConverter
from .ratelimit import enforce_endpoint_limits, limit_endpoint
from .request_guard import refuse_nul_characters
from .transactions import commit_on_success

csrf = CSRFProtect()

#: Endpoints open to anyone. Everything else must declare a rule (see ``access``).
access.public_blueprint("respond")
access.public_endpoint("api.health")
#: Opening an open survey link starts a new anonymous response: limit it per client address.
limit_endpoint("respond.open_link", "open_link", "RATE_LIMIT_OPEN_LINK", methods=("GET",))


def _register_blueprints(app: Flask) -> None:
    from ..accounts.views import bp as account_bp
    from ..admin import bp as admin_bp
    from ..api import bp as api_bp
    from ..courtesy import bp as courtesy_bp
    from ..designer import bp as designer_bp
    from ..distribution.views import register_blueprints as register_distribution
    from ..manage import bp as manage_bp
    from ..privacy.views import bp as contacts_bp
    from ..respond import bp as respond_bp
    from ..results.export_personal import bp as result_exports_personal_bp
    from ..results.export_views import bp as result_exports_bp
    from ..results.subscription_views import bp as report_subscriptions_bp
    from ..results.views import bp as results_bp

    csrf.exempt(api_bp)  # the API authenticates with keys, never with cookies
    for blueprint in (respond_bp, manage_bp, account_bp, contacts_bp, admin_bp, api_bp):
        app.register_blueprint(blueprint)
    register_distribution(app)  # staff distribution screens and the public 수신거부 page
    app.register_blueprint(results_bp)  # staff results pages (/manage/results)
    app.register_blueprint(result_exports_bp)  # the results' Excel workbook download
    app.register_blueprint(result_exports_personal_bp)  # ... unmasked, with a stated purpose
    app.register_blueprint(report_subscriptions_bp)  # scheduled report e-mails of a survey
    for blueprint in (designer_bp, courtesy_bp):  # survey designer, courtesy evaluations (/manage)
        app.register_blueprint(blueprint)


def init_app(app: Flask) -> None:
    """Register every blueprint and the cross-cutting request handling."""
    from ..accounts import login_manager

    app.url_map.converters["int"] = DatabaseIdConverter  # before any rule is added
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    request_size.init_app(app)  # before the CSRF check reads the form
    csrf.init_app(app)
    i18n.init_app(app)
    login_manager.init_app(app)
    _register_blueprints(app)
    app.before_request(refuse_nul_characters)  # before anything reads the request into the database
    app.before_request(enforce_access_rule)
    app.before_request(enforce_endpoint_limits)
    app.after_request(commit_on_success)
    headers.init_app(app)
    errors.init_app(app)
    static_files.init_app(app)
    labels.init_app(app)
    app.jinja_env.globals.update(can=access.can, Permission=access.Permission)
