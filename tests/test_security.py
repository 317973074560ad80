"""HTTP hardening: security headers, HTTPS behind a proxy, CSRF, rate limits, API keys."""
from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from survey_app.models import ApiKey

PASSWORD = "Sokcho2026pass"


def test_every_page_carries_the_security_headers(client):
    answer = client.get("/")
    csp = answer.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in answer.headers  # plain http


def test_error_pages_carry_them_too(client):
    answer = client.get("/no/such/page")
    assert answer.status_code == 404 and "Content-Security-Policy" in answer.headers


def test_staff_pages_are_never_cached(client):
    assert client.get("/manage/login").headers["Cache-Control"] == "no-store"


def test_https_behind_a_trusted_proxy_gets_hsts_and_secure_cookies(make_app, db):
    app = make_app(PROXY_FIX_HOPS=1, WTF_CSRF_ENABLED=True)  # the form token puts a cookie on the page
    answer = app.test_client().get("/manage/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    [session_cookie] = [c for c in answer.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(client):
    answer = client.get("/manage/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in answer.headers


def test_forms_refuse_posts_without_a_csrf_token(make_app, db, make_user):
    make_user("csrf_user")
    app = make_app(WTF_CSRF_ENABLED=True)
    answer = app.test_client().post("/manage/login", data={"username": "csrf_user", "password": PASSWORD})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "새로 고친 뒤" in html and "Traceback" not in html


@pytest.fixture
def mid_minute(monkeypatch):
    """The limiter's clock held in the middle of a minute: fixed windows, so requests that straddled a
    minute's end would be counted in two windows and the test would fail by chance."""
    from survey_app.web import ratelimit

    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))


def test_sign_in_attempts_are_rate_limited_per_address(make_app, db, mid_minute):
    app = make_app(RATE_LIMIT_LOGIN="3/minute")
    client = app.test_client()
    statuses = [client.post("/manage/login", data={"username": "x", "password": "y"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.post("/manage/login", data={"username": "x", "password": "y"})
    assert "요청이 너무 많습니다" in limited.get_data(as_text=True) and limited.headers["Retry-After"] == "30"
    other = client.post("/manage/login", data={"username": "x", "password": "y"}, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert other.status_code == 200


def test_rate_limit_counts_are_shared_through_the_database(app_ctx):
    from survey_app.web.ratelimit import hit

    with app_ctx():
        results = [hit("shared", "198.51.100.1", "2/minute", now=1_000_020)[0] for _ in range(3)]
        next_window = hit("shared", "198.51.100.1", "2/minute", now=1_000_080)[0]
    assert results == [True, True, False] and next_window


def test_api_key_is_shown_once_and_stored_as_a_hash(runner, app_ctx, client):
    result = runner.invoke(args=["create-api-key", "콜센터 연동", "--permission", "invitations.create"])
    assert result.exit_code == 0, result.output
    secret = result.output.split("shown once): ")[1].strip()
    with app_ctx() as session:
        key = session.scalars(select(ApiKey)).one()
    assert secret not in key.key_hash and len(key.key_hash) == 64 and key.permissions == ["invitations.create"]
    answer = client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200 and answer.get_json()["permissions"] == ["invitations.create"]


def test_api_refuses_missing_wrong_revoked_and_expired_keys(app_ctx, client):
    from datetime import timedelta

    from survey_app.accounts.api_keys import create_api_key, revoke_api_key
    from survey_app.models import utcnow

    with app_ctx():
        revoked, revoked_secret = create_api_key("old", ["surveys.view"])
        revoke_api_key(revoked)
        expired, expired_secret = create_api_key("expired", ["surveys.view"])
        expired.expires_at = utcnow() - timedelta(seconds=1)
    missing = client.get("/api/v1/whoami")
    assert missing.status_code == 401 and missing.get_json()["error"]["status"] == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    for secret in ("sk_not_a_key", revoked_secret, expired_secret):
        assert client.get("/api/v1/whoami", headers={"X-API-Key": secret}).status_code == 401


def test_api_keys_do_not_open_staff_pages(app_ctx, client):
    from survey_app.accounts.api_keys import create_api_key

    with app_ctx():
        _key, secret = create_api_key("all", ["users.manage"])
    answer = client.get("/admin/users", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 302  # staff pages need a signed-in person, never a key


def test_open_survey_links_are_rate_limited_per_address(make_app, db, mid_minute):
    app = make_app(RATE_LIMIT_OPEN_LINK="2/minute")
    client = app.test_client()
    statuses = [client.get("/o/some-open-link-key").status_code for _ in range(3)]
    assert statuses[:2] != [429, 429] and statuses[2] == 429
    assert client.get("/").status_code == 200  # other public pages are not limited


def test_a_nul_character_in_a_form_is_refused_however_it_is_encoded(client):
    """Percent-encoded or raw in a urlencoded body, or in a multipart field: 400. '%2500' is the text
    '%00', not a NUL, and passes (the sign-in form then answers as for any wrong password)."""
    form = "application/x-www-form-urlencoded"
    statuses = [client.post("/manage/login", data=body, content_type=form).status_code
                for body in (b"username=a%00b&password=y", b"username=a\x00b&password=y", b"username=%2500&password=y")]
    multipart = client.post("/manage/login", data={"username": "a\x00b", "password": "y", "f": (io.BytesIO(b"x"), "a.txt")})
    assert statuses == [400, 400, 200] and multipart.status_code == 400
