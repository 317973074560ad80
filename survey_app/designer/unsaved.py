"""Form content posted after a staff session expired: kept on the server, restored after sign-in.

A view opts in with :func:`keeps_unsaved`. Its POST, arriving with an expired session, is stored
for the user the signed session cookie named (nobody else can restore it) under the page's path;
the browser goes to sign-in and comes back to the same page, which puts the content back into the
form with :func:`restore` and says so. Nothing is saved to the draft until the user presses save.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from ..database import db
from ..models import UnsavedForm, User, utcnow

MAX_BYTES = 1_000_000
SKIPPED_FIELDS = ("csrf_token",)


def keeps_unsaved(view: Callable) -> Callable:
    """Mark a GET+POST view whose posted content survives an expired session."""
    view.keeps_unsaved = True
    return view


def _signed_user_id() -> int | None:
    raw = session.get("_user_id")
    user_id = str(raw or "").partition(":")[0]
    return int(user_id) if user_id.isdecimal() else None


def _posted_fields() -> dict[str, list[str]] | None:
    fields = {k: v for k, v in request.form.to_dict(flat=False).items() if k not in SKIPPED_FIELDS}
    if not fields or len(json.dumps(fields, ensure_ascii=False)) > MAX_BYTES:
        return None
    return fields


def stash_expired_post():
    """Before the access check: keep what an expired session posted to an opted-in view, then sign in."""
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method != "POST" or not getattr(view, "keeps_unsaved", False):
        return None
    user_id = _signed_user_id()  # read before loading the user: an expired session clears the cookie
    if user_id is None or current_user.is_authenticated:
        return None
    fields = _posted_fields()
    if fields is None or db.session.get(User, user_id) is None:
        return None
    now = utcnow()
    db.session.execute(delete(UnsavedForm).where(
        (UnsavedForm.expires_at < now) | ((UnsavedForm.user_id == user_id) & (UnsavedForm.path == request.path))))
    hours = current_app.config["UNSAVED_FORM_HOURS"]
    db.session.add(UnsavedForm(user_id=user_id, path=request.path, fields=fields,
                               expires_at=now + timedelta(hours=hours)))
    flash(_("로그인 시간이 지나 저장하지 못했습니다. 입력하신 내용은 보관했으니 다시 로그인하시면 그대로 되살려 드립니다."))
    return redirect(url_for("manage.login", next=request.full_path if request.query_string else request.path))


def restore() -> MultiDict | None:
    """The content this user posted here before their session expired (once), or None."""
    if not current_user.is_authenticated:
        return None
    row = db.session.scalar(select(UnsavedForm).where(
        UnsavedForm.user_id == current_user.id, UnsavedForm.path == request.path,
        UnsavedForm.expires_at > utcnow()).order_by(UnsavedForm.id.desc()).limit(1))
    if row is None:
        return None
    fields = MultiDict([(key, value) for key, values in row.fields.items() for value in values])
    db.session.delete(row)
    return fields
