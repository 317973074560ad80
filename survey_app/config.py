"""Configuration: defaults → instance ``config.py`` → ``SURVEY_`` environment → argument.

Every setting has a default here; its type decides how an environment variable is read.
A value that cannot be read raises :class:`ConfigError` naming the setting, so the CLI can
print one line and stop.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ENV_PREFIX = "SURVEY_"


class ConfigError(ValueError):
    """A setting has a value the application cannot use."""


#: Every setting the application reads, with its default. ``None`` defaults are strings.
DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,
    "DATABASE_URL": None,  # None → SQLite file ``survey.sqlite`` in the instance folder
    "DATABASE_ECHO": False,
    "DATABASE_POOL_SIZE": 5,
    "INSTANCE_PATH": None,
    "SERVER_NAME": None,
    "PREFERRED_URL_SCHEME": "http",
    "BASE_URL": "http://127.0.0.1:5000",
    "CONTACT_CENTER_PHONE": "1588-1300",
    "DEFAULT_LOCALE": "ko",
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_ABSOLUTE_HOURS": 12,
    "RESPONDENT_CSRF_HOURS": 24,
    "KIOSK_IDLE_SECONDS": 120,
    "KIOSK_WARNING_SECONDS": 30,
    "KIOSK_RESET_SECONDS": 15,
    "PROXY_FIX_HOPS": 0,
    "TIMEZONE": "Asia/Seoul",
    "GUNICORN_WORKERS": 2,
    "GUNICORN_BIND": "127.0.0.1:8000",
    "GUNICORN_ACCESS_LOG": "-",
    "LOG_LEVEL": "INFO",
    "DATA_KEYS": None,  # None → generated keys kept in the instance folder (one machine only)
    "LOOKUP_KEY": None,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCKOUT_MINUTES": 15,
    "RATE_LIMIT_ENABLED": True,
    "RATE_LIMIT_LOGIN": "10/minute",
    "RATE_LIMIT_OPEN_LINK": "30/minute",
    "CONTACT_RETENTION_DAYS": 90,
    "CUSTOMER_RETENTION_DAYS": 1825,
    "INTERACTION_RETENTION_DAYS": 1095,
    "ORDER_RETENTION_DAYS": 1825,
    "MAX_UPLOAD_MB": 20,
    "MAX_REQUEST_KB": 1024,
    "UPLOAD_KEEP_HOURS": 24,
    "UNSAVED_FORM_HOURS": 24,
    "QUESTIONNAIRE_CACHE_SIZE": 256,
    "COURTESY_MIN_EVALUATIONS": 3,
    "COURTESY_THRESHOLD": 0,
    "RESULTS_INLINE_MAX_RESPONSES": 20000,
    "RESULTS_REFRESH_SECONDS": 60,
    # distribution (e-mail, SMS, outbox senders, scheduler)
    "SMTP_HOST": None,
    "SMTP_PORT": 587,
    "SMTP_SECURITY": "starttls",
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_TIMEOUT": 10,
    "SMTP_CA_FILE": None,
    "MAIL_FROM": "survey@localhost",
    "REPORT_MAIL_DOMAINS": "koreapost.go.kr,epost.go.kr",
    "SMS_GATEWAY": "file",
    "SMS_GATEWAY_URL": None,
    "SMS_GATEWAY_TOKEN": None,
    "SMS_SENDER_NUMBER": "1588-1300",
    "SMS_TIMEOUT": 10,
    "SEND_RATE_EMAIL": 0,
    "SEND_RATE_SMS": 20,
    "SEND_BATCH": 100,
    "SEND_MAX_ATTEMPTS": 5,
    "SEND_RETRY_SECONDS": 60,
    "SEND_LEASE_SECONDS": 300,
    "SCHEDULER_TICK_SECONDS": 30,
    "VOC_ANALYSIS_SECONDS": 60,
    "VOC_ANALYSIS_BATCH": 2000,
    "SCHEDULER_LEASE_SECONDS": 30,
    "ALLOW_TICK_AS_OF": False,
    # VOC cases
    "CASE_TRIGGER_SECONDS": 1,
    "CASE_TRIGGER_BATCH": 200,
    "CASE_TRIGGER_WORKERS": 3,
    "CASE_CENTER_UNIT": None,
    "CASE_FOLLOWUP_WAVE": None,
    "CASE_DEADLINE_DAYS": "",
    "CASE_ROOT_CAUSES": "",
    "CUSTOMER_MESSAGE_QUIET_HOURS": "21:00-08:00",
}

#: One-line descriptions, used by the README's configuration reference and ``survey-app config``.
DESCRIPTIONS: dict[str, str] = {
    "SECRET_KEY": "Signs sessions and CSRF tokens. Required in production; demo and tests make one.",
    "DATABASE_URL": "SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db. Default: SQLite in the instance folder.",
    "DATABASE_ECHO": "Log every SQL statement (true/false).",
    "DATABASE_POOL_SIZE": "Connections kept per process (PostgreSQL).",
    "INSTANCE_PATH": "Folder for the SQLite file, config.py and outbox files. Must exist if set.",
    "SERVER_NAME": "Host name the app is served under (needed only to build URLs outside a request).",
    "PREFERRED_URL_SCHEME": "http or https, for URLs built outside a request.",
    "BASE_URL": "Public address respondents' links start with.",
    "CONTACT_CENTER_PHONE": "Telephone number shown to respondents on help and error pages.",
    "DEFAULT_LOCALE": "ko or en.",
    "SESSION_IDLE_MINUTES": "Staff sessions end after this many idle minutes.",
    "SESSION_ABSOLUTE_HOURS": "Staff sessions end this many hours after login, whatever happens.",
    "RESPONDENT_CSRF_HOURS": "How long a respondent's page form stays valid.",
    "KIOSK_IDLE_SECONDS": "Kiosk pages warn after this many seconds without a touch or key.",
    "KIOSK_WARNING_SECONDS": "Seconds the kiosk warning counts down before returning to the start.",
    "KIOSK_RESET_SECONDS": "Seconds a kiosk shows its thank-you page before returning to the start for the next customer.",
    "PROXY_FIX_HOPS": "Number of trusted reverse proxies in front of the app (0 = none).",
    "TIMEZONE": "Time zone for schedules and displayed times.",
    "GUNICORN_WORKERS": "Worker processes for `survey-app serve`.",
    "GUNICORN_BIND": "Address `survey-app serve` listens on.",
    "GUNICORN_ACCESS_LOG": "Where `survey-app serve` writes access lines (`-` standard output, a file path, or empty for none); personal-link tokens and search values are redacted.",
    "LOG_LEVEL": "DEBUG, INFO, WARNING or ERROR.",
    "DATA_KEYS": "Keys encrypting contacts' personal data, comma-separated base64, newest first (`survey-app rotate-keys`). Default: generated in the instance folder.",
    "LOOKUP_KEY": "Key of the keyed hash used to find and de-duplicate phone numbers and e-mails. Default: generated in the instance folder.",
    "LOGIN_MAX_FAILURES": "Failed sign-ins in a row that lock a staff account.",
    "LOGIN_LOCKOUT_MINUTES": "How long a locked staff account stays locked.",
    "RATE_LIMIT_ENABLED": "Apply the rate limits below (true/false).",
    "RATE_LIMIT_LOGIN": "Sign-in attempts allowed per client address, e.g. 10/minute.",
    "RATE_LIMIT_OPEN_LINK": "New responses allowed per client address on open survey links, e.g. 30/minute.",
    "CONTACT_RETENTION_DAYS": "Days after a wave closes before its contacts are purged, unless the survey sets its own.",
    "CUSTOMER_RETENTION_DAYS": "Days without an order, an interaction or a change after which a customer is anonymised (identifiers removed, records kept anonymous); 0 never.",
    "INTERACTION_RETENTION_DAYS": "Days interactions (상담 이력) are kept before the daily job deletes them; 0 forever.",
    "ORDER_RETENTION_DAYS": "Days orders are kept before the daily job deletes them (전자상거래법: payment records 5 years); 0 forever.",
    "MAX_UPLOAD_MB": "Largest file upload (contact lists, questionnaire and directory files) in MB; larger ones get a 413 page.",
    "MAX_REQUEST_KB": "Largest body of any other request (forms, API calls) in KB.",
    "UPLOAD_KEEP_HOURS": "Hours an uploaded contact list waits, encrypted, for its import to be confirmed before it is deleted.",
    "UNSAVED_FORM_HOURS": "Hours the server keeps a designer or evaluation form posted after the staff session expired, to restore it after sign-in.",
    "QUESTIONNAIRE_CACHE_SIZE": "Published questionnaire versions each process keeps parsed (least recently used dropped first).",
    "COURTESY_MIN_EVALUATIONS": "Evaluations an office or staff member needs before courtesy results rank it (fewer: listed, not ranked).",
    "COURTESY_THRESHOLD": "Courtesy score (100 points) below which the Excel ranking flags an office or staff member in red (0 = no flag).",
    "SMTP_HOST": "SMTP server for e-mail invitations. Empty: e-mails are written as .eml files to the instance folder's outbox/mail (demo).",
    "SMTP_PORT": "SMTP server port.",
    "SMTP_SECURITY": "starttls, tls (implicit TLS, usually port 465) or none.",
    "SMTP_USERNAME": "SMTP login name (empty: no authentication).",
    "SMTP_PASSWORD": "SMTP password.",
    "SMTP_TIMEOUT": "Seconds to wait for the SMTP server before the attempt counts as failed and is retried.",
    "SMTP_CA_FILE": "PEM file of the certificate authority to trust for SMTP TLS (empty: the system's).",
    "MAIL_FROM": "Sender address of invitation e-mails.",
    "REPORT_MAIL_DOMAINS": "Comma-separated e-mail domains scheduled result reports may be sent to (subdomains included; * allows any).",
    "SMS_GATEWAY": "file (JSON files in the instance folder's outbox/sms, demo), http (generic JSON gateway) or package.module:Class.",
    "SMS_GATEWAY_URL": "URL the http SMS gateway adapter POSTs each message to.",
    "SMS_GATEWAY_TOKEN": "Bearer token for the SMS gateway.",
    "SMS_SENDER_NUMBER": "Registered sender number (발신번호) of invitation texts.",
    "SMS_TIMEOUT": "Seconds to wait for the SMS gateway before the attempt counts as failed and is retried.",
    "SEND_RATE_EMAIL": "E-mails per second one sender process may send (0 = no limit).",
    "SEND_RATE_SMS": "Text messages per second one sender process may send (0 = no limit).",
    "SEND_BATCH": "Messages a sender claims from the outbox at a time.",
    "SEND_MAX_ATTEMPTS": "Attempts before a message is marked failed.",
    "SEND_RETRY_SECONDS": "Wait before the first retry; doubles with each further attempt (at most 6 hours).",
    "SEND_LEASE_SECONDS": "How long a sender's claim on a message lasts; a dead sender's messages return to the queue after it.",
    "RESULTS_INLINE_MAX_RESPONSES": "A stale stored result of a wave with at most this many complete responses is recomputed while the page waits; a larger one is shown as stored while the scheduler recomputes it.",
    "RESULTS_REFRESH_SECONDS": "How often `survey-app scheduler` recomputes stored results whose answers have changed.",
    "VOC_ANALYSIS_SECONDS": "How often the scheduler analyses newly arrived open-ended answers (topic, sentiment, words).",
    "VOC_ANALYSIS_BATCH": "Open-ended answers analysed and committed at a time by the VOC analysis job.",
    "SCHEDULER_TICK_SECONDS": "How often `survey-app scheduler` opens waves, queues reminders and closes waves.",
    "SCHEDULER_LEASE_SECONDS": "Standby scheduler takes over this long after the active one stops renewing its lease (SQLite).",
    "ALLOW_TICK_AS_OF": "Allow `survey-app wave tick --now TIME` (run a tick as of another time, to try reminders). Trials only, never in production.",
    "CASE_TRIGGER_SECONDS": "How often the scheduler's case job turns completed responses that matched a survey's case rules into VOC cases.",
    "CASE_TRIGGER_BATCH": "Triggers the case job handles in one transaction.",
    "CASE_TRIGGER_WORKERS": "Batches the case job runs at once on PostgreSQL (each takes other triggers; SQLite runs one).",
    "CASE_CENTER_UNIT": "Org unit code of the center's queue, where cases no routing rule places land (default: the first 센터 unit).",
    "CASE_FOLLOWUP_WAVE": "Wave code of the VOC follow-up survey closing a case invites the customer to (default: the newest open wave of a voc survey).",
    "CASE_DEADLINE_DAYS": "Business-day deadlines per case category overriding the legal defaults, e.g. complaint=5,suggestion=10.",
    "CASE_ROOT_CAUSES": "Root-cause codes offered when a case is closed, as code=name pairs separated by commas (default: the built-in list).",
    "CUSTOMER_MESSAGE_QUIET_HOURS": "Local hours (start-end) in which replies, interim notices and other customer messages wait in the outbox instead of going out.",
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def parse_env_value(name: str, raw: str, default: Any) -> Any:
    """Read one environment variable as the type of its default."""
    if isinstance(default, bool):
        lowered = raw.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise ConfigError(f"{ENV_PREFIX}{name}={raw!r}: true 또는 false로 적어 주십시오 (expected true/false).")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{ENV_PREFIX}{name}={raw!r}: 정수로 적어 주십시오 (expected an integer).") from None
    if isinstance(default, (list, dict)):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            raise ConfigError(f"{ENV_PREFIX}{name}: JSON으로 적어 주십시오 (expected JSON).") from None
    return raw


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Settings given as ``SURVEY_*`` variables; a variable for an unknown setting is an error."""
    values: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX) or key.startswith("SURVEY_TEST_"):
            continue
        name = key[len(ENV_PREFIX):]
        if name not in DEFAULTS:
            raise ConfigError(f"{key}: 알 수 없는 설정입니다 (unknown setting). README의 설정 목록을 확인해 주십시오.")
        values[name] = parse_env_value(name, raw, DEFAULTS[name])
    return values


