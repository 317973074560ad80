"""The public 수신거부 page: ``/u/<token>`` asks for confirmation (GET changes nothing), POST records it."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ..web.access import public
from .optout import invitation_for_token, opt_out

bp = Blueprint("unsubscribe", __name__)


def _page(state: str, status: int = 200):
    return render_template("distribution/unsubscribe.html", state=state,
                           phone=current_app.config["CONTACT_CENTER_PHONE"]), status


@bp.get("/u/<token>")
@public
def confirm(token: str):
    """Ask whether to stop receiving survey messages."""
    invitation = invitation_for_token(token)
    if invitation is None or invitation.contact is None:
        return _page("unknown", 404)
    return _page("done" if invitation.contact.opted_out_at else "ask")


@bp.post("/u/<token>")
@public
def unsubscribe(token: str):
    """Record the unsubscribe; from now on no survey sends this person anything."""
    invitation = invitation_for_token(token)
    if invitation is None or invitation.contact is None:
        return _page("unknown", 404)
    opt_out(invitation.contact, via="link")
    return _page("done")
