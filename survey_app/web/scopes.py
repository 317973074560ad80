"""Scopes: how a request finds the org unit it is about, and (for the permission-matrix test) how to
make an object inside a given unit.

Use a ready-made scope when the URL carries one of these arguments, or build one with :class:`Scope`::

    @requires(Permission.VIEW_RESULTS, scope=scopes.SURVEY_RESULTS)      # <int:survey_id>
    @requires(Permission.MANAGE_USERS, scope=scopes.USER)               # <int:user_id>

A scope's ``resolve(**view_args)`` returns a unit id, ``None`` (not about one unit: any grant of the
permission, and the view filters by ``visible_units``), :data:`ORG_WIDE`, or :class:`EveryUnit` (several
units, each of which must be covered); it aborts with 404 when the object does not exist. ``example(unit_id)`` creates an object in that unit and returns the view args.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort

from ..database import db
from ..models import Contact, Customer, OrgUnit, Survey, User, Wave
from ..privacy.contacts import add_contact


class _OrgWide:
    """The whole organisation: only a grant with no unit (or at the top unit) covers it."""

    def __repr__(self) -> str:
        return "ORG_WIDE"


ORG_WIDE: Any = _OrgWide()


@dataclass(frozen=True)
class EveryUnit:
    """Several units at once: a grant must cover every one of them (an account's unit and its grants' units)."""

    units: tuple


def unit_or_org_wide(unit_id: int | None) -> Any:
    """The scope value of something placed in ``unit_id``; no unit means the whole organisation."""
    return ORG_WIDE if unit_id is None else unit_id


@dataclass(frozen=True)
class Scope:
    """Resolve a request's org unit from its URL arguments; ``example`` builds test objects."""

    name: str
    resolve: Callable[..., Any]
    example: Callable[[int | None], dict] | None = None


def custom_scope(resolve: Callable[..., Any]) -> Scope:
    """A scope from a plain ``lambda **view_args: unit_id`` (the matrix test cannot build examples for it)."""
    return Scope(getattr(resolve, "__name__", "custom"), resolve)


def _get_or_404(model, object_id: int):
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def _tag() -> str:
    return secrets.token_hex(4)


# --- the organisation, units, users ------------------------------------------------------------

ORGANISATION = Scope("organisation", lambda **_: ORG_WIDE, lambda unit_id: {})


def _unit_resolve(unit_id: int, **_: Any) -> int:
    return _get_or_404(OrgUnit, unit_id).id


ORG_UNIT = Scope("org_unit", _unit_resolve, lambda unit_id: {"unit_id": unit_id})


def account_scope(user) -> EveryUnit:
    """Where an account reaches: its home unit and the unit of every grant it holds.

    Managing an account (password, deactivation, roles) needs a grant covering all of them, so an
    administrator of one region cannot take over an account that holds rights elsewhere."""
    return EveryUnit((unit_or_org_wide(user.org_unit_id),
                      *(unit_or_org_wide(grant.org_unit_id) for grant in user.grants)))


def _user_resolve(user_id: int, **_: Any) -> Any:
    return account_scope(_get_or_404(User, user_id))


def _user_example(unit_id: int | None) -> dict:
    user = User(username=f"scope-{_tag()}", display_name="범위 시험", password_hash="!", org_unit_id=unit_id)
    db.session.add(user)
    db.session.flush()
    return {"user_id": user.id}


#: The account's home unit and every unit it holds a grant for (see :func:`account_scope`).
USER = Scope("user", _user_resolve, _user_example)


# --- surveys and waves -----------------------------------------------------------------------------

def _survey_example(unit_id: int | None) -> dict:
    survey = Survey(code=f"SCOPE-{_tag()}", title="범위 시험 설문", kind="customer_satisfaction",
                    org_unit_id=unit_id, draft_definition={"code": "SCOPE", "sections": []})
    db.session.add(survey)
    db.session.flush()
    return {"survey_id": survey.id}


def _survey_resolve(survey_id: int, **_: Any) -> Any:
    return _get_or_404(Survey, survey_id).org_unit_id or ORG_WIDE


def _survey_results_resolve(survey_id: int, **_: Any) -> Any:
    return _get_or_404(Survey, survey_id).org_unit_id  # a nationwide survey: filter by visible_units


#: The survey's unit; a nationwide survey (no unit) needs an organisation-wide grant (design, waves).
SURVEY = Scope("survey", _survey_resolve, _survey_example)
#: The survey's unit; a nationwide survey is open to any holder, who sees only their units' data.
SURVEY_RESULTS = Scope("survey_results", _survey_results_resolve, _survey_example)


def _wave_resolve(wave_id: int, **_: Any) -> Any:
    return _get_or_404(Wave, wave_id).survey.org_unit_id or ORG_WIDE


def _wave_example(unit_id: int | None) -> dict:
    survey = db.session.get(Survey, _survey_example(unit_id)["survey_id"])
    version = survey.publish({"code": "SCOPE", "sections": []})
    wave = Wave(code=f"W-SCOPE-{_tag()}", name="범위 시험 차수", survey=survey, version=version)
    db.session.add(wave)
    db.session.flush()
    return {"wave_id": wave.id}


WAVE = Scope("wave", _wave_resolve, _wave_example)


# --- contacts --------------------------------------------------------------------------------------

def _contact_resolve(contact_id: int, **_: Any) -> Any:
    return _get_or_404(Contact, contact_id).org_unit_id or ORG_WIDE


def _contact_example(unit_id: int | None) -> dict:
    contact, _ = add_contact(name="범위시험", phone=f"010-{secrets.randbelow(9000) + 1000}-"
                             f"{secrets.randbelow(9000) + 1000}", org_unit_id=unit_id)
    return {"contact_id": contact.id}


CONTACT = Scope("contact", _contact_resolve, _contact_example)


# --- customers -------------------------------------------------------------------------------------

def _customer_resolve(customer_id: int, **_: Any) -> Any:
    return _get_or_404(Customer, customer_id).org_unit_id or ORG_WIDE


def _customer_example(unit_id: int | None) -> dict:
    customer = Customer(external_id=f"SCOPE-{_tag()}", org_unit_id=unit_id)
    db.session.add(customer)
    db.session.flush()
    return {"customer_id": customer.id}


#: The customer's home office; a customer with none needs an organisation-wide grant.
CUSTOMER = Scope("customer", _customer_resolve, _customer_example)
