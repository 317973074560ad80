"""Schema migrations (Alembic) driven from the app, and the check that the schema is current."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class SchemaNotCurrent(RuntimeError):
    """The database is empty or behind the code's migrations."""


#: Foreign keys of the models that PostgreSQL enforces with triggers instead (migration 0024).
ENFORCED_BY_TRIGGERS = frozenset({"fk_answers_response_id_responses"})


def compared_object(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """Alembic's ``include_object``: everything, except a model's foreign key that the database enforces with
    triggers (:data:`ENFORCED_BY_TRIGGERS`) and therefore does not hold as a constraint."""
    return not (type_ == "foreign_key_constraint" and name in ENFORCED_BY_TRIGGERS and not reflected
                and compare_to is None)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the project's migrations, optionally on ``connection``."""
    if not (MIGRATIONS_DIR / "env.py").is_file():
        raise SchemaNotCurrent(f"migrations folder not found at {MIGRATIONS_DIR}; reinstall survey-app")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    with engine.begin() as connection:
        yield connection


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision``."""
    with _migration_connection(engine) as conn:
        command.upgrade(alembic_config(conn), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema down to ``revision`` (``base`` empties it)."""
    with _migration_connection(engine) as conn:
        command.downgrade(alembic_config(conn), revision)


def head_revision() -> str | None:
    """The newest migration in the code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None when never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_current(engine: Engine) -> None:
    """Raise :class:`SchemaNotCurrent` with the command to run when the schema is not at head."""
    current, head = current_revision(engine), head_revision()
    if current is None:
        raise SchemaNotCurrent("데이터베이스가 비어 있습니다. `survey-app db upgrade`를 실행해 주십시오 "
                               "(the database has no schema; run `survey-app db upgrade`).")
    if current != head:
        raise SchemaNotCurrent(f"데이터베이스 스키마가 {current}에 있고 최신은 {head}입니다. `survey-app db upgrade`를 "
                               f"실행해 주십시오 (schema at {current}, code at {head}; run `survey-app db upgrade`).")
