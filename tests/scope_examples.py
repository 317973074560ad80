"""Example objects for scopes whose factories live with the tests, not in the app (see
``tests/test_permissions_matrix.py``): each takes an org unit id and returns the view args."""
from __future__ import annotations

from collections.abc import Callable

from survey_app.database import db
from survey_app.models import Cadence, ReportSubscription
from survey_app.web import scopes


def report_subscription(unit_id: int | None) -> dict:
    """A report subscription of a survey in ``unit_id``."""
    survey_id = scopes.SURVEY_RESULTS.example(unit_id)["survey_id"]
    sub = ReportSubscription(survey_id=survey_id, cadence=Cadence.CLOSE, recipients=["scope@koreapost.go.kr"])
    db.session.add(sub)
    db.session.flush()
    return {"subscription_id": sub.id}


EXAMPLES: dict[str, Callable[[int | None], dict]] = {"report_subscription": report_subscription}


def example_for(scope) -> Callable[[int | None], dict] | None:
    """The scope's own example factory, else the one kept here, else None."""
    return scope.example or EXAMPLES.get(scope.name)
