"""Which databases the suite runs on, and helpers to prepare them."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import create_engine, text

from survey_app import create_app, migrate
from survey_app.config import database_url
from survey_app.database import db

PG_URL = os.environ.get("SURVEY_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def normalise_url(url: str, instance_path: str = "") -> str:
    """The URL as the app would use it (postgresql:// → postgresql+psycopg://)."""
    return database_url(url, instance_path)


def worker_schema() -> str:
    """The PostgreSQL schema this test process uses: ``public`` alone, one per pytest-xdist worker."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"xdist_{worker}" if worker else "public"


def on_schema(url: str, schema: str) -> str:
    """``url`` with ``schema`` first on the search path."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def empty_postgres_schema(url: str, schema: str = "public") -> None:
    """Drop and recreate ``schema`` on the test database."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


@contextmanager
def app_on_own_schema(schema: str, instance_path: str, **settings) -> Iterator[Flask]:
    """An app on a fresh, migrated PostgreSQL schema of its own, whose sessions commit for real (not inside the
    suite's rolled-back transaction); the schema is dropped afterwards."""
    url = normalise_url(PG_URL, "")
    empty_postgres_schema(url, schema)
    app = create_app({"DATABASE_URL": on_schema(url, schema), "INSTANCE_PATH": instance_path, **settings})
    with app.app_context():
        migrate.upgrade(db.engine)
    try:
        yield app
    finally:
        for name in ("survey_engine", "survey_read_engine"):
            if name in app.extensions:
                app.extensions[name].dispose()
        with create_engine(url).begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
