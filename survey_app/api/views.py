"""API endpoints."""
from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import text

from ..database import db
from ..web.access import api
from . import bp


@bp.get("/health")
def health():
    """Liveness and database reachability, for load balancers."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")


@bp.get("/whoami")
@api()
def whoami():
    """The calling API key's name, permissions and scope, for integrators checking their set-up."""
    key = g.api_key
    return jsonify(name=key.name, prefix=key.prefix, permissions=key.permissions,
                   org_unit=key.org_unit.code if key.org_unit else None)

from . import cases_api, customers_api, distribution_api  # noqa: E402,F401  (VOC cases; records pushed by other systems; post-call, status, spec)
