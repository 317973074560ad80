"""Configuration: the order settings are read in, and one clear error for each bad value."""
from __future__ import annotations

import pytest

from survey_app import ConfigError, create_app
from survey_app.config import from_environment, parse_env_value


@pytest.fixture
def instance(tmp_path, monkeypatch):
    for key in [k for k in __import__("os").environ if k.startswith("SURVEY_") and not k.startswith("SURVEY_TEST_")]:
        monkeypatch.delenv(key)
    return tmp_path


def test_defaults_then_instance_file_then_environment_then_argument(instance, monkeypatch):
    (instance / "config.py").write_text('CONTACT_CENTER_PHONE = "02-111-1111"\nBASE_URL = "https://from-file"\n'
                                        'LOG_LEVEL = "WARNING"\n')
    monkeypatch.setenv("SURVEY_BASE_URL", "https://from-env")
    monkeypatch.setenv("SURVEY_LOG_LEVEL", "ERROR")
    app = create_app({"INSTANCE_PATH": str(instance), "LOG_LEVEL": "DEBUG"})
    assert app.config["CONTACT_CENTER_PHONE"] == "02-111-1111"  # file over default
    assert app.config["BASE_URL"] == "https://from-env"  # environment over file
    assert app.config["LOG_LEVEL"] == "DEBUG"  # argument over environment
    assert app.config["SESSION_IDLE_MINUTES"] == 30  # default


def test_default_database_is_sqlite_in_the_instance_folder(instance):
    app = create_app({"INSTANCE_PATH": str(instance)})
    assert app.config["SQLALCHEMY_URL"] == f"sqlite:///{instance / 'survey.sqlite'}"


def test_postgres_urls_use_psycopg3(instance):
    app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": "postgresql://u@127.0.0.1/survey"})
    assert app.config["SQLALCHEMY_URL"].startswith("postgresql+psycopg://")


@pytest.mark.parametrize("raw, default, expected", [
    ("true", False, True), ("0", True, False), ("45", 30, 45), ("x", "y", "x"), ('["a"]', [], ["a"]),
])
def test_environment_values_take_the_type_of_their_default(raw, default, expected):
    assert parse_env_value("X", raw, default) == expected


@pytest.mark.parametrize("name, raw, fragment", [
    ("SURVEY_SESSION_IDLE_MINUTES", "thirty", "SURVEY_SESSION_IDLE_MINUTES"),
    ("SURVEY_DATABASE_ECHO", "maybe", "true"),
    ("SURVEY_NO_SUCH_SETTING", "1", "알 수 없는 설정"),
])
def test_bad_environment_values_name_the_setting(name, raw, fragment):
    with pytest.raises(ConfigError, match=fragment):
        from_environment({name: raw})


def test_malformed_database_url_is_a_config_error(instance):
    with pytest.raises(ConfigError, match="SURVEY_DATABASE_URL"):
        create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": "not a url at all"})


def test_unsupported_database_is_a_config_error(instance):
    with pytest.raises(ConfigError, match="sqlite 또는 postgresql"):
        create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": "mysql://root@localhost/x"})


def test_missing_instance_folder_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="SURVEY_INSTANCE_PATH"):
        create_app({"INSTANCE_PATH": str(tmp_path / "nowhere")})


def test_wrong_type_in_instance_file_is_a_config_error(instance):
    (instance / "config.py").write_text('SESSION_IDLE_MINUTES = "thirty"\n')
    with pytest.raises(ConfigError, match="SESSION_IDLE_MINUTES"):
        create_app({"INSTANCE_PATH": str(instance)})


def test_syntax_error_in_instance_file_is_a_config_error(instance):
    (instance / "config.py").write_text("this is not python\n")
    with pytest.raises(ConfigError, match="config.py"):
        create_app({"INSTANCE_PATH": str(instance)})


def test_session_cookies_are_httponly_and_samesite_lax(instance):
    app = create_app({"INSTANCE_PATH": str(instance)})
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    https = create_app({"INSTANCE_PATH": str(instance), "PREFERRED_URL_SCHEME": "https"})
    assert https.config["SESSION_COOKIE_SECURE"]


def test_readme_documents_every_setting():
    from pathlib import Path

    from survey_app.config import DEFAULTS

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [name for name in DEFAULTS if f"`SURVEY_{name}`" not in readme]
    assert missing == []
