"""Bulk writes for imports and wave openings: PostgreSQL ``COPY`` (ids reserved from the sequence first), or
one Core ``executemany`` elsewhere. Inside the session's transaction; flushes nothing, commits nothing."""
from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import JSON, Table, exists, insert, select, text
from sqlalchemy.dialects import sqlite

from ..database import db

#: Rows per executemany call on SQLite (keeps memory of the bound parameters bounded).
CHUNK = 5000


def is_postgres() -> bool:
    """Whether the session talks to PostgreSQL."""
    return db.session.get_bind().dialect.name == "postgresql"


def reserve_ids(table: Table, count: int) -> list[int]:
    """``count`` fresh primary keys from the table's sequence (PostgreSQL only), in increasing order."""
    if count == 0:
        return []
    statement = text("SELECT array_agg(nextval(pg_get_serial_sequence(:table, 'id'))) FROM generate_series(1, :n)")
    return sorted(db.session.scalar(statement, {"table": table.name, "n": count}))


class JsonText:
    """JSON values serialised once per distinct value (segments repeat a lot across rows)."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}
        self.by_object: dict[int, str] = {}  # rows share dict objects; the rows keep them alive meanwhile

    def __call__(self, value: dict) -> str:
        text_ = self.by_object.get(id(value))
        if text_ is None:
            key = repr(value)
            text_ = self.seen.get(key)
            if text_ is None:
                text_ = self.seen[key] = json.dumps(value, ensure_ascii=False)
            self.by_object[id(value)] = text_
        return text_


def copy_rows(table: Table, columns: Sequence[str], rows: list[tuple], *, into: str | None = None) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) with COPY on PostgreSQL, executemany elsewhere.
    Timestamps must be aware datetimes; JSON columns are dicts (serialised here, once per distinct value).
    ``into`` names another table of the same columns (a staging table) to COPY into instead."""
    if not rows:
        return
    json_at = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    if not is_postgres():
        for start in range(0, len(rows), CHUNK):
            db.session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows[start:start + CHUNK]])
        return
    raw, dump = db.session.connection().connection.driver_connection, JsonText()
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{into or table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    row[i] = None if row[i] is None else dump(row[i])
            copy.write_row(row)


def insert_returning_ids(table: Table, columns: Sequence[str], rows: list[tuple]) -> list[int]:
    """Insert ``rows`` (tuples in ``columns`` order) and return their new ids in row order (COPY with ids
    reserved from the sequence on PostgreSQL, executemany … RETURNING elsewhere)."""
    if not rows:
        return []
    if is_postgres():
        ids = reserve_ids(table, len(rows))
        copy_rows(table, ["id", *columns], [(i, *row) for i, row in zip(ids, rows, strict=True)])
        return ids
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        ids.extend(db.session.scalars(statement, [dict(zip(columns, row, strict=True)) for row in rows[start:start + CHUNK]]).all())
    return ids


def insert_ignoring_duplicates(table: Table, rows: list[dict], unique: list[str], *, scope=None) -> None:
    """Insert ``rows``, leaving alone those whose ``unique`` key exists already (so a second run adds nothing).
    PostgreSQL: straight COPY when no row matches ``scope`` yet (a first run; a row inserted meanwhile by
    someone else makes the COPY fail on the unique key, and the whole step with it), otherwise COPY into a
    temporary table and one ``INSERT … SELECT … ON CONFLICT DO NOTHING``."""
    if not rows:
        return
    columns = list(rows[0])
    if is_postgres() and scope is not None and not db.session.scalar(select(exists().where(scope))):
        copy_rows(table, columns, [tuple(r[c] for c in columns) for r in rows])
        return
    if not is_postgres():
        for start in range(0, len(rows), CHUNK):
            statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=unique)
            db.session.execute(statement, rows[start:start + CHUNK])
        return
    names, staging = ", ".join(f'"{c}"' for c in columns), f"staging_{table.name}"
    db.session.execute(text(f'CREATE TEMPORARY TABLE "{staging}" AS SELECT {names} FROM "{table.name}" WITH NO DATA'))
    copy_rows(table, columns, [tuple(r[c] for c in columns) for r in rows], into=staging)
    keys = ", ".join(f'"{c}"' for c in unique)
    db.session.execute(text(f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM "{staging}" '
                            f"ON CONFLICT ({keys}) DO NOTHING"))
    db.session.execute(text(f'DROP TABLE "{staging}"'))
