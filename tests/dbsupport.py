"""Which databases the suite runs on, and helpers to prepare them."""
from __future__ import annotations

import os

from sqlalchemy import create_engine, text

from survey_app.config import database_url

PG_URL = os.environ.get("SURVEY_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def normalise_url(url: str, instance_path: str = "") -> str:
    """The URL as the app would use it (postgresql:// → postgresql+psycopg://)."""
    return database_url(url, instance_path)


def empty_postgres_schema(url: str, schema: str = "public") -> None:
    """Drop and recreate ``schema`` on the test database."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
