"""Public respondent pages (personal and open survey links)."""
from flask import Blueprint

bp = Blueprint("respond", __name__)

from . import views  # noqa: E402,F401
