"""Attacks on the app as operators run it (`survey-app serve`, one gunicorn worker so that every request
lands in the same process): no request may carry another's identity, grants or token.

The test client and a WSGI app served in the test's own process could not show these: the flaw lived in
how the served process was started (an application context inherited across gunicorn's fork).
"""
from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.live_server import Browser, csrf_token
from tests.served import clean_environment, served
from tests.test_cli import survey_app
from tests.test_serve import sign_in


def _created_password(result) -> str:
    assert result.returncode == 0, result.stderr
    return re.search(r"\(password, shown once\): (\S+)", result.stdout).group(1)


@pytest.fixture
def staffed(tmp_path):
    """A migrated instance with an admin, an evaluator and an API key: environment and their secrets."""
    env = {"SURVEY_INSTANCE_PATH": str(tmp_path)}
    assert survey_app("db", "upgrade", env=env).returncode == 0
    secrets = {"admin": _created_password(survey_app("create-user", "boss", "--admin", env=env)),
               "evaluator": _created_password(survey_app("create-user", "mystery", "--role", "evaluator", env=env))}
    key = survey_app("create-api-key", "telephony", "--permission", "users.manage", "--permission", "results.view",
                     env=env)
    secrets["key"] = re.search(r"\(key, shown once\): (\S+)", key.stdout).group(1)
    return env, secrets


def _api_get(base: str, path: str, key: str) -> int:
    request = urllib.request.Request(f"{base}{path}", headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            json.loads(answer.read())
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_an_api_keys_grants_never_reach_a_signed_in_staff_member(staffed, tmp_path):
    env, secrets = staffed
    with served(clean_environment(**env), tmp_path / "serve.log", workers=1) as server:
        evaluator = sign_in(server.url, "mystery", secrets["evaluator"])
        assert evaluator.get(f"{server.url}/admin/users")[0] == 403
        assert _api_get(server.url, "/api/v1/waves/1/status", secrets["key"]) in (200, 404)
        assert evaluator.get(f"{server.url}/admin/users")[0] == 403, "the evaluator got the API key's grants"


def test_an_admins_session_is_not_served_to_the_next_client(staffed, tmp_path):
    env, secrets = staffed
    with served(clean_environment(**env), tmp_path / "serve.log", workers=1) as server:
        admin = sign_in(server.url, "boss", secrets["admin"])
        assert admin.get(f"{server.url}/admin/access-log")[0] == 200
        status, page = Browser().get(f"{server.url}/admin/access-log")
        assert status != 200 or "/manage/login" in page and "boss" not in page


def test_served_forms_refuse_a_post_without_its_token_and_pages_carry_security_headers(staffed, tmp_path):
    env, secrets = staffed
    with served(clean_environment(**env), tmp_path / "serve.log", workers=1) as server:
        sign_in(server.url, "boss", secrets["admin"])  # a valid token was just used in this worker
        stranger = Browser()
        status, page = stranger.post(f"{server.url}/manage/login", {"username": "boss", "password": secrets["admin"]})
        assert status == 400 and "Traceback" not in page
        login_page = Browser().get(f"{server.url}/manage/login")[1]
        with urllib.request.urlopen(f"{server.url}/manage/login", timeout=20) as answer:
            assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
            assert answer.headers["Cache-Control"] == "no-store"
        assert csrf_token(login_page)
