"""The 고객의 소리 분석 page of a wave (``/manage/results/waves/<id>/voc``), optionally for one org unit.

Access: ``results.view`` for the wave's survey's unit (as the results pages); a viewer limited to part of
the organisation sees their units' texts only. Everything shown comes from stored analyses.
"""
from __future__ import annotations

from flask import abort, current_app, render_template, request
from sqlalchemy import select

from questionnaires import QuestionnaireError

from ..database import db
from ..models import OrgUnit, Permission, Wave
from ..results.text import number
from ..results.views import WAVE_RESULTS
from ..web.access import requires, visible_units
from . import bp
from .report import wave_voc


def _unit_choices(units: set[int] | None) -> list[tuple[int, str]]:
    query = select(OrgUnit.id, OrgUnit.name).where(OrgUnit.active.is_(True)).order_by(OrgUnit.sort_order, OrgUnit.name)
    if units is not None:
        query = query.where(OrgUnit.id.in_(units))
    return [(uid, name) for uid, name in db.session.execute(query)]


def _chosen_unit(units: set[int] | None) -> int | None:
    raw = request.args.get("unit", "")
    if not raw.isdigit():
        return None
    unit = int(raw)
    if db.session.get(OrgUnit, unit) is None or (units is not None and unit not in units):
        abort(404)
    return unit


@bp.get("/waves/<int:wave_id>/voc")
@requires(Permission.VIEW_RESULTS, scope=WAVE_RESULTS)
def wave(wave_id: int):
    """A wave's open-ended answers by theme, with quotes, words per office, emerging words and sentiment."""
    found = db.session.get(Wave, wave_id)
    units = visible_units(Permission.VIEW_RESULTS)
    unit = _chosen_unit(units)
    try:
        report = wave_voc(found, units=units, unit=unit)
    except QuestionnaireError:
        return render_template("results/unreadable.html", wave=found, reason="questionnaire"), 200
    except ValueError as exc:
        current_app.logger.warning("VOC analysis of wave %s could not be shown: %s", wave_id, exc)
        return render_template("results/unreadable.html", wave=found, reason="data"), 200
    return render_template("voc/wave.html", wave=found, report=report, unit=unit, restricted=units is not None,
                           choices=_unit_choices(units), number=number)
