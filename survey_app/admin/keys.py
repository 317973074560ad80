"""API keys for integrations (e.g. the contact center's post-call survey trigger)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from questionnaires.korean import resolve_particles

from ..accounts.api_keys import ApiKeyError, create_api_key, revoke_api_key
from ..database import db
from ..models import ApiKey, Permission
from ..web.access import requires, scopes
from ..web.choices import select_choices
from . import bp
from .forms import ApiKeyForm
from .units import chosen_unit, unit_choices


@bp.route("/api-keys", methods=["GET", "POST"])
@requires(Permission.MANAGE_API_KEYS, scope=scopes.ORGANISATION)
def api_keys():
    """The keys, and a form to create one (its secret is shown once)."""
    form = ApiKeyForm()
    form.org_unit.choices = select_choices(unit_choices(Permission.MANAGE_API_KEYS))
    secret = None
    if form.validate_on_submit():
        try:
            _key, secret = create_api_key(form.name.data, form.permissions.data,
                                          org_unit_id=chosen_unit(form.org_unit.data),
                                          expires_days=form.expires_days.data, created_by_id=current_user.id)
        except ApiKeyError as exc:
            form.name.errors.append(str(exc))
    keys = db.session.scalars(select(ApiKey).order_by(ApiKey.id.desc())).all()
    return render_template("admin/api_keys.html", keys=keys, form=form, secret=secret)


@bp.post("/api-keys/<int:key_id>/revoke")
@requires(Permission.MANAGE_API_KEYS, scope=scopes.ORGANISATION)
def revoke_key(key_id: int):
    """Stop a key working."""
    key = db.session.get(ApiKey, key_id)
    if key is None:
        abort(404)
    revoke_api_key(key)
    flash(resolve_particles(_("API 키 '%(name)s'을(를) 폐기했습니다.", name=key.name)))
    return redirect(url_for("admin.api_keys"))
