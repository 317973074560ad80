"""Staff accounts: lockout, password policy, server-side sessions (fixation, logout, timeouts), TOTP."""
from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from survey_app.models import AuditEvent, StaffSession, User, utcnow

PASSWORD = "Sokcho2026pass"


def login(client, username, password=PASSWORD):
    return client.post("/manage/login", data={"username": username, "password": password})


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else ""


def replay(app, cookie_value: str):
    """A different browser presenting a copied session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie_value)
    return other


def audit_actions(app_ctx, user_id):
    with app_ctx() as session:
        return session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(user_id))).all()


# --- sign-in, lockout, policy -----------------------------------------------------------------

def test_repeated_failures_lock_the_account_even_for_the_right_password(client, app_ctx, make_user):
    user_id, _ = make_user("lock_me")
    for _ in range(5):
        page = login(client, "lock_me", "wrong-password-1")
    assert "계정이 잠시 잠기니" in page.get_data(as_text=True)
    assert login(client, "lock_me").status_code == 200  # the right password is refused while locked
    assert client.get("/manage/").status_code == 302
    with app_ctx() as session:
        user = session.get(User, user_id)
        assert user.failed_logins == 5 and user.locked_until > utcnow()
    assert audit_actions(app_ctx, user_id).count("user.login_failed") == 6  # the attempt while locked counts too
    assert "user.locked" in audit_actions(app_ctx, user_id)


def test_a_served_lockout_lets_the_right_password_in_and_resets_the_count(client, app_ctx, make_user):
    user_id, _ = make_user("lock_done")
    for _ in range(5):
        login(client, "lock_done", "wrong-password-1")
    with app_ctx() as session:
        session.get(User, user_id).locked_until = utcnow() - timedelta(seconds=1)
    assert login(client, "lock_done").status_code == 302
    with app_ctx() as session:
        user = session.get(User, user_id)
        assert user.failed_logins == 0 and user.locked_until is None


def test_unknown_username_fails_like_a_wrong_password(client, app_ctx):
    page = login(client, "nobody_here", "whatever-123")
    assert page.status_code == 200 and "맞지 않습니다" in page.get_data(as_text=True)
    with app_ctx() as session:
        failure = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.login_failed")).one()
    assert failure.details == {"username": "nobody_here"}


@pytest.mark.parametrize("password, fragment", [
    ("short1", "10자"), ("onlyletterspassword", "문자와 숫자"), ("qwerty12345", "널리 쓰이는"), ("xyz_kim_2026pw", "아이디"),
])
def test_password_policy(password, fragment):
    from survey_app.accounts.passwords import PasswordPolicyError, check_policy

    with pytest.raises(PasswordPolicyError, match=fragment):
        check_policy(password, "xyz_kim")


def test_passwords_are_stored_as_argon2id(app_ctx, make_user):
    user_id, password = make_user("hash_check")
    with app_ctx() as session:
        stored = session.get(User, user_id).password_hash
    assert stored.startswith("$argon2id$") and password not in stored


# --- sessions -------------------------------------------------------------------------------------

def test_sign_in_starts_a_new_session_so_a_planted_cookie_gains_nothing(app, client, make_user):
    """Session fixation: the cookie a visitor had before signing in never becomes a signed-in session."""
    make_user("fixation")
    client.get("/manage/login")
    with client.session_transaction() as sess:
        sess["sid"] = "attacker-chosen-token"
        sess["planted"] = "yes"
    before = session_cookie(client)
    assert login(client, "fixation").status_code == 302
    with client.session_transaction() as sess:
        assert sess["sid"] != "attacker-chosen-token" and "planted" not in sess
    assert session_cookie(client) != before
    assert replay(app, before).get("/manage/").status_code == 302


def test_logout_ends_the_session_on_the_server(app, client, app_ctx, make_user):
    """A cookie copied before logout is useless afterwards."""
    user_id, _ = make_user("logout_srv")
    login(client, "logout_srv")
    stolen = session_cookie(client)
    assert replay(app, stolen).get("/manage/").status_code == 200
    assert client.post("/manage/logout").status_code == 302
    assert replay(app, stolen).get("/manage/").status_code == 302
    with app_ctx() as session:
        row = session.scalars(select(StaffSession).where(StaffSession.user_id == user_id)).one()
    assert row.ended_at is not None and row.end_reason == "logout"


@pytest.mark.parametrize("column, age, reason", [
    ("last_seen_at", timedelta(minutes=31), "idle"),
    ("created_at", timedelta(hours=12, minutes=1), "absolute"),
])
def test_sessions_time_out_on_the_server(client, app_ctx, make_user, column, age, reason):
    user_id, _ = make_user(f"timeout_{reason}")
    login(client, f"timeout_{reason}")
    assert client.get("/manage/").status_code == 200
    with app_ctx() as session:
        session.execute(update(StaffSession).where(StaffSession.user_id == user_id)
                        .values({column: utcnow() - age}))
    answer = client.get("/manage/")
    assert answer.status_code == 302 and "/manage/login" in answer.headers["Location"]
    with app_ctx() as session:
        row = session.scalars(select(StaffSession).where(StaffSession.user_id == user_id)).one()
    assert row.end_reason == reason
    assert client.get("/manage/").status_code == 302  # and it stays ended


def test_an_active_session_within_the_idle_limit_continues(client, app_ctx, make_user):
    user_id, _ = make_user("still_here")
    login(client, "still_here")
    with app_ctx() as session:
        session.execute(update(StaffSession).where(StaffSession.user_id == user_id)
                        .values(last_seen_at=utcnow() - timedelta(minutes=29)))
    assert client.get("/manage/").status_code == 200
    with app_ctx() as session:
        seen = session.scalars(select(StaffSession.last_seen_at).where(StaffSession.user_id == user_id)).one()
    assert utcnow() - seen < timedelta(minutes=1)  # the visit moved the idle clock


def test_changing_the_password_ends_other_sessions(app, client, make_user):
    make_user("pw_change")
    login(client, "pw_change")
    elsewhere = app.test_client()
    login(elsewhere, "pw_change")
    answer = client.post("/manage/account/password",
                         data={"current": PASSWORD, "new": "Gangneung2027x", "confirm": "Gangneung2027x"})
    assert answer.status_code == 302
    assert client.get("/manage/").status_code == 200  # this browser continues with a new session
    assert elsewhere.get("/manage/").status_code == 302
    assert login(app.test_client(), "pw_change", "Gangneung2027x").status_code == 302


def test_deactivating_an_account_ends_its_sessions(app, client, app_ctx, make_user):
    make_user("root_deact", is_admin=True)
    target_id, _ = make_user("to_deactivate")
    victim = app.test_client()
    login(victim, "to_deactivate")
    login(client, "root_deact")
    assert client.post(f"/admin/users/{target_id}/active").status_code == 302
    assert victim.get("/manage/").status_code == 302
    assert login(app.test_client(), "to_deactivate").status_code == 200


def test_session_cookie_flags(client, make_user):
    make_user("cookie_flags")
    answer = login(client, "cookie_flags")
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # plain http here


# --- second factor ---------------------------------------------------------------------------------

def _enrol(client) -> str:
    page = client.get("/manage/account/totp").get_data(as_text=True)
    secret = re.search(r'class="secret">([A-Z2-7]+)<', page).group(1)
    from survey_app.accounts.totp import STEP_SECONDS, code_at

    answer = client.post("/manage/account/totp", data={"code": code_at(secret, int(time.time() // STEP_SECONDS))})
    assert answer.status_code == 302
    return secret


def test_totp_second_factor_is_asked_after_the_password_and_codes_work_once(app, client, app_ctx, make_user):
    from survey_app.accounts.totp import STEP_SECONDS, code_at

    user_id, _ = make_user("two_step", is_admin=True)
    login(client, "two_step")
    secret = _enrol(client)
    with app_ctx() as session:
        stored = session.get(User, user_id).totp_secret_enc
    assert stored and secret.encode() not in stored  # the secret is encrypted at rest
    client.post("/manage/logout")
    answer = login(client, "two_step")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/manage/login/code")
    assert client.get("/manage/").status_code == 302  # not signed in before the code
    assert "맞지 않습니다" in client.post("/manage/login/code", data={"code": "000000"}).get_data(as_text=True)
    next_code = code_at(secret, int(time.time() // STEP_SECONDS) + 1)
    assert client.post("/manage/login/code", data={"code": next_code}).status_code == 302
    assert client.get("/manage/").status_code == 200
    other = app.test_client()
    login(other, "two_step")
    reused = other.post("/manage/login/code", data={"code": next_code})
    assert reused.status_code == 200 and other.get("/manage/").status_code == 302  # replay refused
    assert "user.totp_enable" in audit_actions(app_ctx, user_id)


def test_the_code_page_speaks_the_waiting_users_own_language(client, app_ctx, make_user):
    user_id, _ = make_user("two_step_en", is_admin=True)
    login(client, "two_step_en")
    _enrol(client)
    with app_ctx() as session:
        session.get(User, user_id).locale = "en"
    client.post("/manage/logout")
    assert "<h1>직원 로그인</h1>" in client.get("/manage/login?lang=ko").get_data(as_text=True)
    assert login(client, "two_step_en").headers["Location"].endswith("/manage/login/code")
    page = client.get("/manage/login/code").get_data(as_text=True)
    assert '<html lang="en"' in page and "<h1>Enter your one-time code</h1>" in page


def test_one_time_codes_take_full_width_digits_and_refuse_other_digit_signs():
    """Full-width digits (a Korean keyboard's) are the same code; "፩" (Ethiopic one) passes str.isdigit()
    but is no digit of a code, and must not reach hmac.compare_digest (which raises on non-ASCII text)."""
    from survey_app.accounts.totp import code_at, matching_step, new_secret

    secret, now = new_secret(), 1_800_000_000.0
    code = code_at(secret, int(now // 30))
    assert matching_step(secret, code.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}), now) is not None
    assert matching_step(secret, "፩" + code[1:], now) is None
