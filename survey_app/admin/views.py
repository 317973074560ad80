"""Administrator views."""
from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from ..database import db
from ..models import AuditEvent
from . import bp


@bp.before_request
@login_required
def require_admin():
    """Every admin page is for administrators only."""
    if not current_user.is_admin:
        abort(403)


@bp.get("/audit")
def audit_log():
    """The latest staff actions."""
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(200)).all()
    return render_template("admin/audit.html", events=events)
