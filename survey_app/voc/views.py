"""The 고객의 소리 분석 page of a wave (``/manage/results/waves/<id>/voc``), optionally for one org unit.

Access: ``results.view`` for the wave's survey's unit (as the results pages); a viewer limited to part of
the organisation sees their units' texts only. Everything shown comes from stored analyses. ``?source=call_note``
or ``?source=case`` shows the call notes or case texts of the wave's period instead of its answers, to viewers
who may also see customer records or cases (:mod:`.sources_report`).
"""
from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from questionnaires import QuestionnaireError

from ..database import db
from ..models import OrgUnit, Permission, TextSource, Wave
from ..results.text import number
from ..results.views import WAVE_RESULTS
from ..web.access import requires, units_with_every, visible_units
from . import bp
from .report import wave_voc
from .sources_report import SOURCE_KINDS, source_voc

SOURCE_NAMES = {TextSource.ANSWER: _l("설문 응답"), TextSource.CALL_NOTE: _l("상담 메모"), TextSource.CASE: _l("VOC 접수 내용")}


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


#: Who may see each source's texts besides results.view: call notes are customer records, case texts are cases.
SOURCE_PERMISSIONS = {TextSource.CALL_NOTE: Permission.VIEW_CUSTOMERS, TextSource.CASE: Permission.VIEW_CASES}


def _sources() -> list[str]:
    """The sources the viewer may analyse: answers, and call notes and cases where their grants allow."""
    return [TextSource.ANSWER] + [kind for kind, permission in SOURCE_PERMISSIONS.items()
                                  if visible_units(permission) != set()]


def _report(found: Wave, source: str, units: set[int] | None, unit: int | None):
    if source == TextSource.ANSWER:
        return wave_voc(found, units=units, unit=unit)
    return source_voc(found, source, units=units_with_every(Permission.VIEW_RESULTS, SOURCE_PERMISSIONS[source]),
                      unit=unit)


@bp.get("/waves/<int:wave_id>/voc")
@requires(Permission.VIEW_RESULTS, scope=WAVE_RESULTS)
def wave(wave_id: int):
    """A wave's open-ended answers (or the call notes or case texts of its period) by theme, with quotes, words
    per office, emerging words and sentiment."""
    found = db.session.get(Wave, wave_id)
    units = visible_units(Permission.VIEW_RESULTS)
    unit = _chosen_unit(units)
    sources = _sources()
    source = request.args.get("source", TextSource.ANSWER)
    if source not in SOURCE_KINDS:
        source = TextSource.ANSWER
    elif source not in sources:
        abort(403)
    try:
        report = _report(found, source, units, unit)
    except QuestionnaireError:
        return render_template("results/unreadable.html", wave=found, reason="questionnaire"), 200
    except ValueError as exc:
        current_app.logger.warning("VOC analysis of wave %s could not be shown: %s", wave_id, exc)
        return render_template("results/unreadable.html", wave=found, reason="data"), 200
    return render_template("voc/wave.html", wave=found, report=report, unit=unit, restricted=units is not None,
                           choices=_unit_choices(units), number=number, source=source, sources=sources,
                           source_names=SOURCE_NAMES)
