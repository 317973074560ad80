"""`survey-app serve` runs the app under gunicorn; the WSGI entry refuses an un-migrated database.

These talk to the command the README gives operators, in its own processes: what one client does must
never show in another client's request (each request gets its own ``flask.g``), a killed master leaves
no worker holding the port, and the access log keeps no personal-link token or personal search.
"""
from __future__ import annotations

import re
import sqlite3
import time
import urllib.parse

import pytest

from survey_app.privacy.log_redaction import REDACTED, redact_request_line, redact_target, redact_url
from tests.live_server import Browser, csrf_token
from tests.served import Served, alive, clean_environment, served, wait_for
from tests.test_cli import survey_app


@pytest.fixture
def migrated_instance(tmp_path):
    env = {"SURVEY_INSTANCE_PATH": str(tmp_path)}
    assert survey_app("db", "upgrade", env=env).returncode == 0
    return env


def test_serve_answers_through_gunicorn(migrated_instance, tmp_path):
    with served(clean_environment(**migrated_instance), tmp_path / "serve.log") as server:
        assert '"status":"ok"' in wait_for(f"{server.url}/api/v1/health").replace(" ", "")
        assert "우편고객센터" in wait_for(f"{server.url}/manage/login")


def test_serve_refuses_an_unmigrated_database(tmp_path):
    result = survey_app("serve", "--bind", "127.0.0.1:1", env={"SURVEY_INSTANCE_PATH": str(tmp_path)})
    assert result.returncode != 0 and "survey-app db upgrade" in result.stderr and "Traceback" not in result.stderr


def test_wsgi_entry_refuses_an_unmigrated_database(tmp_path):
    import subprocess
    import sys

    env = clean_environment(SURVEY_INSTANCE_PATH=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", "import survey_app.wsgi"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1 and "survey-app db upgrade" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def admin_instance(migrated_instance):
    """A migrated instance with an organisation-wide admin: (environment, username, password)."""
    created = survey_app("create-user", "boss", "--admin", env=migrated_instance)
    assert created.returncode == 0, created.stderr
    password = re.search(r"\(password, shown once\): (\S+)", created.stdout).group(1)
    return migrated_instance, "boss", password


def sign_in(base: str, username: str, password: str) -> Browser:
    """A browser signed in as ``username`` through the sign-in form."""
    browser = Browser()
    _status, page = browser.get(f"{base}/manage/login")
    status, _page = browser.post(f"{base}/manage/login",
                                 {"csrf_token": csrf_token(page), "username": username, "password": password})
    assert status == 200
    return browser


def surveys_in(instance: dict) -> int:
    with sqlite3.connect(f"{instance['SURVEY_INSTANCE_PATH']}/survey.sqlite") as conn:
        return conn.execute("SELECT count(*) FROM surveys").fetchone()[0]


def test_no_request_inherits_the_signed_in_staff_member_of_another(admin_instance, tmp_path):
    """Before the fix, gunicorn forked with the CLI's application context pushed and every request of a
    worker shared one ``flask.g``: an anonymous request was served as the last signed-in admin."""
    instance, username, password = admin_instance
    with served(clean_environment(**instance), tmp_path / "serve.log", workers=1) as server:
        admin = sign_in(server.url, username, password)
        assert admin.get(f"{server.url}/admin/users")[0] == 200
        anonymous = Browser()
        for path in ("/admin/users", "/admin/access-log", "/manage/contacts/"):
            status, page = anonymous.get(f"{server.url}{path}")
            assert "/manage/login" in page or status in (302, 401, 403), f"{path} answered {status} to nobody"
            assert username not in page
        assert admin.get(f"{server.url}/admin/users")[0] == 200


def test_an_anonymous_post_without_csrf_token_changes_nothing(admin_instance, tmp_path):
    instance, username, password = admin_instance
    with served(clean_environment(**instance), tmp_path / "serve.log", workers=1) as server:
        sign_in(server.url, username, password).get(f"{server.url}/manage/surveys/new")
        status, _page = Browser().post(f"{server.url}/manage/surveys/new",
                                       {"code": "EVIL", "title": "침입", "kind": "customer_satisfaction",
                                        "start": "blank"})
        assert status in (400, 403) or "/manage/login" in _page
    assert surveys_in(instance) == 0


def test_every_client_gets_its_own_csrf_token_and_can_sign_in(admin_instance, tmp_path):
    instance, username, password = admin_instance
    with served(clean_environment(**instance), tmp_path / "serve.log", workers=1) as server:
        tokens = {csrf_token(Browser().get(f"{server.url}/manage/login")[1]) for _ in range(3)}
        assert len(tokens) == 3, "clients were handed one cached CSRF token"
        for _ in range(2):
            browser = sign_in(server.url, username, password)
            assert browser.get(f"{server.url}/admin/users")[0] == 200


def test_the_access_log_keeps_no_personal_link_token_or_search(migrated_instance, tmp_path):
    log = tmp_path / "serve.log"
    token, phone = "Tk7secretpersonaltoken", "010-2345-6789"
    with served(clean_environment(**migrated_instance), log, workers=1) as server:
        Browser().get(f"{server.url}/s/{token}?p=2")
        Browser().get(f"{server.url}/manage/contacts/?q={urllib.parse.quote(phone)}&page=3")
        Browser().get(f"{server.url}/u/{token}")
        time.sleep(0.5)  # gunicorn writes the access line after the response
    text = log.read_text()
    assert token not in text and phone not in text and "2345" not in text
    assert f"/s/{REDACTED}?p=2" in text and f"q={REDACTED}&page=3" in text


def test_a_killed_master_leaves_no_worker_on_the_port(migrated_instance, tmp_path):
    """kill -9 of the master alone: its workers stop (they die with it), and a restart on the same port
    serves again instead of failing to bind."""
    server = Served(clean_environment(**migrated_instance), tmp_path / "serve.log", workers=2)
    server.start()
    try:
        orphans = server.kill_master()
        assert orphans
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in orphans):
            assert time.monotonic() < deadline, f"workers {orphans} outlived their killed master"
            time.sleep(0.1)
        server.start()
        assert "우편고객센터" in wait_for(f"{server.url}/manage/login")
    finally:
        server.stop()


