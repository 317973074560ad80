"""What a respondent's browser session remembers about each wave (never the link token)."""
from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field

from flask import session
from sqlalchemy import select

from ..database import db
from ..models import Wave

KEY = "respond"


@dataclass
class Visit:
    """One wave in progress in this browser."""

    wave: str
    invitation_id: int | None = None
    response_id: int | None = None
    kiosk: bool = False
    open_key: str | None = None
    hidden: dict = field(default_factory=dict)
    seed: str = field(default_factory=lambda: secrets.token_hex(8))


def load_visit(wave_code: str) -> Visit | None:
    """The visit to ``wave_code`` this browser has, if any."""
    raw = session.get(KEY, {}).get(wave_code)
    return Visit(**raw) if raw else None


def save_visit(visit: Visit) -> None:
    """Remember ``visit`` in the signed session cookie."""
    visits = dict(session.get(KEY, {}))
    visits[visit.wave] = asdict(visit)
    session[KEY] = visits
    session.permanent = True


def forget_visit(wave_code: str) -> None:
    """Forget a wave (kiosk reset, or a fresh start on an open link)."""
    visits = dict(session.get(KEY, {}))
    visits.pop(wave_code, None)
    session[KEY] = visits


def wave_by_code(code: str) -> Wave | None:
    """The wave with this code."""
    return db.session.scalar(select(Wave).where(Wave.code == code))
