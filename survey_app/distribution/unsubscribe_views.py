"""The public 수신거부 page: ``/u/<token>`` asks for confirmation (GET changes nothing), POST records it;
``/u/<token>/one-click`` takes a mail provider's RFC 8058 one-click POST (``List-Unsubscribe=One-Click``)."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from ..extensions import csrf
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


@bp.get("/u/<token>/one-click")
@public
def one_click_page(token: str):
    """Someone opened the one-click address in a browser: the ordinary page that asks first."""
    return confirm(token)


@bp.post("/u/<token>/one-click")
@public
def one_click(token: str):
    """RFC 8058 one-click unsubscribe: the mail provider POSTs ``List-Unsubscribe=One-Click``, with no cookie and
    no form to fill (the secret token in the address is the proof), and the person is unsubscribed at once."""
    if request.form.get("List-Unsubscribe") != "One-Click":
        return _text("List-Unsubscribe=One-Click 요청이 아닙니다 (not a one-click unsubscribe request).", 400)
    invitation = invitation_for_token(token)
    if invitation is None or invitation.contact is None:
        return _text("주소를 확인할 수 없습니다 (unknown address).", 404)
    opt_out(invitation.contact, via="one-click")
    return _text("수신거부가 처리되었습니다 (unsubscribed).", 200)


csrf.exempt(one_click)  # mail providers post without a session; the token in the path authorises


def _text(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")
