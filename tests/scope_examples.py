"""Example objects for scopes whose factories live with the tests, not in the app (see
``tests/test_permissions_matrix.py``): each takes an org unit id and returns the view args."""
from __future__ import annotations

import secrets
from collections.abc import Callable

from survey_app.database import db
from survey_app.models import Cadence, OrgUnit, ReportSubscription, StaffMember
from survey_app.web import scopes


def report_subscription(unit_id: int | None) -> dict:
    """A report subscription of a survey in ``unit_id``."""
    survey_id = scopes.SURVEY_RESULTS.example(unit_id)["survey_id"]
    sub = ReportSubscription(survey_id=survey_id, cadence=Cadence.CLOSE, recipients=["scope@koreapost.go.kr"])
    db.session.add(sub)
    db.session.flush()
    return {"subscription_id": sub.id}


def staff_member(unit_id: int | None) -> dict:
    """A staff member in ``unit_id`` (in a new office when None)."""
    if unit_id is None:
        unit = OrgUnit(code=f"S-{secrets.token_hex(3)}", name="범위 시험", level="office")
        db.session.add(unit)
        db.session.flush()
        unit_id = unit.id
    person = StaffMember(employee_no=f"X{secrets.token_hex(4)}", name="범위시험", org_unit_id=unit_id)
    db.session.add(person)
    db.session.flush()
    return {"staff_id": person.id}


EXAMPLES: dict[str, Callable[[int | None], dict]] = {"report_subscription": report_subscription,
                                                     "staff_member": staff_member}


def example_for(scope) -> Callable[[int | None], dict] | None:
    """The scope's own example factory, else the one kept here, else None."""
    return scope.example or EXAMPLES.get(scope.name)
