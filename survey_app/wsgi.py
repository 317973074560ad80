"""WSGI entry point for any server: ``gunicorn 'survey_app.wsgi:app'``.

Stops at import with one line when the schema is not migrated.
"""
from __future__ import annotations

import sys

from . import create_app
from .config import ConfigError
from .database import db
from .migrate import SchemaNotCurrent, check_current

try:
    app = create_app()
    with app.app_context():
        check_current(db.engine)
except (ConfigError, SchemaNotCurrent) as exc:
    sys.stderr.write(f"survey_app: {exc}\n")
    raise SystemExit(1) from None
