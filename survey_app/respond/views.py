"""Respondent-facing views: links, the page-by-page survey, the thank-you page."""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from sqlalchemy.exc import OperationalError

from ..database import reads_only, writes_data
from ..distribution.office_links import SIGNED_SOURCES, office_link_args, signed_place
from ..responses.links import LinkState, resolve_open_link, resolve_token
from ..responses.operations import mark_opened
from . import bp
from .flow import SurveyFlow, done_redirect
from .pages import allowed_hidden_sources
from .state import Visit, forget_visit, load_visit, save_visit, wave_by_code

STATE_STATUS = {LinkState.UNKNOWN: 404, LinkState.CLOSED: 410, LinkState.EXPIRED: 410,
                LinkState.NOT_OPEN: 200, LinkState.COMPLETED: 200}


@bp.app_template_global()
def kiosk_home_url(open_key: str, visit: Visit | None = None) -> str:
    """Where a kiosk returns for the next customer: its open link, still naming its office (signed)."""
    args = office_link_args(visit.wave, visit.hidden) if visit else {}
    return url_for("respond.open_link", key=open_key, kiosk=1, **args)


@bp.get("/")
def home():
    """The public landing page: what this site is and how to get help."""
    return render_template("respond/home.html", phone=current_app.config["CONTACT_CENTER_PHONE"])


def link_state_page(state: LinkState, wave=None, kiosk: bool = False, open_key: str | None = None):
    """The page for a link that cannot be answered now (unknown, not open, closed, expired, done)."""
    return render_template("respond/link_state.html", state=state.value, wave=wave, kiosk=kiosk,
                           open_key=open_key, phone=current_app.config["CONTACT_CENTER_PHONE"]), STATE_STATUS[state]


@bp.get("/s/<token>")
@writes_data
def personal_link(token: str):
    """Exchange a personal token for a session and continue at a URL without the token."""
    found = resolve_token(token)
    if found.state != LinkState.OK:
        return link_state_page(found.state, found.wave)
    mark_opened(found.invitation)
    visit = load_visit(found.wave.code) or Visit(wave=found.wave.code)
    visit.invitation_id = found.invitation.id
    save_visit(visit)
    response = redirect(url_for("respond.survey", wave_code=found.wave.code), 303)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _hidden_from_query(wave) -> dict[str, str]:
    """The link's declared hidden fields; its office and region only when the app signed them."""
    allowed = allowed_hidden_sources(wave.version.questionnaire)
    given = {k: v for k, v in request.args.items() if k not in SIGNED_SOURCES}
    given.update(signed_place(wave.code, request.args))
    return {k: v[:100] for k, v in given.items() if k in allowed}


@bp.get("/o/<key>")
def open_link(key: str):
    """Start (or resume) an anonymous response on an open link; ``?kiosk=1`` for unstaffed offices."""
    found = resolve_open_link(key)
    kiosk = request.args.get("kiosk") == "1"
    if found.state != LinkState.OK:
        return link_state_page(found.state, found.wave, kiosk=kiosk)
    visit = load_visit(found.wave.code)
    if kiosk or visit is None or visit.invitation_id is not None:
        forget_visit(found.wave.code)
        visit = Visit(wave=found.wave.code, kiosk=kiosk, open_key=key, hidden=_hidden_from_query(found.wave))
    save_visit(visit)
    return redirect(url_for("respond.survey", wave_code=found.wave.code), 303)


@bp.route("/r/<wave_code>", methods=["GET", "POST"])
@reads_only
def survey(wave_code: str):
    """The survey itself, one section per page."""
    visit = load_visit(wave_code)
    if visit is None:
        return link_state_page(LinkState.UNKNOWN)
    flow = SurveyFlow.for_visit(visit)
    if flow is None:
        abort(404)
    if flow.link_state == LinkState.COMPLETED:  # a resubmission after a lost answer gets the same page
        return done_redirect(wave_code, already=True)
    if flow.link_state != LinkState.OK:
        return link_state_page(flow.link_state, flow.wave, visit.kiosk, visit.open_key)
    if request.method == "GET":
        return flow.handle_get()
    try:
        return flow.handle_post()
    except OperationalError:
        return flow.database_unavailable()


@bp.get("/r/<wave_code>/done")
def done(wave_code: str):
    """Thank-you page (kiosk: returns to the start after a warned pause)."""
    wave = wave_by_code(wave_code)
    visit = load_visit(wave_code)
    if wave is None or visit is None:
        return link_state_page(LinkState.UNKNOWN)
    questionnaire = wave.version.questionnaire
    return render_template("respond/done.html", wave=wave, questionnaire=questionnaire, kiosk=visit.kiosk,
                           open_key=visit.open_key, visit=visit, already=request.args.get("already") == "1",
                           finished=True)
