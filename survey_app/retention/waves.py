"""A message or survey action reaches its treated customers through the ordinary distribution: a wave of the
chosen survey whose audience is the action's treated members (never the holdout), opened at once so the
invitations are in the outbox, with consent for the purpose (marketing for a message, surveys for a survey).
Flushes, never commits.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from ..database import db
from ..designer.operations import create_wave
from ..distribution.fielding import open_wave
from ..distribution.plans import PlanError, PlanInput, save_plan
from ..models import ChurnAction, ChurnActionKind, ConsentPurpose, Survey, SurveyState, utcnow

#: The consent a wave needs, by action kind.
PURPOSE = {ChurnActionKind.MESSAGE: ConsentPurpose.MARKETING, ChurnActionKind.SURVEY: ConsentPurpose.SURVEY}
MESSAGE_SUBJECT = "{이름}님, 우체국이 다시 찾아뵙습니다"
MESSAGE_EMAIL = ("{이름}님, 안녕하십니까. 그동안 우체국을 이용해 주셔서 감사합니다.\n"
                 "요즘 불편하신 점은 없으신지 여쭙고, 새 소식을 알려 드립니다.\n{링크}\n")
MESSAGE_SMS = "[우체국] {이름}님, 그동안 감사했습니다. 새 소식과 혜택을 확인해 주십시오. {링크}"
#: Invitations stay answerable this long (at most the action's window).
WAVE_DAYS = 30


class ActionWaveError(ValueError):
    """The action's wave cannot be made; the message is for the user (Korean)."""


def wave_survey(survey_id: int | None) -> Survey:
    """The survey a message or survey action sends: one that exists, is not archived, and is published."""
    survey = db.session.get(Survey, survey_id) if survey_id else None
    if survey is None:
        raise ActionWaveError("보낼 설문(안내문)을 골라 주십시오.")
    if survey.state == SurveyState.ARCHIVED or survey.latest_version is None:
        raise ActionWaveError("게시된 설문만 보낼 수 있습니다. 설문을 먼저 게시해 주십시오.")
    return survey


def _plan_input(action: ChurnAction, now: datetime) -> PlanInput:
    days = min(action.window_days, WAVE_DAYS)
    texts = ({"email_subject": MESSAGE_SUBJECT, "email_body": MESSAGE_EMAIL, "sms_text": MESSAGE_SMS}
             if action.kind == ChurnActionKind.MESSAGE else {})
    return PlanInput(opens_at=now, closes_at=now + timedelta(days=days), channels=["sms", "email"],
                     audience={"retention_action": action.id, "consent_purpose": PURPOSE[action.kind]},
                     reminder_max=0, no_resurvey_days=0, **texts)


def send_action_wave(action: ChurnAction, survey: Survey, now: datetime | None = None) -> int:
    """Make and open the action's wave; returns how many invitations were queued."""
    now = now or utcnow()
    wave = create_wave(survey, survey.latest_version, f"이탈 방지: {action.name}"[:200], closes_at=None,
                       open_link=False)
    try:
        plan = save_plan(wave, _plan_input(action, now))
    except PlanError as exc:
        raise ActionWaveError("; ".join(exc.problems)) from exc
    action.wave_id = wave.id
    created = open_wave(plan, now)
    db.session.flush()
    return created
