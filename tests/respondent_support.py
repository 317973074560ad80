"""Shared set-up for respondent-page tests: the every-type questionnaire fielded in an open wave."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from questionnaires import load_yaml
from survey_app.models import Invitation, new_token, utcnow

EVERY_TYPE = load_yaml((Path(__file__).parent / "fixtures" / "every_type.yaml").read_text(encoding="utf-8"))

PAGE1 = {"a_Q1": "2", "a_Q2": "6", "a_Q3": "2", "move": "next"}
PAGE2 = {"a_Q4_1": "7", "a_Q4_2": "5", "a_Q5": ["1", "3"], "a_Q6": "9", "move": "next"}
PAGE3 = {"a_Q7": ["a=2", "b=1", "c=3"], "a_Q8": "4", "a_Q9": "2026-11-20", "a_Q10": "5",
         "a_Q11": "창구가 친절했습니다.", "move": "next"}


def field_wave(app_ctx, make_survey, *, opens_in: timedelta | None = None, closed: bool = False,
               settings: dict | None = None) -> dict:
    """A published every-type survey with an open wave, an open link and one invitation."""
    from survey_app.models import Wave

    ids = make_survey(EVERY_TYPE.to_dict())
    token, digest = new_token()
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        wave.open_link_key = f"open{ids['wave_id']}"
        wave.settings = settings or {}
        if opens_in is not None:
            wave.state, wave.opens_at = "scheduled", utcnow() + opens_in
        if closed:
            wave.state = "closed"
        invitation = Invitation(wave_id=wave.id, token_hash=digest, hidden={"office_code": "P-SUWON", "channel": "sms"})
        session.add(invitation)
        session.flush()
        ids.update(token=token, invitation_id=invitation.id, open_key=wave.open_link_key)
    return ids


def field_live_wave(app, code: str, title: str) -> tuple[str, str, int, int]:
    """The every-type survey in an open wave ``code``-1 with one invitation, committed in ``app``'s own
    database (for tests over a real port): (token, wave code, wave id, invitation id)."""
    from survey_app.database import db
    from survey_app.models import Survey, Wave

    token, digest = new_token()
    with app.app_context():
        survey = Survey(code=code, title=title, kind=EVERY_TYPE.kind, draft_definition={})
        version = survey.publish(EVERY_TYPE.to_dict())
        wave = Wave(code=f"{code}-1", name=title, survey=survey, version=version, state="open")
        invitation = Invitation(wave=wave, token_hash=digest)
        db.session.add_all([survey, wave, invitation])
        db.session.commit()
        return token, wave.code, wave.id, invitation.id
