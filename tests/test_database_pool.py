"""The PostgreSQL pool tests a connection before use only after it sat idle (survey_app.database).

A backend is ended with pg_terminate_backend, as a database restart or a network cut would end it.
"""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from survey_app import database
from survey_app.config import database_url
from tests.dbsupport import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="set SURVEY_TEST_DATABASE_URL (PostgreSQL)")


@pytest.fixture
def engine():
    engine = database.make_engine(database_url(PG_URL, ""), pool_size=1)
    yield engine
    engine.dispose()


def _pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(pid: int) -> None:
    other = create_engine(database_url(PG_URL, ""), poolclass=NullPool)
    with other.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    other.dispose()


def test_a_connection_idle_past_the_limit_is_pinged_and_replaced_unnoticed(engine, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
    first = _pid(engine)
    _terminate(first)
    assert _pid(engine) != first  # no error reached the caller


def test_a_connection_back_a_moment_ago_is_used_without_a_ping_and_the_pool_recovers(engine, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 3600.0)
    first = _pid(engine)
    _terminate(first)
    with pytest.raises(OperationalError) as failure:
        _pid(engine)
    assert failure.value.connection_invalidated
    assert _pid(engine) != first  # the next request gets a fresh connection by itself
