"""Public respondent pages (personal and open survey links)."""
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app

from ..extensions import csrf
from .markup import option_list

bp = Blueprint("respond", __name__)
csrf.exempt(bp)  # survey pages check their own CSRF token (long time limit, answers kept on failure)
bp.add_app_template_global(option_list, "option_list")


@bp.app_context_processor
def _time_zone():
    return {"kst": ZoneInfo(current_app.config["TIMEZONE"])}


from . import views  # noqa: E402,F401  (the routes on ``bp``)
