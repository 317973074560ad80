"""One permission check for every view and API endpoint, deny by default.

Every view declares who may call it; the decorator only records the rule, and one
``before_request`` hook enforces it for the whole app::

    from survey_app.web.access import Permission, requires, scopes

    @bp.get("/surveys/<int:survey_id>/results")
    @requires(Permission.VIEW_RESULTS, scope=scopes.SURVEY_RESULTS)
    def results(survey_id):
        units = visible_units(Permission.VIEW_RESULTS)  # None = everything, else a set of unit ids
        ...

- ``@public``: anyone (respondent pages, sign-in, health). Whole blueprints: ``public_blueprint("respond")``.
- ``@signed_in``: any signed-in staff member; the view must show only what the user may see.
- ``@requires(permission, scope=...)``: a staff member whose grant carries ``permission`` for the unit the
  scope resolves to, or a unit above it. Without a scope any grant of the permission will do, and the
  view filters its queries with :func:`visible_units`. A scope resolving to :data:`ORG_WIDE` needs a grant
  for the whole organisation. A scope may be a :class:`~survey_app.web.scopes.Scope` (preferred: the
  permission-matrix test can build in- and out-of-scope objects for it) or ``lambda **view_args: unit_id``.
- ``@api(permission, scope=...)``: an API key (``Authorization: Bearer <key>``) with that permission.

An endpoint with no rule answers 403 and makes ``tests/test_permissions_matrix.py`` fail, naming it.
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, g
from flask_login import current_user
from sqlalchemy import select

from ..database import db
from ..models import ApiKey, OrgUnit, Permission, Role
from . import scopes
from .scopes import ORG_WIDE, EveryUnit, Scope, custom_scope

__all__ = ["ORG_WIDE", "Permission", "Role", "Rule", "api", "can", "public", "public_blueprint", "requires",
           "rule_for", "scopes", "signed_in", "units_with_every", "visible_units"]


class Kind(enum.StrEnum):
    """Who a rule lets in."""

    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    STAFF = "staff"
    API = "api"


@dataclass(frozen=True)
class Rule:
    """The access rule of one endpoint."""

    kind: Kind
    permission: Permission | None = None
    scope: Scope | None = None


_PUBLIC_BLUEPRINTS: set[str] = set()
_PUBLIC_ENDPOINTS: set[str] = {"static"}


def _declare(rule: Rule) -> Callable:
    def mark(view: Callable) -> Callable:
        view.access_rule = rule  # the same function object, so decorator order does not matter
        return view
    return mark


def _as_scope(scope: Scope | Callable | None) -> Scope | None:
    return scope if scope is None or isinstance(scope, Scope) else custom_scope(scope)


def public(view: Callable) -> Callable:
    """Declare a view open to anyone."""
    return _declare(Rule(Kind.PUBLIC))(view)


def signed_in(view: Callable) -> Callable:
    """Declare a view open to any signed-in staff member (it filters what it shows)."""
    return _declare(Rule(Kind.SIGNED_IN))(view)


def requires(permission: Permission, scope: Scope | Callable | None = None) -> Callable:
    """Declare a staff view that needs ``permission`` for the unit ``scope`` resolves to."""
    return _declare(Rule(Kind.STAFF, Permission(permission), _as_scope(scope)))


def api(permission: Permission | None = None, scope: Scope | Callable | None = None) -> Callable:
    """Declare an API endpoint that needs a key with ``permission`` (None: any valid key)."""
    return _declare(Rule(Kind.API, Permission(permission) if permission else None, _as_scope(scope)))


def public_blueprint(name: str) -> None:
    """Declare every endpoint of blueprint ``name`` public (the respondent pages)."""
    _PUBLIC_BLUEPRINTS.add(name)


def public_endpoint(name: str) -> None:
    """Declare one endpoint public that has no view function of ours (e.g. ``static``)."""
    _PUBLIC_ENDPOINTS.add(name)


def rule_for(app: Flask, endpoint: str) -> Rule | None:
    """The declared rule of ``endpoint``, or None (then the endpoint is closed to everyone)."""
    if endpoint in _PUBLIC_ENDPOINTS or endpoint.partition(".")[0] in _PUBLIC_BLUEPRINTS and "." in endpoint:
        return Rule(Kind.PUBLIC)
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


# --- grants and the org tree ---------------------------------------------------------------

Grant = tuple[frozenset, int | None]


def _parents() -> dict[int, int | None]:
    """unit id → parent id, read once per request."""
    if "org_parents" not in g:
        g.org_parents = dict(db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)).all())
    return g.org_parents


def _chain(unit_id: int) -> list[int]:
    """The unit and every unit above it."""
    parents, chain, seen = _parents(), [], set()
    current: int | None = unit_id
    while current is not None and current not in seen:
        chain.append(current)
        seen.add(current)
        current = parents.get(current)
    return chain


def _is_org_wide(unit_id: int | None) -> bool:
    return unit_id is None or _parents().get(unit_id, 0) is None


def grants_of_current() -> list[Grant]:
    """(permissions, unit) pairs of the signed-in user or the API key of this request."""
    key: ApiKey | None = g.get("api_key")
    if key is not None:
        return [(frozenset(key.permissions), key.org_unit_id)]
    if not current_user or not current_user.is_authenticated:
        return []
    return [(grant.permissions, grant.org_unit_id) for grant in current_user.grants]


def covers(grants: Iterable[Grant], permission: Permission, unit: Any) -> bool:
    """Whether a grant carries ``permission`` for ``unit`` (None: anywhere; ORG_WIDE: the whole organisation;
    :class:`EveryUnit`: each of its units)."""
    if isinstance(unit, EveryUnit):
        grants = list(grants)
        return all(covers(grants, permission, part) for part in unit.units)
    units = [u for perms, u in grants if permission in perms]
    if not units:
        return False
    if unit is None:
        return True
    if any(_is_org_wide(u) for u in units):
        return True
    if unit is ORG_WIDE:
        return False
    chain = set(_chain(int(unit)))
    return any(u in chain for u in units)


def can(permission: Permission, unit: Any = None) -> bool:
    """Whether the current user (or API key) holds ``permission`` for ``unit``; for templates and views."""
    return covers(grants_of_current(), permission, unit)


def visible_units(permission: Permission) -> set[int] | None:
    """Units whose data the current principal may see with ``permission``: None means all of them."""
    return units_of_grants(grants_of_current(), permission)


def units_with_every(*permissions: Permission) -> set[int] | None:
    """Units whose data the current principal may see with each of ``permissions`` (None: all units)."""
    found: set[int] | None = None
    for permission in permissions:
        units = visible_units(permission)
        if units is not None:
            found = units if found is None else found & units
    return found


def units_of_grants(grants: Iterable[Grant], permission: Permission) -> set[int] | None:
    """Units whose data ``grants`` let one see with ``permission`` (None: all); works without a request."""
    units = [u for perms, u in grants if permission in perms]
    if any(_is_org_wide(u) for u in units):
        return None
    visible = set()
    for unit_id, _parent in _parents().items():
        if any(u in units for u in _chain(unit_id)):
            visible.add(unit_id)
    return visible
