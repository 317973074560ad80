"""Shared fixtures: the app on every configured database, an isolating ``db``, and factories.

Every test that uses ``app`` runs on SQLite, and again on PostgreSQL when
``SURVEY_TEST_DATABASE_URL`` is set (the same test, not a copy). The test database's
``public`` schema (one schema per pytest-xdist worker) is emptied and migrated at the start of the run.

The slow groups — ``browser``, ``crash`` and ``fuzz`` — run when asked for: ``SURVEY_TEST_ALL=1`` (what
``.ci/run`` sets) or a ``-m`` expression that names them.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from itertools import count

import pytest

from survey_app import create_app, migrate
from survey_app.database import db as _db
from tests.dbsupport import BACKENDS, PG_URL, empty_postgres_schema, normalise_url, on_schema, worker_schema

SLOW_GROUPS = ("browser", "crash", "fuzz")


def pytest_collection_modifyitems(config, items):
    """Leave the slow groups out of a plain ``pytest`` unless SURVEY_TEST_ALL=1 or ``-m`` chooses."""
    if os.environ.get("SURVEY_TEST_ALL") == "1" or config.option.markexpr:
        return
    slow = [item for item in items if any(item.get_closest_marker(group) for group in SLOW_GROUPS)]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item not in set(slow)]


def pytest_report_header(config):
    return f"survey_app databases: {', '.join(BACKENDS)}" + ("" if PG_URL else " (set SURVEY_TEST_DATABASE_URL for PostgreSQL)")


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> str:
    """An empty database of each configured kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite'}"
    url = normalise_url(PG_URL, "")
    schema = worker_schema()
    empty_postgres_schema(url, schema)
    return url if schema == "public" else on_schema(url, schema)


def test_settings(database_url: str, instance: str) -> dict:
    """The settings every test app starts from."""
    return {"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": instance,
            "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
            "REPORT_MAIL_DOMAINS": "koreapost.go.kr,epost.example"}  # the report tests mail @epost.example


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The application on a migrated test database."""
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(test_settings(database_url, str(instance)))
    with application.app_context():
        migrate.upgrade(_db.engine)
    yield application
    application.extensions["survey_engine"].dispose()


@pytest.fixture
def make_app(app, database_url):
    """A fresh app on the test database with extra settings (for tests that change the app)."""
    made = []

    def factory(**overrides):
        made.append(create_app({**test_settings(database_url, app.instance_path), **overrides}))
        return made[-1]

    yield factory
    for extra in made:
        extra.extensions["survey_engine"].dispose()


@pytest.fixture
def db(app):
    """The database, with every session of this test inside one transaction rolled back at its end.

    No app context stays pushed, so each client request gets its own, as in production;
    use ``app_ctx()`` to read or write models in the test itself.
    """
    connection = app.extensions["survey_engine"].connect()
    transaction = connection.begin()
    _db.bind_to(connection)
    try:
        yield _db
    finally:
        _db.bind_to(None)
        transaction.rollback()
        connection.close()


@pytest.fixture
def app_ctx(app, db):
    """``with app_ctx(): ...`` runs code in an app context whose writes are flushed and kept for the test."""

    @contextmanager
    def context():
        with app.app_context():
            yield db.session
            db.session.commit()  # releases this context's savepoint; the test's transaction stays open

    return context


@pytest.fixture
def client(app, db):
    """A test client whose requests run inside the test's transaction."""
    return app.test_client()


@pytest.fixture
def runner(app, db):
    """A CLI runner for the app's commands."""
    return app.test_cli_runner()


_serial = count(1)


@pytest.fixture
def make_user(app_ctx):
    """Create a staff user: ``make_user(username=..., password=..., is_admin=...)`` → (id, password)."""
    from survey_app.accounts.operations import create_user

    def factory(username: str | None = None, password: str = "Sokcho2026pass", **kwargs):
        with app_ctx():
            user = create_user(username or f"user{next(_serial)}", password, **kwargs)
            return user.id, password

    return factory


@pytest.fixture
def make_org(app_ctx):
    """Create an org unit: ``make_org(code=..., name=..., level=..., parent_code=...)`` → id."""
    from sqlalchemy import select

    from survey_app.models import OrgLevel, OrgUnit

    def factory(code: str | None = None, name: str = "테스트우체국", level: str = OrgLevel.OFFICE,
                parent_code: str | None = None) -> int:
        with app_ctx() as session:
            parent = session.scalar(select(OrgUnit).where(OrgUnit.code == parent_code)) if parent_code else None
            unit = OrgUnit(code=code or f"T-{next(_serial)}", name=name, level=level, parent=parent)
            session.add(unit)
            session.flush()
            return unit.id

    return factory


@pytest.fixture
def make_survey(app_ctx):
    """Create a survey, optionally published with a wave: returns a dict of ids and codes."""
    from survey_app.models import Survey, Wave

    def factory(definition: dict | None = None, *, publish: bool = True, wave: bool = True, **kwargs) -> dict:
        n = next(_serial)
        definition = definition or {"code": f"S{n}", "sections": []}
        with app_ctx() as session:
            survey = Survey(code=kwargs.pop("code", f"SURVEY-{n}"), title=kwargs.pop("title", "테스트 설문"),
                            kind=kwargs.pop("kind", "customer_satisfaction"), draft_definition=definition, **kwargs)
            session.add(survey)
            ids = {"survey_id": None, "survey_code": survey.code, "version_id": None, "wave_id": None}
            if publish:
                version = survey.publish(definition)
                session.flush()
                ids["version_id"] = version.id
                if wave:
                    w = Wave(code=f"W-{n}", name="테스트 차수", survey=survey, version=version, state="open")
                    session.add(w)
                    session.flush()
                    ids["wave_id"], ids["wave_code"] = w.id, w.code
            session.flush()
            ids["survey_id"] = survey.id
            return ids

    return factory
