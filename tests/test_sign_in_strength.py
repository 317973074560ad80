"""Penetration-test findings about signing in: a refused sign-in tells nothing about the username, and
passwords are checked by a maintained strength estimator (zxcvbn) instead of a short blocklist."""
from __future__ import annotations

import re

import pytest

PASSWORD = "Sokcho2026pass"


def login(client, username, password=PASSWORD):
    return client.post("/manage/login", data={"username": username, "password": password})


# --- finding 6: a refused sign-in says the same thing, as slowly, for unknown and locked names ------

def _sign_in_error(page) -> str:
    return re.search(r'class="error"[^>]*>(.*?)<', page.get_data(as_text=True), re.S).group(1).strip()


def test_a_locked_account_and_an_unknown_username_are_refused_alike(client, make_user, monkeypatch):
    from survey_app.accounts import operations

    make_user("lock_probe")
    for _attempt in range(5):
        login(client, "lock_probe", "wrong-password-1")
    checked = []
    real = operations.verify_password
    monkeypatch.setattr(operations, "verify_password", lambda stored, given: checked.append(1) or real(stored, given))
    unknown, locked = login(client, "nobody_at_all", PASSWORD), login(client, "lock_probe", PASSWORD)
    assert unknown.status_code == locked.status_code == 200
    assert _sign_in_error(unknown) == _sign_in_error(locked)
    assert len(checked) == 2  # both paths pay for one argon2 verification: no timing difference


# --- finding 7: password strength from a maintained estimator -------------------------------------

@pytest.mark.parametrize("password", ["Password2026", "sunshine123", "qwertyuiop1", "dragon12345", "koreapost2026"])
def test_easily_guessed_passwords_are_refused_with_a_korean_reason(password):
    from survey_app.accounts.passwords import PasswordPolicyError, check_policy

    with pytest.raises(PasswordPolicyError, match="짐작할 수 있는 비밀번호"):
        check_policy(password, "someone")


def test_generated_passwords_pass_the_strength_check():
    from survey_app.accounts.passwords import check_policy, generate_password

    for _attempt in range(200):
        check_policy(generate_password(), "someone")
