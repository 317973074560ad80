"""The workbook with personal data in open answers unmasked, for a user allowed to unmask who states a purpose.

The ordinary download (:mod:`.export_views`) masks telephone numbers and e-mail addresses typed into
open answers. Here a user holding ``personal_data.unmask`` for the survey's unit states why; the
download is written to the personal-data access log (one subject row per response in the file)
and to the audit trail, and the purpose and requester are printed on the workbook's cover note.

The workbook holds only responses of units the user may both see (``results.view``) and unmask
(``personal_data.unmask``): unmask rights for one office open that office's answers of a nationwide
wave, not the nation's. The rest are left out rather than masked, as for any partial viewer.
"""
from __future__ import annotations

import tempfile

from flask import Blueprint, current_app, render_template, request, send_file
from flask_login import current_user

from exports import PersonalDataRelease
from questionnaires import QuestionnaireError

from .. import audit
from ..database import db
from ..models import AccessAction, Permission, Wave
from ..privacy.access_log import log_access
from ..privacy.forms import PurposeForm
from ..web.access import requires, units_with_every
from .build import load_for
from .report_mail import workbook_filename
from .views import WAVE_RESULTS
from .workbook import export_wave

bp = Blueprint("result_exports_personal", __name__, url_prefix="/manage/results")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _unreadable(wave: Wave, exc: Exception):
    current_app.logger.warning("unmasked workbook of wave %s could not be made: %s", wave.id, exc)
    reason = "questionnaire" if isinstance(exc, QuestionnaireError) else "data"
    return render_template("results/unreadable.html", wave=wave, reason=reason), 200


def _send(wave: Wave, units: set[int] | None, purpose: str):
    """Log the access, write the unmasked workbook to a temporary file and send it."""
    ids = load_for(wave, wave.version.questionnaire, units).response_ids.tolist()
    out = tempfile.TemporaryFile()
    release = PersonalDataRelease(purpose=purpose, requested_by=current_user.username)
    try:
        summary = export_wave(wave, out, units=units, personal=release)
    except (QuestionnaireError, ValueError) as exc:
        out.close()
        return _unreadable(wave, exc)
    log_access(AccessAction.EXPORT, "response", ids, purpose=purpose,
               details={"unmasked": True, "format": "xlsx", "wave": wave.id})
    audit.record("results.export", "wave", wave.id, {"format": "xlsx", "rows": summary.raw_rows,
                                                     "restricted": units is not None, "unmasked": True})
    out.seek(0)
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=workbook_filename(wave, unmasked=True))


@bp.route("/waves/<int:wave_id>/workbook-unmasked", methods=["GET", "POST"])
@requires(Permission.UNMASK_PERSONAL_DATA, scope=WAVE_RESULTS)
def unmasked_workbook(wave_id: int):
    """The workbook with open answers unmasked, after a stated purpose (kept in the access log)."""
    wave, form = db.session.get(Wave, wave_id), PurposeForm()
    units = units_with_every(Permission.VIEW_RESULTS, Permission.UNMASK_PERSONAL_DATA)
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("results/workbook_unmasked.html", wave=wave, form=form,
                               restricted=units is not None), status
    try:
        return _send(wave, units, form.purpose.data.strip())
    except QuestionnaireError as exc:
        return _unreadable(wave, exc)
