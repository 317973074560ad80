"""Administrator views: staff accounts and their role grants, within the administrator's scope."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exists, or_, select

from ..accounts.operations import AccountError, create_user, grant_role, revoke_role, set_active, set_password, unlock
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
    """Accounts this administrator may manage: home unit and every grant inside their scope."""
    units = visible_units(Permission.MANAGE_USERS)
    query = select(User).order_by(User.username)
    if units is not None:
        reaches_outside = exists().where(RoleGrant.user_id == User.id,
                                         or_(RoleGrant.org_unit_id.is_(None), RoleGrant.org_unit_id.not_in(units)))
        query = query.where(User.org_unit_id.in_(units), ~reaches_outside)
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
            return _user_page(user, new_password=password, created=True)
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
    return _user_page(db.session.get(User, user_id))


def _user_page(target: User, *, new_password: str | None = None, created: bool = False):
    """The account page; a generated password is shown on this response only, never kept in the session cookie."""
    live = db.session.scalars(select(StaffSession).where(StaffSession.user_id == target.id,
                                                         StaffSession.ended_at.is_(None))).all()
    return render_template("admin/user.html", target=target, form=_grant_form(), live_sessions=live,
                           new_password=new_password, created=created)


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
    """Give the user a new generated password, shown once on this page, and end their sessions."""
    target = db.session.get(User, user_id)
    password = _first_password_for(target.username)
    set_password(target, password)
    return _user_page(target, new_password=password)


