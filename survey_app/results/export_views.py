"""Download of a wave's executive Excel workbook from the staff results page.

Access as the results page (``results.view`` for the survey's unit); a viewer limited to part of the
organisation gets a workbook of their units' responses only. Every download is in the audit trail.
"""
from __future__ import annotations

import tempfile

from flask import Blueprint, current_app, render_template, send_file

from questionnaires import QuestionnaireError

from .. import audit
from ..database import db
from ..models import Permission, Wave
from ..web.access import requires, visible_units
from .report_mail import workbook_filename
from .stored import served_result
from .views import WAVE_RESULTS, computing_page
from .workbook import export_wave

bp = Blueprint("result_exports", __name__, url_prefix="/manage/results")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/waves/<int:wave_id>/workbook.xlsx")
@requires(Permission.VIEW_RESULTS, scope=WAVE_RESULTS)
def workbook(wave_id: int):
    """The wave's Excel report (summary, scores, segments, trend, rankings, answers, raw data)."""
    wave = db.session.get(Wave, wave_id)
    units = visible_units(Permission.VIEW_RESULTS)
    out = tempfile.TemporaryFile()
    try:
        served = served_result(wave, units=units)
        if served.result is None:
            out.close()
            return computing_page(wave, served)
        summary = export_wave(wave, out, units=units, result=served.result)
    except (QuestionnaireError, ValueError) as exc:  # unreadable questionnaire or data the statistics refuse
        out.close()
        current_app.logger.warning("workbook of wave %s could not be made: %s", wave_id, exc)
        reason = "questionnaire" if isinstance(exc, QuestionnaireError) else "data"
        return render_template("results/unreadable.html", wave=wave, reason=reason), 200
    audit.record("results.export", "wave", wave.id, {"format": "xlsx", "rows": summary.raw_rows,
                                                     "restricted": units is not None})
    out.seek(0)
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=workbook_filename(wave))
