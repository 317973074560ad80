"""Production serving with gunicorn, configured from the app's settings."""
from __future__ import annotations

from flask import Flask
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    """Gunicorn serving an app object already built (workers fork from it)."""

    def __init__(self, app: Flask, options: dict) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def _forget_parent_connections(app: Flask) -> None:
    """Each worker opens its own database connections; none are shared across a fork."""
    app.extensions["survey_engine"].dispose(close=False)


def run_gunicorn(app: Flask, bind: str, workers: int) -> None:
    """Serve ``app`` with ``workers`` processes on ``bind`` until stopped."""
    options = {"bind": bind, "workers": workers,
               "post_fork": lambda _server, _worker: _forget_parent_connections(app),
               "accesslog": "-", "timeout": 60, "graceful_timeout": 30}
    _Gunicorn(app, options).run()
