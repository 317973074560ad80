"""A staff member's own account: password change and the optional one-time-code second factor."""
from __future__ import annotations

import base64
import io

import segno
from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..web.access import signed_in
from .forms import PasswordChangeForm, TotpForm
from .operations import AccountError, change_password
from .passwords import PasswordPolicyError
from .sessions import start_session
from .totp import disable_totp, enable_totp, new_secret, open_pending, provisioning_uri, seal_pending, verify_user_code

bp = Blueprint("account", __name__, url_prefix="/manage/account")
PENDING_TOTP = "totp_enrolment"


@bp.get("/")
@signed_in
def index():
    """The account page: password change and second-factor status."""
    return render_template("account/index.html", form=PasswordChangeForm(), totp_form=TotpForm())


@bp.post("/password")
@signed_in
def password():
    """Change one's own password; other sessions end, this one is renewed."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current.data, form.new.data)
        except (AccountError, PasswordPolicyError) as exc:
            form.new.errors.append(str(exc))
        else:
            start_session(current_user._get_current_object())
            flash(_("비밀번호를 바꾸었습니다. 다른 기기의 로그인은 모두 끝났습니다."))
            return redirect(url_for("account.index"))
    return render_template("account/index.html", form=form, totp_form=TotpForm()), 400


def _qr_data_uri(uri: str) -> str:
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=4, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@bp.route("/totp", methods=["GET", "POST"])
@signed_in
def totp_setup():
    """Switch on the second factor: scan the QR code, then confirm with a code."""
    secret = open_pending(session.get(PENDING_TOTP))
    form = TotpForm()
    if secret is None:
        secret = new_secret()
        session[PENDING_TOTP] = seal_pending(secret)
    if form.validate_on_submit():
        if enable_totp(current_user, secret, form.code.data):
            session.pop(PENDING_TOTP, None)
            flash(_("2단계 인증을 켰습니다. 다음 로그인부터 인증 코드를 묻습니다."))
            return redirect(url_for("account.index"))
        form.code.errors.append(_("인증 코드가 맞지 않습니다."))
    uri = provisioning_uri(secret, current_user.username)
    return render_template("account/totp.html", form=form, secret=secret, qr=_qr_data_uri(uri))


@bp.post("/totp/off")
@signed_in
def totp_off():
    """Switch the second factor off (needs a current code)."""
    form = TotpForm()
    if form.validate_on_submit() and current_user.totp_enabled and verify_user_code(current_user, form.code.data):
        disable_totp(current_user)
        flash(_("2단계 인증을 껐습니다."))
        return redirect(url_for("account.index"))
    flash(_("인증 코드가 맞지 않아 2단계 인증을 끄지 않았습니다."))
    return redirect(url_for("account.index"))
