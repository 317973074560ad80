"""Fielding the every-type survey in the live app for browser tests."""
from __future__ import annotations

import itertools

from survey_app.database import db
from survey_app.models import Invitation, Survey, Wave, WaveState, new_token
from tests.respondent_support import EVERY_TYPE

_serial = itertools.count(1)
SECRET = "browser-tests"  # shared by the in-process app that seeds and the served one


def field_survey(app, *, state: str = WaveState.OPEN, invitations: int = 1) -> dict:
    """A published every-type survey with a wave, an open link and ``invitations`` personal tokens."""
    n = next(_serial)
    with app.app_context():
        survey = Survey(code=f"BROWSER-{n}", title=EVERY_TYPE.title.ko, kind=EVERY_TYPE.kind,
                        draft_definition=EVERY_TYPE.to_dict())
        version = survey.publish(EVERY_TYPE.to_dict())
        wave = Wave(code=f"BW-{n}", name="브라우저 시험 차수", survey=survey, version=version, state=state,
                    open_link_key=f"bopen{n}")
        db.session.add_all([survey, wave])
        tokens = []
        for _ in range(invitations):
            token, digest = new_token()
            db.session.add(Invitation(wave=wave, token_hash=digest, hidden={"office_code": "P-DAEJEON"}))
            tokens.append(token)
        db.session.commit()
        return {"wave_code": wave.code, "wave_id": wave.id, "tokens": tokens, "open_key": wave.open_link_key,
                "base": app.config["LIVE_URL"]}


def count_responses(app, wave_id: int, status: str | None = None) -> int:
    """How many responses the wave has (optionally of one status)."""
    from sqlalchemy import func, select

    from survey_app.models import Response

    with app.app_context():
        query = select(func.count(Response.id)).where(Response.wave_id == wave_id)
        if status:
            query = query.where(Response.status == status)
        return db.session.scalar(query)
