"""Staff workspace: surveys, waves, results."""
from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

from . import views  # noqa: E402,F401
