"""Shared set-up for designer and courtesy tests: signed-in staff and a draft survey."""
from __future__ import annotations

import re
from itertools import count

from questionnaires import load_template

PASSWORD = "Woojung2026pass"
_serial = count(1)


def staff(make_user, app_ctx, client, role: str = "designer", unit_id: int | None = None, *, login: bool = True,
          username: str | None = None) -> int:
    """A staff member with ``role`` (for ``unit_id``, or the whole organisation), signed in on ``client``."""
    from survey_app.accounts.operations import grant_role
    from survey_app.models import User

    name = username or f"{role}{next(_serial)}"
    user_id, _ = make_user(name, PASSWORD, display_name=f"{role} 담당")
    with app_ctx() as session:
        grant_role(session.get(User, user_id), role, unit_id)
    if login:
        sign_in(client, name)
    return user_id


def sign_in(client, username: str) -> None:
    """Sign ``username`` in on ``client``."""
    answer = client.post("/manage/login", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]


def new_survey(client, code: str | None = None, template: str | None = None, **extra) -> int:
    """Create a survey through the designer and return its id."""
    data = {"start": "template" if template else "blank", "template": template or "", "code": code or f"D{next(_serial)}",
            "kind": extra.pop("kind", "customer_satisfaction"), "org_unit": extra.pop("org_unit", ""), **extra}
    answer = client.post("/manage/surveys/new", data=data)
    assert answer.status_code == 302, answer.get_data(as_text=True)[-1500:]
    return int(re.search(r"/surveys/(\d+)/", answer.headers["Location"]).group(1))


def draft(app_ctx, survey_id: int) -> dict:
    """The stored draft of a survey."""
    from survey_app.models import Survey

    with app_ctx() as session:
        return session.get(Survey, survey_id).draft_definition


def lock(app_ctx, survey_id: int) -> int:
    """The survey's current lock version."""
    from survey_app.models import Survey

    with app_ctx() as session:
        return session.get(Survey, survey_id).lock_version


def question_post(question: dict, version: int, **changes) -> dict:
    """Form data of the question editor for a stored question dict, with ``changes``."""
    from survey_app.designer.question_form import form_data

    data = {k: v for k, v in form_data(question).items() if v not in (None, False)}
    data.update(lock_version=str(version), **changes)
    return {k: ("y" if v is True else v) for k, v in data.items() if v is not False}


COURTESY = load_template("staff_courtesy").to_dict()
