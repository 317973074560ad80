"""Staff workspace: sign-in, the staff home, the organisation in the user's scope."""
from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

from . import org, org_admin, views  # noqa: E402,F401
