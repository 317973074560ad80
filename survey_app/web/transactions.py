"""The one place a web request commits: after a successful view, before the response leaves."""
from __future__ import annotations

from flask import Response

from ..database import db


def commit_on_success(response: Response) -> Response:
    """Commit when the view succeeded (status < 400), roll back otherwise."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response
