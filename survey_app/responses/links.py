"""Turning a personal token or an open-link key into a wave a respondent may answer now."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..database import db
from ..models import Invitation, Response, ResponseStatus, Wave, hash_token, utcnow


class LinkState(enum.StrEnum):
    """Why a link can or cannot be answered right now."""

    OK = "ok"
    UNKNOWN = "unknown"
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    EXPIRED = "expired"
    COMPLETED = "completed"


@dataclass(frozen=True)
class LinkResolution:
    """The outcome of opening a link."""

    state: LinkState
    wave: Wave | None = None
    invitation: Invitation | None = None
    response: Response | None = None


def wave_state(wave: Wave, now: datetime | None = None) -> LinkState:
    """Whether ``wave`` accepts answers at ``now`` (its lifecycle: :meth:`Wave.is_open_at`)."""
    now = now or utcnow()
    if wave.is_closed_at(now):
        return LinkState.CLOSED
    return LinkState.OK if wave.is_open_at(now) else LinkState.NOT_OPEN


def _invitation_expired(invitation: Invitation, now: datetime) -> bool:
    expires = invitation.hidden.get("_expires_at") if invitation.hidden else None
    return bool(expires) and datetime.fromisoformat(expires) <= now


def resolve_token(token: str, now: datetime | None = None) -> LinkResolution:
    """Look a personal token up by its hash and say whether it can be answered."""
    now = now or utcnow()
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None:
        return LinkResolution(LinkState.UNKNOWN)
    response = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    if response is not None and response.status == ResponseStatus.COMPLETE:
        return LinkResolution(LinkState.COMPLETED, invitation.wave, invitation, response)
    state = wave_state(invitation.wave, now)
    if state == LinkState.OK and _invitation_expired(invitation, now):
        state = LinkState.EXPIRED
    return LinkResolution(state, invitation.wave, invitation, response)


def resolve_open_link(key: str, now: datetime | None = None) -> LinkResolution:
    """Look an open (anonymous) link up by its key and say whether it can be answered."""
    wave = db.session.scalar(select(Wave).where(Wave.open_link_key == key)) if key else None
    if wave is None:
        return LinkResolution(LinkState.UNKNOWN)
    return LinkResolution(wave_state(wave, now), wave)
