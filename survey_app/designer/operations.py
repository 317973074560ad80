"""Writes of the designer: surveys, draft saves under optimistic locking, publishing, waves, copies.

Every function flushes and never commits; the request boundary commits once. A draft save names the
version the editor started from; if another save came first the save is refused with
:class:`DraftConflict` (checked up front, and again by the database through ``lock_version``).
"""
from __future__ import annotations

import copy
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..audit import record
from ..database import db
from ..models import AuditEvent, Survey, SurveyVersion, User, Wave, WaveState, utcnow


class DraftConflict(Exception):
    """Someone saved the draft after this editor loaded it; nothing was written."""

    def __init__(self, survey_id: int, current_version: int):
        super().__init__(f"survey {survey_id} draft is at version {current_version}")
        self.survey_id = survey_id
        self.current_version = current_version


class CodeTaken(ValueError):
    """A survey with this code exists already."""


def _check_code_free(code: str) -> None:
    if db.session.scalar(select(Survey.id).where(Survey.code == code)) is not None:
        raise CodeTaken(code)


def create_survey(code: str, title: str, kind: str, definition: dict, *, owner: User | None,
                  org_unit_id: int | None) -> Survey:
    """A new draft survey with ``definition``."""
    _check_code_free(code)
    survey = Survey(code=code, title=title, kind=kind, draft_definition=definition, owner=owner,
                    org_unit_id=org_unit_id)
    db.session.add(survey)
    db.session.flush()
    record("survey.create", "survey", survey.id, {"code": code})
    return survey


def _sync_columns(survey: Survey, draft: dict) -> None:
    """Keep the list columns (title, kind) in step with the draft."""
    title = draft.get("title")
    if isinstance(title, dict) and title.get("ko"):
        survey.title = str(title["ko"])[:300]
        survey.title_en = str(title.get("en") or "")[:300] or None
    if isinstance(draft.get("kind"), str) and draft["kind"]:
        survey.kind = draft["kind"][:40]


def save_draft(survey: Survey, expected_version: int, draft: dict, what: str) -> Survey:
    """Store a new draft if nobody saved since ``expected_version``; raises DraftConflict otherwise."""
    if survey.lock_version != expected_version:
        raise DraftConflict(survey.id, survey.lock_version)
    survey.draft_definition = copy.deepcopy(draft)
    _sync_columns(survey, draft)
    survey.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        current = db.session.get(Survey, survey.id)
        raise DraftConflict(survey.id, current.lock_version if current else expected_version) from None
    record("survey.draft_edit", "survey", survey.id, {"what": what, "version": survey.lock_version})
    return survey


def last_edit(survey_id: int) -> AuditEvent | None:
    """The latest recorded change of a survey's draft (who and when), for conflict messages."""
    return db.session.scalar(select(AuditEvent).where(
        AuditEvent.object_type == "survey", AuditEvent.object_id == str(survey_id),
        AuditEvent.action.in_(("survey.draft_edit", "survey.create", "survey.publish")))
        .order_by(AuditEvent.id.desc()).limit(1))


def publish(survey: Survey, expected_version: int, definition: dict, *, by: User | None,
            changelog: str) -> SurveyVersion:
    """Freeze the draft as the next immutable version (refused when the draft changed meanwhile)."""
    if survey.lock_version != expected_version:
        raise DraftConflict(survey.id, survey.lock_version)
    frozen = {**copy.deepcopy(definition), "version": len(survey.versions) + 1}
    version = survey.publish(frozen, by=by, changelog=changelog)
    survey.draft_definition = copy.deepcopy(frozen)
    survey.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise DraftConflict(survey.id, expected_version) from None
    record("survey.publish", "survey", survey.id, {"version": version.number, "changelog": changelog[:500]})
    return version


def _wave_code(survey: Survey) -> str:
    taken = set(db.session.scalars(select(Wave.code).where(Wave.survey_id == survey.id)))
    n = len(taken) + 1
    while f"{survey.code}-W{n}" in taken:
        n += 1
    return f"{survey.code}-W{n}"[:64]


def create_wave(survey: Survey, version: SurveyVersion, name: str, *, opens_at: datetime | None = None,
                closes_at: datetime | None = None, open_link: bool = True) -> Wave:
    """A wave of ``version``: open now unless it starts later; with an open link if asked."""
    state = WaveState.SCHEDULED if opens_at is not None and opens_at > utcnow() else WaveState.OPEN
    wave = Wave(code=_wave_code(survey), name=name, survey=survey, version=version, state=state,
                opens_at=opens_at, closes_at=closes_at,
                open_link_key=secrets.token_urlsafe(12) if open_link else None)
    db.session.add(wave)
    db.session.flush()
    record("wave.create", "wave", wave.id, {"survey": survey.code, "version": version.number})
    return wave


def copy_survey(survey: Survey, code: str, title: str, *, by: User | None) -> Survey:
    """A new draft survey with the same questions and codes (for next quarter's wave)."""
    draft = copy.deepcopy(survey.draft_definition or {})
    draft["version"] = 1
    if isinstance(draft.get("title"), dict):
        draft["title"] = {**draft["title"], "ko": title}
    new = create_survey(code, title, survey.kind, draft, owner=by, org_unit_id=survey.org_unit_id)
    record("survey.copy", "survey", new.id, {"from": survey.code})
    return new
