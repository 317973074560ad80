"""Access scopes of the courtesy pages: an evaluation's subject unit; a wave's results."""
from __future__ import annotations

from typing import Any

from ..database import db
from ..models import Response, Wave, utcnow
from ..web.scopes import ORG_WIDE, Scope, _get_or_404, _wave_example


def _evaluation_resolve(response_id: int, **_: Any) -> Any:
    response = _get_or_404(Response, response_id)
    return response.subject_org_unit_id or ORG_WIDE


def _evaluation_example(unit_id: int | None) -> dict:
    wave = db.session.get(Wave, _wave_example(unit_id)["wave_id"])
    wave.survey.kind = "staff_courtesy"
    response = Response(wave_id=wave.id, version_id=wave.version_id, started_at=utcnow(), subject_org_unit_id=unit_id)
    db.session.add(response)
    db.session.flush()
    return {"response_id": response.id}


def _wave_results_resolve(wave_id: int, **_: Any) -> Any:
    return _get_or_404(Wave, wave_id).survey.org_unit_id  # nationwide: any holder, filtered by visible_units


#: The unit of the evaluated office or team.
EVALUATION = Scope("courtesy_evaluation", _evaluation_resolve, _evaluation_example)
#: A wave's survey unit; a nationwide wave is open to any holder, who sees only their units.
WAVE_RESULTS = Scope("courtesy_wave_results", _wave_results_resolve, _wave_example)
