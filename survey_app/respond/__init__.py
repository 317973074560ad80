"""Public respondent pages (personal and open survey links)."""
from flask import Blueprint

bp = Blueprint("respond", __name__)


@bp.app_context_processor
def _time_zone():
    from zoneinfo import ZoneInfo

    from flask import current_app

    return {"kst": ZoneInfo(current_app.config["TIMEZONE"])}

from . import views  # noqa: E402,F401
from .markup import option_list  # noqa: E402

bp.add_app_template_global(option_list, "option_list")


def _exempt_from_global_csrf() -> None:
    """Survey pages check their own CSRF token (long time limit, answers kept on failure)."""
    from ..web import csrf

    csrf.exempt(bp)


_exempt_from_global_csrf()
