"""Staff views."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from ..accounts.operations import authenticate
from ..audit import record
from ..database import db
from ..models import Response, ResponseStatus, Survey, Wave
from . import bp
from .forms import LoginForm


def _safe_next(target: str | None) -> str:
    """Only follow a same-site path after login."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("manage.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign a staff member in."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session on login
            login_user(user)
            record("user.login", "user", user.id)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("아이디 또는 비밀번호가 맞지 않습니다. (Wrong username or password.)")
    return render_template("manage/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """End the session."""
    logout_user()
    session.clear()
    flash("로그아웃되었습니다. (You have signed out.)")
    return redirect(url_for("manage.login"))


@bp.get("/")
@login_required
def index():
    """The staff home: surveys with their waves and completed responses."""
    completed = (
        select(Wave.survey_id, func.count(Response.id).label("n"))
        .join(Response, Response.wave_id == Wave.id)
        .where(Response.status == ResponseStatus.COMPLETE)
        .group_by(Wave.survey_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Survey, func.coalesce(completed.c.n, 0))
        .outerjoin(completed, completed.c.survey_id == Survey.id)
        .order_by(Survey.updated_at.desc())
    ).all()
    return render_template("manage/index.html", rows=rows, user=current_user)
