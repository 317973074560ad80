"""The hook that enforces every endpoint's access rule before its view runs (deny by default)."""
from __future__ import annotations

import logging
from typing import Any

from flask import abort, current_app, g, request
from flask_login import current_user

from ..accounts.api_keys import authenticate_key, presented_key
from .access import Kind, Rule, can, rule_for

log = logging.getLogger(__name__)


def _scope_unit(rule: Rule) -> Any:
    if rule.scope is None:
        return None
    return rule.scope.resolve(**(request.view_args or {}))


def _enforce_api(rule: Rule) -> None:
    key = authenticate_key(presented_key(request))
    if key is None:
        abort(401)
    g.api_key = key
    if rule.permission is not None and not can(rule.permission, _scope_unit(rule)):
        abort(403)


def enforce_access_rule():
    """Run the endpoint's rule: pass, redirect to sign-in, or answer 401/403/404."""
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: routing answers 404/405
        return None
    rule = rule_for(current_app, endpoint)
    if rule is None:
        log.error("endpoint %s declares no access rule; refused (see survey_app/web/access.py)", endpoint)
        abort(403)
    if rule.kind is Kind.PUBLIC:
        return None
    if rule.kind is Kind.API:
        return _enforce_api(rule)
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if rule.kind is Kind.STAFF and not can(rule.permission, _scope_unit(rule)):
        abort(403)
    return None
