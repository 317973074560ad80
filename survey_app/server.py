"""Production serving with gunicorn, configured from the app's settings."""
from __future__ import annotations

import ctypes
import logging
import os
import signal

from flask import Flask, has_app_context
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from .database import db
from .privacy.log_redaction import redact_request_line, redact_target, redact_url

PR_SET_PDEATHSIG = 1  # linux/prctl.h


class _Gunicorn(BaseApplication):
    """Gunicorn serving an app object already built (workers fork from it)."""

    def __init__(self, app: Flask, options: dict) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


class RedactingLogger(Logger):
    """Gunicorn's logger, with personal-link tokens and personal query values left out of access lines."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = redact_request_line(atoms["r"])
        atoms["U"] = redact_target(atoms["U"] or "")
        atoms["q"] = redact_target("?" + atoms["q"])[1:] if atoms["q"] else atoms["q"]
        atoms["f"] = redact_url(atoms["f"])
        if "{referer}i" in atoms:
            atoms["{referer}i"] = redact_url(atoms["{referer}i"])
        return atoms


class RedactedRequestLines(logging.Filter):
    """The development server's request lines (``survey-app demo``) redacted as gunicorn's are."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (redact_request_line(record.args[0]), *record.args[1:])
        return True


def redact_development_log() -> None:
    """Keep tokens and searches out of the development server's log, as out of gunicorn's."""
    logging.getLogger("werkzeug").addFilter(RedactedRequestLines())


def _die_with_master() -> None:
    """Ask Linux to stop this worker when the master dies, so a killed master leaves no worker on the port."""
    master = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: gunicorn's own parent check remains
        return
    if os.getppid() != master:  # the master died before the request was made
        os.kill(os.getpid(), signal.SIGTERM)


def _start_worker(app: Flask) -> None:
    """Each worker opens its own database connections (none shared across a fork) and dies with its master."""
    db.dispose(app)
    _die_with_master()


def gunicorn_options(app: Flask, bind: str, workers: int) -> dict:
    """The settings ``survey-app serve`` runs gunicorn with."""
    return {"bind": bind, "workers": workers,
            "post_fork": lambda _server, _worker: _start_worker(app),
            "accesslog": app.config["GUNICORN_ACCESS_LOG"] or None, "logger_class": RedactingLogger, "timeout": 60, "graceful_timeout": 30,
            # No gunicornc control socket: one fixed path per user would be shared by every server.
            "control_socket_disable": True}


def run_gunicorn(app: Flask, bind: str, workers: int) -> None:
    """Serve ``app`` with ``workers`` processes on ``bind`` until stopped.

    Refuses to fork while an application context is pushed: the workers would inherit it and Flask
    would reuse it for every request, so ``flask.g`` (the signed-in user, the CSRF token, an API
    key's grants) would pass from one client to the next.
    """
    if has_app_context():
        raise RuntimeError("run_gunicorn() must be called outside an application context")
    _Gunicorn(app, gunicorn_options(app, bind, workers)).run()
