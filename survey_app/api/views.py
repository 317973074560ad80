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

from . import distribution_api  # noqa: E402,F401,I001  (post-call, wave status, OpenAPI spec)
from . import cases_api  # noqa: E402,F401,I001  (VOC cases for the phone and board systems)
