"""Key files in the instance folder: checked when the app starts, made only for a new instance.

Without ``SURVEY_DATA_KEYS`` / ``SURVEY_LOOKUP_KEY`` the keys live in ``<instance>/data_keys`` and
``<instance>/lookup_key``. A key made afresh while the database still holds data sealed with the lost one
would leave every contact unreadable and stop duplicate detection without a word, so a damaged or missing
key file stops the app at start with one line saying which file and what to do.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..config import ConfigError
from .crypto import decode_key, new_key

#: Setting → the instance file used when the setting is empty.
KEY_FILES = {"DATA_KEYS": "data_keys", "LOOKUP_KEY": "lookup_key"}


def _refusal(path: Path, setting: str, problem_ko: str, problem_en: str) -> ConfigError:
    return ConfigError(f"{path}: {problem_ko}. 백업에서 이 파일을 되살리거나 SURVEY_{setting}에 원래 키를 설정해 주십시오 "
                       f"({problem_en}: restore the file from the backup or set SURVEY_{setting} to the original key).")


def files_in_use(app: Flask) -> dict[str, Path]:
    """The key files the app reads: one per key setting left empty."""
    instance = Path(app.instance_path)
    return {setting: instance / name for setting, name in KEY_FILES.items() if not app.config.get(setting)}


def read_key_file(path: Path, setting: str) -> str:
    """The keys in ``path`` (comma-separated); ConfigError when the file is unreadable, empty or corrupt."""
    try:
        content = path.read_text(encoding="ascii").strip()
    except UnicodeDecodeError:
        raise _refusal(path, setting, "키 파일이 손상되었습니다", "the key file is corrupt") from None
    except OSError as exc:
        raise ConfigError(f"{path}: 키 파일을 읽을 수 없습니다. 파일의 소유자와 권한(0600, 앱 실행 계정)을 확인해 주십시오 "
                          f"(cannot read the key file: {exc.strerror}; check its owner and permissions).") from None
    if not content:
        raise _refusal(path, setting, "키 파일이 비어 있습니다", "the key file is empty")
    try:
        for part in content.split():
            decode_key(part, setting)
    except ConfigError:
        raise _refusal(path, setting, "키 파일이 손상되었습니다", "the key file is corrupt") from None
    return ",".join(content.split())


def encrypted_data_exists(engine: Engine) -> bool:
    """Whether the database holds data sealed with the data key or found by the lookup key: a contact's
    identifiers or their hashes, or a second-factor secret. Anonymised contacts (identifiers erased) need
    no key. False for a database without the schema yet, or one that cannot be reached now."""
    try:
        with engine.connect() as connection:
            found = connection.execute(text(
                "SELECT 1 FROM contacts WHERE name_enc IS NOT NULL OR phone_enc IS NOT NULL OR email_enc IS NOT NULL "
                "OR phone_hash IS NOT NULL OR email_hash IS NOT NULL "
                "UNION ALL SELECT 1 FROM users WHERE totp_secret_enc IS NOT NULL LIMIT 1")).first()
    except SQLAlchemyError:
        return False
    return found is not None


def _refuse_missing(missing: dict[str, Path], reason_ko: str, reason_en: str) -> None:
    setting, path = next(iter(missing.items()))
    raise _refusal(path, setting, f"키 파일이 없습니다. {reason_ko} 새 키를 만들지 않고 멈춥니다",
                   f"the key file is missing and {reason_en}; no new key was made")


def check_key_files(app: Flask, engine: Engine) -> None:
    """Refuse to start on an unreadable, empty or corrupt key file, or a missing one the data still needs."""
    for setting in KEY_FILES:
        if app.config.get(setting):
            for part in str(app.config[setting]).split(","):
                if part.strip():
                    decode_key(part, setting)
    in_use = files_in_use(app)
    present = {s: p for s, p in in_use.items() if os.path.lexists(p)}
    for setting, path in present.items():
        read_key_file(path, setting)
    missing = {s: p for s, p in in_use.items() if s not in present}
    if not missing:
        return
    if present:
        _refuse_missing(missing, "다른 키 파일은 있으므로 이미 쓰던 인스턴스입니다.", "the other key file shows this instance is in use")
    if encrypted_data_exists(engine):
        _refuse_missing(missing, "데이터베이스에 암호화된 개인정보가 있습니다.", "the database holds encrypted personal data")


def _create(path: Path) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first: read theirs
    with os.fdopen(fd, "w") as handle:
        handle.write(new_key() + "\n")


def instance_keys(app: Flask, engine: Engine) -> dict[str, str]:
    """Keys kept in the instance folder, made only for a new instance (none of them exists, no sealed data)."""
    in_use = files_in_use(app)
    if in_use and not any(os.path.lexists(p) for p in in_use.values()):
        check_key_files(app, engine)  # refuses when the database already holds sealed data
        for path in in_use.values():
            _create(path)
    return {setting: read_key_file(path, setting) for setting, path in in_use.items()}
