"""What a respondent's page needs from the database, read in one Core query into plain values.

Every page GET and POST reads the wave (with its link state), the visit's invitation and its response.
Building ORM objects for them cost more than the rest of a final POST's Python work; the page only
reads a few columns, and the writes go through :mod:`..responses.operations` by id. The link state
comes from :class:`~..models.Wave`'s own lifecycle expressions, so the rule stays on the model.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from questionnaires import Questionnaire

from .. import direct_sql
from ..database import db
from ..models import Invitation, Response, ResponseStatus, SurveyVersion, Wave, utcnow
from ..responses.links import LinkState
from .state import Visit


@dataclass(frozen=True)
class WaveOnPage:
    """The wave as a respondent's page sees it (what templates and the writes need of it)."""

    id: int
    code: str
    name: str
    survey_id: int
    version_id: int
    opens_at: datetime | None
    settings: dict
    state: LinkState  # OK, NOT_OPEN or CLOSED when the page was read (Wave.is_open_at / is_closed_at)
    questionnaire: Questionnaire  # the published version's, parsed once per process


@dataclass
class InvitationOnPage:
    """The visit's personal invitation: what the store needs (``wave`` for its version and survey)."""

    id: int
    wave_id: int
    hidden: dict | None
    opened_at: datetime | None
    wave: WaveOnPage


@dataclass(frozen=True)
class ResponseOnPage:
    """The visit's response so far."""

    id: int
    status: str
    last_page: int

    @property
    def is_complete(self) -> bool:
        """Submitted (exactly once; :mod:`..responses.operations`)."""
        return self.status == ResponseStatus.COMPLETE


def load_page_state(visit: Visit) -> tuple[WaveOnPage, InvitationOnPage | None, ResponseOnPage | None] | None:
    """The wave, the visit's invitation and its response in one query; None when the wave is gone."""
    now = utcnow()
    if visit.invitation_id is not None:
        row = _first_row(_with_invitation(), {"wave_code": visit.wave, "invitation_id": visit.invitation_id, "now": now})
    else:  # open link: the response this browser started, if any
        row = _first_row(_with_open_response(), {"wave_code": visit.wave, "response_id": visit.response_id, "now": now})
    if row is None:
        return None
    questionnaire = SurveyVersion.questionnaire_of(row.version_id, row.digest, lambda: db.session.scalar(
        select(SurveyVersion.definition).where(SurveyVersion.id == row.version_id)))
    wave = WaveOnPage(row.id, row.code, row.name, row.survey_id, row.version_id, row.opens_at, row.settings or {},
                      LinkState.CLOSED if row.closed else LinkState.OK if row.open else LinkState.NOT_OPEN,
                      questionnaire)
    invitation = None
    if visit.invitation_id is not None and row.invitation_id is not None:
        invitation = InvitationOnPage(row.invitation_id, row.invitation_wave_id, row.invitation_hidden,
                                      row.invitation_opened_at, wave)
    response = ResponseOnPage(row.response_id, row.response_status, row.response_last_page) \
        if row.response_id is not None else None
    return wave, invitation, response


def _first_row(statement, params: dict):
    """The statement's first row, run straight on the driver (:mod:`..direct_sql`): it selects columns, not
    entities, so the ORM's and Core's per-statement machinery would be pure cost."""
    return direct_sql.first_row(statement, params)


def _wave_columns():
    now = bindparam("now", type_=Wave.opens_at.type)
    return [Wave.id, Wave.code, Wave.name, Wave.survey_id, Wave.version_id, Wave.opens_at, Wave.settings,
            Wave.is_closed_at(now).label("closed"), Wave.is_open_at(now).label("open"),
            SurveyVersion.digest.label("digest")]


def _response_columns():
    return [Response.id.label("response_id"), Response.status.label("response_status"),
            Response.last_page.label("response_last_page")]


@functools.cache
def _with_invitation():
    """The wave, the invitation and the invitation's response (built once)."""
    return (select(*_wave_columns(), Invitation.id.label("invitation_id"), Invitation.wave_id.label("invitation_wave_id"),
                   Invitation.hidden.label("invitation_hidden"), Invitation.opened_at.label("invitation_opened_at"),
                   *_response_columns())
            .select_from(Wave).join(SurveyVersion, SurveyVersion.id == Wave.version_id)
            .outerjoin(Invitation, Invitation.id == bindparam("invitation_id"))
            .outerjoin(Response, Response.invitation_id == Invitation.id)
            .where(Wave.code == bindparam("wave_code")))


@functools.cache
def _with_open_response():
    """The wave and the response an open link's browser keeps by id (built once)."""
    return (select(*_wave_columns(), *_response_columns())
            .select_from(Wave).join(SurveyVersion, SurveyVersion.id == Wave.version_id)
            .outerjoin(Response, Response.id == bindparam("response_id"))
            .where(Wave.code == bindparam("wave_code")))
