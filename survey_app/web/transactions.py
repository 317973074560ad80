"""The one place a web request commits: after a successful view, before the response leaves."""
from __future__ import annotations

from flask import Response

from ..database import db
from .ratelimit import replay_hits


def commit_on_success(response: Response) -> Response:
    """Commit when the view succeeded (status < 400), roll back otherwise.

    Rate-limit counts survive a rollback: a refused or failed attempt still counts.
    """
    if response.status_code < 400:
        if db.session.registry.has():  # a request that never used the session (a respondent's page) has none
            db.session.commit()
        return response
    db.session.rollback()
    if replay_hits():
        db.session.commit()
    return response
