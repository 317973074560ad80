"""Administrator views: staff accounts and their role grants, within the administrator's scope."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from flask_babel import gettext as _

from ..accounts.operations import AccountError, create_user, grant_role, revoke_role, set_active, unlock
from ..accounts.passwords import PasswordPolicyError, check_policy, generate_password
from ..accounts.sessions import end_all_sessions
from ..audit import record
from ..database import db
from ..models import Permission, RoleGrant, StaffSession, User
from ..web.access import can, requires, scopes, visible_units
from ..web.choices import select_choices
from . import bp
from .forms import GrantForm, UserCreateForm
from .units import chosen_unit, scope_of, unit_choices


@bp.get("/")
@requires(Permission.MANAGE_USERS)
def index():
    """The administration home: links to what this administrator may do."""
    return render_template("admin/index.html")


def _users_query():
    units = visible_units(Permission.MANAGE_USERS)
    query = select(User).order_by(User.username)
    if units is not None:
        query = query.where(User.org_unit_id.in_(units))
    return query


@bp.route("/users", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def users():
    """Staff accounts in scope, and a form to add one (the password is shown once)."""
    form = UserCreateForm()
    form.org_unit.choices = select_choices(unit_choices(Permission.MANAGE_USERS))
    if form.validate_on_submit():
        password = _first_password_for(form.username.data)
        try:
            user = create_user(form.username.data, password, display_name=form.display_name.data,
                               email=form.email.data or None, org_unit_id=chosen_unit(form.org_unit.data))
        except (AccountError, PasswordPolicyError) as exc:
            form.username.errors.append(str(exc))
        else:
            flash(_("%(username)s 계정을 만들었습니다. 처음 비밀번호(한 번만 표시): %(password)s", username=user.username, password=password))
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/users.html", users=db.session.scalars(_users_query()).all(), form=form)


def _first_password_for(username: str) -> str:
    """A generated first password the policy accepts for this username (it must not contain it)."""
    password = generate_password()
    for _attempt in range(20):
        try:
            check_policy(password, username)
            return password
        except PasswordPolicyError:
            password = generate_password()
    return password


def _grant_form() -> GrantForm:
    form = GrantForm()
    form.org_unit.choices = select_choices(unit_choices(Permission.MANAGE_USERS))
    return form


@bp.get("/users/<int:user_id>")
@requires(Permission.MANAGE_USERS, scope=scopes.USER)
def user(user_id: int):
    """One account: its roles, sessions and status."""
    target = db.session.get(User, user_id)
    live = db.session.scalars(select(StaffSession).where(StaffSession.user_id == user_id,
                                                         StaffSession.ended_at.is_(None))).all()
    return render_template("admin/user.html", target=target, form=_grant_form(), live_sessions=live)


@bp.post("/users/<int:user_id>/grants")
@requires(Permission.MANAGE_USERS, scope=scopes.USER)
def add_grant(user_id: int):
    """Give the user a role for a unit in the administrator's scope."""
    target, form = db.session.get(User, user_id), _grant_form()
    if not form.validate_on_submit():
        abort(400)
    unit_id = chosen_unit(form.org_unit.data)
    if not can(Permission.MANAGE_USERS, scope_of(unit_id)):
        abort(403)
    grant_role(target, form.role.data, unit_id, by=current_user)
    flash(_("역할을 부여했습니다."))
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/grants/<int:grant_id>/revoke")
@requires(Permission.MANAGE_USERS, scope=scopes.USER)
def remove_grant(user_id: int, grant_id: int):
    """Take a role grant away (not the last organisation-wide admin)."""
    target, grant = db.session.get(User, user_id), db.session.get(RoleGrant, grant_id)
    if grant is None or grant.user_id != user_id:
        abort(404)
    if not can(Permission.MANAGE_USERS, scope_of(grant.org_unit_id)):
        abort(403)
    try:
        revoke_role(target, grant)
    except AccountError as exc:
        flash(str(exc))
    else:
        flash(_("역할을 회수했습니다."))
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/active")
@requires(Permission.MANAGE_USERS, scope=scopes.USER)
def toggle_active(user_id: int):
    """Deactivate (ending its sessions) or reactivate an account."""
    target = db.session.get(User, user_id)
    try:
        set_active(target, not target.active)
    except AccountError as exc:
        flash(str(exc))
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/sessions/end")
@requires(Permission.MANAGE_USERS, scope=scopes.USER)
def end_sessions(user_id: int):
    """Sign the user out everywhere."""
    count = end_all_sessions(user_id, "admin")
    record("user.sessions_end", "user", user_id, details={"count": count})
    flash(_("로그인 %(n)s건을 끝냈습니다.", n=count))
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/unlock")
@requires(Permission.MANAGE_USERS, scope=scopes.USER)
def unlock_user(user_id: int):
    """Lift a lockout caused by failed sign-ins."""
    unlock(db.session.get(User, user_id))
    flash(_("잠금을 풀었습니다."))
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/password")
@requires(Permission.MANAGE_USERS, scope=scopes.USER)
def reset_password(user_id: int):
    """Give the user a new generated password (shown once) and end their sessions."""
    from ..accounts.operations import set_password

    target, password = db.session.get(User, user_id), generate_password()
    set_password(target, password)
    flash(_("새 비밀번호(한 번만 표시): %(password)s", password=password))
    return redirect(url_for("admin.user", user_id=user_id))


