"""docs/adding-a-feature.md checked against the app: a throwaway feature built by the list."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import force_locale
from flask_babel import gettext as _

from survey_app import audit
from survey_app.database import db
from survey_app.extensions import csrf
from survey_app.models import AuditEvent, Permission
from survey_app.web.access import public, requires


def _feature() -> Blueprint:
    bp = Blueprint("example_feature", __name__, url_prefix="/manage/example")
    csrf.exempt(bp)  # as a blueprint whose forms check their own token does

    @bp.get("/")
    @requires(Permission.VIEW_SURVEYS)
    def index():
        """A permission-declared view with a translated string and a named audit action."""
        audit.record("example.viewed", "example", 1)
        return _("설문 목록")

    @bp.get("/open")
    @public
    def open_page():
        return "open"

    @bp.get("/undeclared")
    def undeclared():
        return "never shown"

    return bp


def test_a_feature_built_by_the_list(make_app):
    app = make_app()
    app.register_blueprint(_feature())
    client = app.test_client()
    assert client.get("/manage/example/open").get_data(as_text=True) == "open"
    assert client.get("/manage/example/").status_code == 302  # signed out: sent to sign in
    assert "/manage/login" in client.get("/manage/example/").headers["Location"]
    assert client.get("/manage/example/undeclared").status_code in {403, 404}  # deny by default
    with app.test_request_context("/manage/example/"), force_locale("en"):
        assert app.view_functions["example_feature.index"]() == "Surveys"
        recorded = [e for e in db.session.new if isinstance(e, AuditEvent) and e.action == "example.viewed"]
        assert recorded and recorded[0].object_type == "example"
        db.session.rollback()
