"""The 태도 세분 page of a wave (``/manage/results/waves/<id>/attitudes``): respondents clustered on their
dimension scores, each segment profiled. Access as the results pages; a viewer limited to part of the
organisation sees segments of their units' respondents only."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from questionnaires import QuestionnaireError

from ..database import db
from ..models import Permission, Wave
from ..web.access import requires, visible_units
from .attitudes import MIN_RESPONDENTS, AttitudeError, wave_attitudes
from .text import number
from .views import WAVE_RESULTS

bp = Blueprint("attitudes", __name__, url_prefix="/manage/results")


@bp.get("/waves/<int:wave_id>/attitudes")
@requires(Permission.VIEW_RESULTS, scope=WAVE_RESULTS)
def wave(wave_id: int):
    """The wave's attitude segments, or why there are none."""
    found = db.session.get(Wave, wave_id)
    units = visible_units(Permission.VIEW_RESULTS)
    report, problem = None, None
    try:
        report = wave_attitudes(found, units)
    except QuestionnaireError:
        return render_template("results/unreadable.html", wave=found, reason="questionnaire"), 200
    except AttitudeError as exc:
        problem = str(exc)
    except ValueError as exc:  # the statistics refused these data: say so instead of failing the page
        current_app.logger.warning("attitude segments of wave %s could not be computed: %s", wave_id, exc)
        return render_template("results/unreadable.html", wave=found, reason="data"), 200
    return render_template("results/attitudes.html", wave=found, report=report, problem=problem,
                           restricted=units is not None, minimum=MIN_RESPONDENTS, number=number)