def test_run_gunicorn_refuses_to_fork_inside_an_application_context(app):
    from survey_app.server import run_gunicorn

    with app.app_context(), pytest.raises(RuntimeError, match="application context"):
        run_gunicorn(app, "127.0.0.1:1", 1)


@pytest.mark.parametrize(("line", "kept"), [
    ("GET /s/abcDEF123 HTTP/1.1", f"GET /s/{REDACTED} HTTP/1.1"),
    ("GET /u/abc/extra?p=1 HTTP/1.1", f"GET /u/{REDACTED}/extra?p=1 HTTP/1.1"),
    ("GET /manage/contacts/?q=010-1234-5678&page=2 HTTP/1.1", f"GET /manage/contacts/?q={REDACTED}&page=2 HTTP/1.1"),
    ("GET /manage/login?next=/s/tok HTTP/1.1", f"GET /manage/login?next={REDACTED} HTTP/1.1"),
    ("GET /r/Q1-2026?p=3&lang=en HTTP/1.1", "GET /r/Q1-2026?p=3&lang=en HTTP/1.1"),
    ("garbage", f"garbage {REDACTED}"),
])
def test_request_lines_are_redacted(line, kept):
    assert redact_request_line(line) == kept


def test_a_referer_is_redacted_like_a_request_target():
    assert redact_url("https://survey.example/s/tok?q=x#f") == f"https://survey.example/s/{REDACTED}?q={REDACTED}"
    assert redact_url("-") == "-"
    assert redact_target("/u/tok") == f"/u/{REDACTED}"


def test_the_demo_servers_request_lines_are_redacted_too():
    import logging

    from survey_app.server import RedactedRequestLines

    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '127.0.0.1 - - "%s" %s %s',
                               ("GET /s/Tk7secret?q=010-1234-5678 HTTP/1.1", "200", "-"), None)
    assert RedactedRequestLines().filter(record)
    line = record.getMessage()
    assert "Tk7secret" not in line and "1234" not in line and f"/s/{REDACTED}?q={REDACTED}" in line