def check_types(values: Mapping[str, Any]) -> None:
    """Reject a value whose type does not match its default's (from config.py or the argument)."""
    for name, value in values.items():
        default = DEFAULTS.get(name)
        if default is None or value is None:
            continue
        expected = bool if isinstance(default, bool) else type(default)
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if not ok:
            raise ConfigError(f"{name}={value!r}: {expected.__name__} 값이어야 합니다 (expected {expected.__name__}).")


def database_url(value: str | None, instance_path: str) -> str:
    """The database URL to use, checked for syntax (no connection is made)."""
    if not value:
        return f"sqlite:///{Path(instance_path) / 'survey.sqlite'}"
    if value.startswith("postgres://") or value.startswith("postgresql://"):
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    try:
        url = make_url(value)
    except ArgumentError:
        raise ConfigError(
            f"{ENV_PREFIX}DATABASE_URL={value!r}: 주소 형식이 잘못되었습니다. "
            "예: postgresql+psycopg://user@127.0.0.1/survey (malformed database URL)."
        ) from None
    if url.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ConfigError(
            f"{ENV_PREFIX}DATABASE_URL: 지원하지 않는 데이터베이스({url.get_backend_name()})입니다. "
            "sqlite 또는 postgresql을 사용해 주십시오 (only sqlite and postgresql are supported)."
        )
    return url.render_as_string(hide_password=False)


def instance_folder(value: str | None) -> str | None:
    """An explicitly set instance folder must exist; None lets Flask choose (and we create it)."""
    if value is None:
        return None
    path = Path(value).expanduser()
    if not path.is_dir():
        raise ConfigError(
            f"{ENV_PREFIX}INSTANCE_PATH={value!r}: 폴더가 없습니다. 폴더를 만들거나 경로를 고쳐 주십시오 "
            "(the instance folder does not exist)."
        )
    return str(path.resolve())


def early_settings(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """Settings needed before the Flask app exists (the instance folder)."""
    env = from_environment(os.environ)
    merged = {**env, **(overrides or {})}
    return {"INSTANCE_PATH": instance_folder(merged.get("INSTANCE_PATH"))}
