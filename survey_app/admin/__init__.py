"""Administration: users and role grants, the audit log, the personal-data access log, API keys."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import keys, logs, views  # noqa: E402,F401
