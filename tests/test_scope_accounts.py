"""Penetration-test findings about staff accounts: who may manage an account (every grant it holds must
lie in the administrator's scope), and where a generated password travels (never in the session cookie)."""
from __future__ import annotations

import base64
import re
import zlib

import pytest
from sqlalchemy import select

from survey_app.models import OrgLevel, RoleGrant, User

PASSWORD = "Sokcho2026pass"


def login(client, username, password=PASSWORD):
    return client.post("/manage/login", data={"username": username, "password": password})


@pytest.fixture
def regions(make_org):
    ids = {"HQ-A": make_org("HQ-A", "우정사업본부", OrgLevel.HEADQUARTERS)}
    for region, office in (("R-SEOUL-A", "P-GWANG-A"), ("R-BUSAN-A", "P-HAEUN-A")):
        ids[region] = make_org(region, region, OrgLevel.REGIONAL, "HQ-A")
        ids[office] = make_org(office, office, OrgLevel.OFFICE, region)
    return ids


def grant(app_ctx, user_id, role, unit_id):
    from survey_app.accounts.operations import grant_role

    with app_ctx() as session:
        grant_role(session.get(User, user_id), role, unit_id)


def _account_actions(app_ctx, user_id):
    with app_ctx() as session:
        grant_id = session.scalars(select(RoleGrant.id).where(RoleGrant.user_id == user_id)).first()
    return [("get", f"/admin/users/{user_id}"), ("post", f"/admin/users/{user_id}/password"),
            ("post", f"/admin/users/{user_id}/active"), ("post", f"/admin/users/{user_id}/unlock"),
            ("post", f"/admin/users/{user_id}/sessions/end"),
            ("post", f"/admin/users/{user_id}/grants/{grant_id}/revoke")]


# --- finding 1: an account is managed only by someone whose scope holds every grant of it ---------

@pytest.mark.parametrize("where", ["org_wide", "top_unit", "other_region"])
def test_a_regional_admin_cannot_manage_an_account_holding_rights_outside_its_region(
        client, app_ctx, make_user, regions, where):
    busan_admin, _ = make_user("busan_chief", org_unit_id=regions["R-BUSAN-A"])
    grant(app_ctx, busan_admin, "admin", regions["R-BUSAN-A"])
    # the target lives in a Busan office, but holds a grant reaching beyond Busan
    target, _ = make_user("wide_reach", org_unit_id=regions["P-HAEUN-A"])
    unit = {"org_wide": None, "top_unit": regions["HQ-A"], "other_region": regions["P-GWANG-A"]}[where]
    grant(app_ctx, target, "admin" if where != "other_region" else "analyst", unit)
    with app_ctx() as session:
        before = session.get(User, target).password_hash
    assert login(client, "busan_chief").status_code == 302
    assert "wide_reach" not in client.get("/admin/users").get_data(as_text=True)
    for method, url in _account_actions(app_ctx, target):
        assert getattr(client, method)(url).status_code == 403, url
    assert client.post(f"/admin/users/{target}/grants",
                       data={"role": "analyst", "org_unit": str(regions["P-HAEUN-A"])}).status_code == 403
    with app_ctx() as session:
        user = session.get(User, target)
        assert user.password_hash == before and user.active and len(user.grants) == 1


def test_a_regional_admin_still_manages_accounts_whose_grants_are_all_in_its_region(
        client, app_ctx, make_user, regions):
    busan_admin, _ = make_user("busan_chief2", org_unit_id=regions["R-BUSAN-A"])
    grant(app_ctx, busan_admin, "admin", regions["R-BUSAN-A"])
    clerk, _ = make_user("busan_clerk2", org_unit_id=regions["P-HAEUN-A"])
    grant(app_ctx, clerk, "designer", regions["P-HAEUN-A"])
    login(client, "busan_chief2")
    assert "busan_clerk2" in client.get("/admin/users").get_data(as_text=True)
    for method, url in _account_actions(app_ctx, clerk):
        assert getattr(client, method)(url).status_code in (200, 302), url


# --- finding 8: a generated password never travels in the session cookie -------------------------

def _cookie_texts(answer) -> list[str]:
    """Every Set-Cookie value of ``answer``, decoded as Flask's signed session (base64, maybe zlib)."""
    texts = []
    for header in answer.headers.getlist("Set-Cookie"):
        value = header.split(";", 1)[0].split("=", 1)[1]
        payload = value.lstrip(".").split(".")[0]
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)) if payload else b""
        texts.append((zlib.decompress(raw) if value.startswith(".") else raw).decode("utf-8", "replace"))
    return texts


def _shown_password(answer) -> str:
    return re.search(r"<code>([A-Za-z0-9]+)</code>", answer.get_data(as_text=True)).group(1)


def test_a_reset_password_is_shown_on_the_page_and_not_put_in_the_cookie(client, app_ctx, make_user, regions):
    make_user("root_reset", is_admin=True)
    target, _ = make_user("reset_me", org_unit_id=regions["P-GWANG-A"])
    login(client, "root_reset")
    answer = client.post(f"/admin/users/{target}/password")
    password = _shown_password(answer)
    assert answer.status_code == 200 and "한 번만 표시" in answer.get_data(as_text=True)
    assert not any(password in text for text in _cookie_texts(answer))
    assert password not in client.get(f"/admin/users/{target}").get_data(as_text=True)
    assert login(client.application.test_client(), "reset_me", password).status_code == 302


def test_a_new_accounts_first_password_is_not_put_in_the_cookie(client, app_ctx, make_user, regions):
    make_user("root_new", is_admin=True)
    login(client, "root_new")
    answer = client.post("/admin/users", data={"username": "lee_new", "display_name": "이신규",
                                               "org_unit": str(regions["P-GWANG-A"])})
    password = _shown_password(answer)
    assert answer.status_code == 200 and "lee_new" in answer.get_data(as_text=True)
    assert not any(password in text for text in _cookie_texts(answer))
