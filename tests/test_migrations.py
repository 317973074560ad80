"""Migrations: empty → head → base on every database, and no drift between models and migrations."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from survey_app import migrate
from survey_app.models import Base
from tests.dbsupport import BACKENDS, PG_URL, empty_postgres_schema, normalise_url

SCHEMA = "migration_check"


@pytest.fixture(params=BACKENDS)
def empty_engine(request, tmp_path):
    """An engine on an empty database (a fresh SQLite file, or a fresh PostgreSQL schema)."""
    if request.param == "sqlite":
        engine = migrate_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    else:
        url = normalise_url(PG_URL, "")
        empty_postgres_schema(url, SCHEMA)
        sep = "&" if "?" in url else "?"
        engine = migrate_engine(f"{url}{sep}options=-csearch_path%3D{SCHEMA}")
    yield engine
    engine.dispose()
    if request.param == "postgresql":
        with create_engine(normalise_url(PG_URL, "")).begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))


def migrate_engine(url: str):
    from survey_app.database import make_engine

    return make_engine(url)


def user_tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_to_head_creates_every_model_table(empty_engine):
    migrate.upgrade(empty_engine)
    assert user_tables(empty_engine) == set(Base.metadata.tables)
    assert migrate.current_revision(empty_engine) == migrate.head_revision()


def test_downgrade_to_base_removes_every_table(empty_engine):
    migrate.upgrade(empty_engine)
    migrate.downgrade(empty_engine, "base")
    assert user_tables(empty_engine) == set()
    assert migrate.current_revision(empty_engine) is None


def test_models_and_migrations_do_not_drift(empty_engine):
    """Autogenerate against the migrated schema must find nothing to change."""
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models differ from migrations; write a migration for: {diff}"


def test_check_current_names_the_command_to_run(empty_engine):
    with pytest.raises(migrate.SchemaNotCurrent, match="survey-app db upgrade"):
        migrate.check_current(empty_engine)
    migrate.upgrade(empty_engine)
    migrate.check_current(empty_engine)
    migrate.downgrade(empty_engine, "base")
    with pytest.raises(migrate.SchemaNotCurrent, match="survey-app db upgrade"):
        migrate.check_current(empty_engine)
