"""The permission matrix: every route × every role × in-scope and out-of-scope unit → allowed or refused.

Generated from the app's route map, so a new route without a declared access rule fails here (see
``survey_app/web/access.py`` for how to declare one). A staff member's grant is for the regional
unit R-IN; "in" objects sit in its office P-IN, "out" objects in another region's office P-OUT.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from werkzeug.routing.converters import NumberConverter

from survey_app.models import ROLE_PERMISSIONS, OrgLevel, Role, StaffSession
from survey_app.web.access import Kind, rule_for
from tests.scope_examples import example_for

PASSWORD = "Matrix2026pass"
SKIP_METHODS = {"HEAD", "OPTIONS"}


def routes(app):
    """(endpoint, method, url rule) of every route the app serves."""
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - SKIP_METHODS):
            yield rule.endpoint, method, rule


def test_every_endpoint_declares_an_access_rule(app):
    missing = sorted({endpoint for endpoint, _m, _r in routes(app) if rule_for(app, endpoint) is None})
    assert missing == [], (f"these endpoints declare no access rule; add @public, @signed_in, @requires(...) or "
                           f"@api(...) (survey_app/web/access.py): {missing}")


def test_scoped_rules_can_build_examples(app):
    """The matrix needs an example object for every scope; a plain lambda scope cannot make one."""
    lacking = sorted(e for e, _m, _r in routes(app)
                     if (rule := rule_for(app, e)) and rule.scope is not None and example_for(rule.scope) is None)
    assert lacking == [], (f"use a survey_app.web.scopes.Scope with an example (or add one to "
                           f"tests/scope_examples.py) for: {lacking}")


@pytest.fixture
def tree(make_org):
    """HQ → R-IN → P-IN and HQ → R-OUT → P-OUT; returns code → id."""
    ids = {"HQ-M": make_org("HQ-M", "본부", OrgLevel.HEADQUARTERS)}
    for region, office in (("R-IN", "P-IN"), ("R-OUT", "P-OUT")):
        ids[region] = make_org(region, region, OrgLevel.REGIONAL, "HQ-M")
        ids[office] = make_org(office, office, OrgLevel.OFFICE, region)
    return ids


def _fill(rule, args: dict) -> str:
    """A URL for ``rule`` with ``args`` and harmless values for any other argument."""
    values = dict(args)
    for name, converter in rule._converters.items():
        if name not in values:
            values[name] = 987654 if isinstance(converter, NumberConverter) else "x"
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), path)
    return path


def _targets(app_ctx, app, tree) -> dict:
    """For each scoped endpoint, view args of an object in P-IN and one in P-OUT."""
    made = {}
    with app_ctx():
        for endpoint, _method, _rule in routes(app):
            rule = rule_for(app, endpoint)
            if rule and rule.scope is not None and endpoint not in made:
                example = example_for(rule.scope)
                made[endpoint] = {"in": example(tree["P-IN"]), "out": example(tree["P-OUT"])}
    return made


def _login(client, username):
    answer = client.post("/manage/login", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]


def _session_ended(app_ctx, user_id) -> bool:
    with app_ctx() as session:
        live = session.scalars(select(StaffSession).where(StaffSession.user_id == user_id,
                                                          StaffSession.ended_at.is_(None))).all()
    return not live


def _expected_staff(rule, role: Role | None, org_wide: bool, where: str) -> bool:
    if rule.kind is Kind.SIGNED_IN:
        return True
    if role is None or rule.permission not in ROLE_PERMISSIONS[role]:
        return False
    if org_wide or rule.scope is None:
        return True
    return where == "in" and rule.scope.name != "organisation"  # organisation scope: whole-organisation grants only


CASES = [(role, org_wide) for role in Role for org_wide in (False, True)] + [(None, False)]


@pytest.mark.parametrize("role, org_wide", CASES, ids=lambda v: str(v))
def test_staff_routes_by_role_and_scope(app, app_ctx, client, make_user, tree, role, org_wide):
    """Each staff route answers 403 exactly when the role lacks the permission for the object's unit."""
    from survey_app.accounts.operations import grant_role
    from survey_app.models import User

    user_id, _ = make_user(f"m_{role or 'none'}_{int(org_wide)}", PASSWORD)
    if role is not None:
        with app_ctx() as session:
            grant_role(session.get(User, user_id), role, None if org_wide else tree["R-IN"])
    targets = _targets(app_ctx, app, tree)
    _login(client, f"m_{role or 'none'}_{int(org_wide)}")
    wrong = []
    for endpoint, method, url_rule in routes(app):
        rule = rule_for(app, endpoint)
        if rule.kind not in (Kind.STAFF, Kind.SIGNED_IN):
            continue
        for where in ("in", "out"):
            url = _fill(url_rule, targets.get(endpoint, {}).get(where, {}))
            status = client.open(url, method=method).status_code
            allowed = status not in (401, 403) and status < 500
            if allowed != _expected_staff(rule, role, org_wide, where) or status >= 500:
                wrong.append(f"{method} {url} ({endpoint}, {where}): {status}")
            if method == "POST" and _session_ended(app_ctx, user_id):
                _login(client, f"m_{role or 'none'}_{int(org_wide)}")
    assert wrong == [], "\n".join(wrong)


def test_staff_routes_send_anonymous_visitors_to_sign_in(app, client):
    wrong = []
    for endpoint, method, url_rule in routes(app):
        rule = rule_for(app, endpoint)
        if rule.kind in (Kind.STAFF, Kind.SIGNED_IN):
            answer = client.open(_fill(url_rule, {}), method=method)
            if answer.status_code != 302 or "/manage/login" not in answer.headers.get("Location", ""):
                wrong.append(f"{method} {url_rule.rule}: {answer.status_code}")
    assert wrong == []


def test_public_routes_need_no_sign_in(app, client):
    wrong = []
    for endpoint, method, url_rule in routes(app):
        if rule_for(app, endpoint).kind is Kind.PUBLIC:
            status = client.open(_fill(url_rule, {}), method=method).status_code
            if status in (401, 403):
                wrong.append(f"{method} {url_rule.rule}: {status}")
    assert wrong == []


@pytest.mark.parametrize("where", ["in", "out", "none", "wrong_permission"])
def test_api_routes_by_key_and_scope(app, app_ctx, client, tree, where):
    """API endpoints: no key → 401; a key lacking the permission or the unit → 403; otherwise allowed."""
    from survey_app.accounts.api_keys import create_api_key
    from survey_app.models import Permission

    targets = _targets(app_ctx, app, tree)
    for endpoint, method, url_rule in routes(app):
        rule = rule_for(app, endpoint)
        if rule.kind is not Kind.API:
            continue
        needed = [rule.permission.value] if rule.permission else []
        if where == "wrong_permission":
            needed = [p.value for p in Permission if p != rule.permission][:1] if rule.permission else None
            if needed is None:
                continue
        headers = {}
        if where != "none":
            with app_ctx():
                _key, secret = create_api_key("matrix", needed or ["surveys.view"], org_unit_id=tree["R-IN"])
            headers = {"Authorization": f"Bearer {secret}"}
        url = _fill(url_rule, targets.get(endpoint, {}).get("out" if where == "out" else "in", {}))
        status = client.open(url, method=method, headers=headers).status_code
        refused_out = where == "out" and rule.scope is not None
        expected = {"none": 401, "wrong_permission": 403}.get(where, 403 if refused_out else None)
        if expected is None:
            assert status not in (401, 403) and status < 500, f"{method} {url}: {status}"
        else:
            assert status == expected, f"{method} {url} ({where}): {status}"
