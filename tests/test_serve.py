"""`survey-app serve` runs the app under gunicorn; the WSGI entry refuses an un-migrated database."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.test_cli import survey_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return answer.read().decode("utf-8")
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.fixture
def migrated_instance(tmp_path):
    env = {"SURVEY_INSTANCE_PATH": str(tmp_path)}
    assert survey_app("db", "upgrade", env=env).returncode == 0
    return env


def test_serve_answers_through_gunicorn(migrated_instance):
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}, **migrated_instance}
    server = subprocess.Popen([sys.executable, "-m", "survey_app", "serve", "--bind", f"127.0.0.1:{port}",
                               "--workers", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        assert '"status":"ok"' in wait_for(f"http://127.0.0.1:{port}/api/v1/health").replace(" ", "")
        assert "우편고객센터" in wait_for(f"http://127.0.0.1:{port}/manage/login")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_serve_refuses_an_unmigrated_database(tmp_path):
    result = survey_app("serve", "--bind", f"127.0.0.1:{free_port()}", env={"SURVEY_INSTANCE_PATH": str(tmp_path)})
    assert result.returncode != 0 and "survey-app db upgrade" in result.stderr and "Traceback" not in result.stderr


def test_wsgi_entry_refuses_an_unmigrated_database(tmp_path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}, "SURVEY_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "import survey_app.wsgi"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1 and "survey-app db upgrade" in result.stderr and "Traceback" not in result.stderr
