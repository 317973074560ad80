"""Wiring of the web tier: blueprints, request-boundary commit, errors, security extensions."""
from __future__ import annotations

from flask import Flask
from flask_wtf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from . import errors, static_files
from .transactions import commit_on_success

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Register every blueprint and the cross-cutting request handling."""
    from ..accounts import login_manager
    from ..admin import bp as admin_bp
    from ..api import bp as api_bp
    from ..manage import bp as manage_bp
    from ..respond import bp as respond_bp

    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    csrf.init_app(app)
    login_manager.init_app(app)
    csrf.exempt(api_bp)  # the API authenticates with keys, not cookies
    for blueprint in (respond_bp, manage_bp, admin_bp, api_bp):
        app.register_blueprint(blueprint)
    app.after_request(commit_on_success)
    errors.init_app(app)
    static_files.init_app(app)
