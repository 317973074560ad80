"""The survey-app command: real processes for setup errors, the runner for commands on the test database."""
from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import select

from survey_app.models import User


def survey_app(*args: str, env: dict[str, str] | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run ``survey-app ARGS`` in a new process with a clean SURVEY_ environment plus ``env``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
    return subprocess.run([sys.executable, "-m", "survey_app", *args], env={**base, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


def assert_one_line_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0], result.stderr


def test_malformed_database_url_stops_with_one_line(tmp_path):
    result = survey_app("db", "current", env={"SURVEY_INSTANCE_PATH": str(tmp_path), "SURVEY_DATABASE_URL": "::nonsense::"})
    assert_one_line_error(result, "SURVEY_DATABASE_URL")


def test_unreachable_database_stops_with_one_line(tmp_path):
    result = survey_app("db", "current", env={"SURVEY_INSTANCE_PATH": str(tmp_path),
                                              "SURVEY_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/test"})
    assert_one_line_error(result, "데이터베이스에 연결할 수 없습니다")


def test_missing_instance_folder_stops_with_one_line(tmp_path):
    result = survey_app("surveys", env={"SURVEY_INSTANCE_PATH": str(tmp_path / "missing")})
    assert_one_line_error(result, "SURVEY_INSTANCE_PATH")


def test_bad_setting_type_stops_with_one_line(tmp_path):
    result = survey_app("surveys", env={"SURVEY_INSTANCE_PATH": str(tmp_path), "SURVEY_GUNICORN_WORKERS": "many"})
    assert_one_line_error(result, "SURVEY_GUNICORN_WORKERS")


def test_unmigrated_database_names_the_command_to_run(tmp_path):
    result = survey_app("surveys", env={"SURVEY_INSTANCE_PATH": str(tmp_path)})
    assert_one_line_error(result, "survey-app db upgrade")


def test_db_upgrade_current_downgrade_cycle(tmp_path):
    env = {"SURVEY_INSTANCE_PATH": str(tmp_path)}
    assert survey_app("db", "upgrade", env=env).returncode == 0
    current = survey_app("db", "current", env=env)
    assert current.returncode == 0 and "up to date" in current.stdout
    assert survey_app("db", "downgrade", "base", env=env).returncode == 0
    assert "needs upgrade" in survey_app("db", "current", env=env).stdout


def test_create_user_prints_a_generated_password_once(runner, app_ctx):
    result = runner.invoke(args=["create-user", "cs_choi", "--name", "최상담"])
    assert result.exit_code == 0, result.output
    password = result.output.split("shown once): ")[1].strip()
    from survey_app.accounts.passwords import verify_password

    with app_ctx() as session:
        user = session.scalar(select(User).where(User.username == "cs_choi"))
    assert user.display_name == "최상담" and verify_password(user.password_hash, password)
    assert password not in user.password_hash


def test_create_user_refuses_a_weak_password_and_a_duplicate(runner):
    weak = runner.invoke(args=["create-user", "cs_weak", "--password", "short"])
    assert weak.exit_code != 0 and "10자" in weak.output
    assert runner.invoke(args=["create-user", "cs_dup"]).exit_code == 0
    again = runner.invoke(args=["create-user", "cs_dup"])
    assert again.exit_code != 0 and "이미 있습니다" in again.output


def test_surveys_and_waves_list_their_codes(runner, make_survey):
    ids = make_survey(code="CS-2026-Q4", title="2026년 4분기 우편서비스 만족도")
    surveys = runner.invoke(args=["surveys"])
    assert "CS-2026-Q4" in surveys.output and "v1" in surveys.output
    waves = runner.invoke(args=["waves", "--survey", "CS-2026-Q4"])
    assert ids["wave_code"] in waves.output


def test_surveys_and_waves_print_a_header_and_korean_states(runner, make_survey):
    """Issue 21: the lists had no header and English states ("published", "open")."""
    ids = make_survey(code="CS-HEAD", title="머리글 시험")
    surveys = runner.invoke(args=["surveys"]).output.splitlines()
    assert surveys[0].split("\t") == ["설문 코드", "상태", "게시 버전", "제목"]
    assert "CS-HEAD\t게시됨\tv1\t머리글 시험" in surveys
    waves = runner.invoke(args=["waves", "--survey", "CS-HEAD"]).output.splitlines()
    assert waves[0].split("\t") == ["차수 코드", "상태", "설문 코드", "완료 응답", "작성 중 응답", "차수 이름"]
    assert waves[1].split("\t") == [ids["wave_code"], "진행 중", "CS-HEAD", "0", "0", "테스트 차수"]
