"""API endpoints."""
from __future__ import annotations

from flask import jsonify
from sqlalchemy import text

from ..database import db
from . import bp


@bp.get("/health")
def health():
    """Liveness and database reachability, for load balancers."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
