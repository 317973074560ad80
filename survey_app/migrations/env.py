"""Alembic environment: runs on the connection survey_app hands over (see survey_app/migrate.py)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic import context
from sqlalchemy import create_engine

from survey_app.migrate import compared_object
from survey_app.models import Base

config = context.config
target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    """Render the project's column types as plain SQLAlchemy types in migration files."""
    if type_ != "type":
        return False
    if type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, sa.JSON):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return "sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')"
    return False


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
        compare_server_default=True,
        render_item=render_item,
        include_object=compared_object,
    )


def run_migrations_online() -> None:
    """Use the given connection, or open one from the URL in the config."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run `survey-app db upgrade`.")
run_migrations_online()
