"""Staff views: sign-in (password, then a one-time code if enabled), sign-out, the staff home."""
from __future__ import annotations

import time

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import false, or_, select

from ..accounts.operations import check_login, note_login
from ..accounts.sessions import end_session, start_session
from ..accounts.totp import verify_user_code
from ..database import db
from ..designer.listing import survey_list
from ..models import Permission, Survey, User
from ..web.access import can, public, signed_in, visible_units
from ..web.i18n import LOCALES, remember_locale
from ..web.ratelimit import enforce_rate_limit
from ..web.redirects import same_site_path
from . import bp
from .forms import CodeForm, LoginForm

PENDING_KEY = "pending_second_factor"
PENDING_SECONDS = 300


def _safe_next(target: str | None) -> str:
    """Only follow a same-site path after login."""
    return same_site_path(target, url_for("manage.index"))


def _failure_message() -> str:
    """One message for every refused sign-in, so it never tells whether a username exists or is locked."""
    return _("아이디 또는 비밀번호가 맞지 않습니다. 로그인에 여러 번 실패하면 계정이 잠시 잠기니, "
             "잠시 후 다시 시도하시거나 관리자에게 문의해 주십시오.")


def _finish_login(user: User, target: str):
    start_session(user)
    note_login(user)
    return redirect(_safe_next(target))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign a staff member in; a user with a second factor continues to the code page.

    ``?lang=en`` (or ``ko``) switches the sign-in pages' language before anyone has signed in."""
    if request.args.get("lang") in LOCALES:
        remember_locale(request.args["lang"])
    form = LoginForm()
    if form.validate_on_submit():
        enforce_rate_limit("login", "RATE_LIMIT_LOGIN")
        outcome = check_login(form.username.data, form.password.data)
        if outcome.user is not None and outcome.user.totp_enabled:
            session.clear()
            session[PENDING_KEY] = {"user_id": outcome.user.id, "at": time.time(), "next": request.args.get("next")}
            remember_locale(outcome.user.locale)  # the code page in the waiting user's own language
            return redirect(url_for("manage.login_code"))
        if outcome.user is not None:
            return _finish_login(outcome.user, request.args.get("next"))
        form.password.errors.append(_failure_message())
    return render_template("manage/login.html", form=form)


def _pending_user() -> User | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user_id"))
    return user if user is not None and user.active else None


@bp.route("/login/code", methods=["GET", "POST"])
@public
def login_code():
    """Second step of sign-in: the one-time code from the user's authenticator app."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(_("다시 로그인해 주십시오."))
        return redirect(url_for("manage.login"))
    form = CodeForm()
    if form.validate_on_submit():
        enforce_rate_limit("login", "RATE_LIMIT_LOGIN")
        if verify_user_code(user, form.code.data):
            return _finish_login(user, session[PENDING_KEY].get("next"))
        form.code.errors.append(_("인증 코드가 맞지 않습니다. 앱에 보이는 새 코드를 입력해 주십시오."))
    return render_template("manage/login_code.html", form=form)


@bp.post("/logout")
@signed_in
def logout():
    """End the session on the server and in the browser."""
    end_session("logout")
    flash(_("로그아웃되었습니다."))
    return redirect(url_for("manage.login"))


def _surveys_visible_to_user():
    """Surveys whose unit the user may see; nationwide surveys for anyone who may view surveys."""
    query = select(Survey.id)
    if not can(Permission.VIEW_SURVEYS):
        return query.where(false())
    units = visible_units(Permission.VIEW_SURVEYS)
    if units is not None:
        query = query.where(or_(Survey.org_unit_id.is_(None), Survey.org_unit_id.in_(units)))
    return query


@bp.get("/")
@signed_in
def index():
    """The staff home: surveys the user may see with state, owner, unit, last change; search and filters."""
    listing = survey_list(request.args, _surveys_visible_to_user())
    return render_template("manage/index.html", rows=listing.rows, listing=listing, user=current_user)
