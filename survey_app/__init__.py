"""survey_app: satisfaction and courtesy surveys for the postal customer contact center."""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from .config import DEFAULTS, ConfigError, check_types, database_url, early_settings, from_environment
from .extensions import compress

__all__ = ["ConfigError", "create_app"]


def _load_settings(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Defaults → instance config.py → SURVEY_ environment → the argument."""
    app.config.from_mapping(DEFAULTS)
    instance_config = Path(app.instance_path) / "config.py"
    if instance_config.is_file():
        try:
            app.config.from_pyfile(str(instance_config))
        except Exception as exc:  # a syntax error in the file must be one line, not a traceback
            raise ConfigError(f"{instance_config}: 읽을 수 없습니다 (cannot be read): {exc}") from None
        check_types({k: app.config[k] for k in DEFAULTS})
    app.config.update(from_environment(os.environ))
    if overrides:
        check_types({k: v for k, v in overrides.items() if k in DEFAULTS})
        app.config.update(overrides)


def _instance_secret_key(instance: Path) -> str:
    """A secret key kept in the instance folder, made on first use (one machine only; set
    SURVEY_SECRET_KEY when several hosts serve the app)."""
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def _derive_settings(app: Flask) -> None:
    """Settings computed from others: the database URL, the secret key, cookie flags."""
    app.config["SQLALCHEMY_URL"] = database_url(app.config["DATABASE_URL"], app.instance_path)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = app.config["PREFERRED_URL_SCHEME"] == "https"
    app.config["JSON_AS_ASCII"] = False
    # Respondent visits live in a 31-day cookie set when a link is opened; re-signing and re-sending it on
    # every page view only moved its expiry (staff sessions have their own idle and absolute limits).
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application. Runs no migration, asks nothing; opens no connection, except one query when the
    instance folder has no key files, to refuse making new keys for a database holding encrypted data."""
    early = early_settings(config)
    app = Flask(__name__, instance_path=early["INSTANCE_PATH"], instance_relative_config=True)
    if early["INSTANCE_PATH"] is None:
        os.makedirs(app.instance_path, exist_ok=True)
    _load_settings(app, config)
    _derive_settings(app)

    # Imported here, not at the top: ``import survey_app`` (the config CLI, ``survey_app.cli``) stays light.
    from . import cli, web
    from .blueprints import register_blueprints
    from .database import db
    from .models.parsed import PARSED
    from .privacy.key_files import check_key_files

    db.init_app(app)
    check_key_files(app, app.extensions["survey_engine"])
    PARSED.resize(app.config["QUESTIONNAIRE_CACHE_SIZE"])
    web.bind_extensions(app)
    register_blueprints(app)  # before the request guards: the designer keeps an expired session's POST first
    web.init_app(app)
    cli.init_app(app)
    _compact_pages(app)
    return app


def _compact_pages(app: Flask) -> None:
    """Small pages for phones on slow links: no template whitespace, compressed responses."""
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    compress.init_app(app)
