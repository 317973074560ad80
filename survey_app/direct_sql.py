"""The respondent's hot statements run straight on the database driver (PostgreSQL).

A page GET runs one statement and a final POST two. Through the ORM session and Core execution, each one cost
more Python than the rest of the request: the session's begin, commit and close, the pooled connection's
isolation level set and reset, an execution context per statement, events. Here a statement (a Core
construct built once) is compiled once per process, and runs on one pooled psycopg connection kept in
autocommit (the ``survey_read_engine``'s pool), borrowed once per application context and returned when it
ends. The connection keeps a cursor per statement, and each statement's row class is made from its first
result only (psycopg's ``namedtuple_row`` reads the result's column names on every execution). Each
statement is atomic by itself: reads, and single-statement writes such as a response stored with its answers
(:func:`survey_app.responses.operations.complete_at_once`).

Errors come out as SQLAlchemy's (``OperationalError`` when the database cannot be reached), as the views
expect; a broken connection is dropped from the pool. On SQLite, and when the session is bound to a
connection (the test suite runs inside one transaction), the statements run on the session's connection.
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import exc
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement

from .database import db

try:
    from psycopg.rows import namedtuple_row
except ImportError:  # an install for SQLite only: no read engine, every statement goes through the session
    namedtuple_row = None

_PLAIN = (str, int, float, bool, type(None))


class _Compiled:
    """A statement compiled for one dialect: the driver's SQL text, its literal parameters, and the row
    factory of its results (the row class is made from the first result, then reused)."""

    __slots__ = ("statement", "sql", "literals", "_make_row")

    def __init__(self, statement: ClauseElement, sql: str, literals: dict) -> None:
        self.statement, self.sql, self.literals = statement, sql, literals  # the statement is kept: its id stays unique
        self._make_row = None

    def row_factory(self, cursor):
        """psycopg's row factory: the statement's named-tuple maker, made once from a result's column names."""
        if self._make_row is None:
            if not cursor.pgresult or cursor.pgresult.nfields == 0:
                return namedtuple_row(cursor)  # no result with columns yet: nothing to remember
            self._make_row = namedtuple_row(cursor)
        return self._make_row


_COMPILED: dict[tuple[int, str], _Compiled] = {}


def compiled(statement: ClauseElement, dialect: Dialect) -> tuple[str, dict]:
    """``statement`` as the driver's SQL text and its literal parameters, compiled once per process.

    For statements built once (module-level or cached builders): the cache is keyed by identity. Literal
    values must be plain (the driver adapts them; no SQLAlchemy type processing happens here)."""
    found = _compiled(statement, dialect)
    return found.sql, found.literals


def _compiled(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    key = (id(statement), dialect.name)
    found = _COMPILED.get(key)
    if found is None:
        result = statement.compile(dialect=dialect)
        sql, literals = str(result), dict(result.params)
        if "POSTCOMPILE" in sql or not all(isinstance(value, _PLAIN) for value in literals.values()):
            raise ValueError("a direct statement takes plain literal values and no expanding IN parameters")
        found = _COMPILED[key] = _Compiled(statement, sql, literals)
    return found


def first_row(statement: ClauseElement, params: dict[str, Any]):
    """The statement's first row (attributes by column label), or None. ``params`` as the driver takes them
    (JSON as text)."""
    rows = _rows(statement, params, first=True)
    return rows[0] if rows else None


def all_rows(statement: ClauseElement, params: dict[str, Any]) -> list:
    """Every row of the statement (attributes by column label)."""
    return _rows(statement, params, first=False)


def scalar(statement: ClauseElement, params: dict[str, Any]):
    """The first column of the statement's first row, or None."""
    row = first_row(statement, params)
    return None if row is None else row[0]


def _rows(statement: ClauseElement, params: dict, first: bool) -> list:
    connection = db.session.connection() if _through_session() else None
    if connection is not None and connection.dialect.name != "postgresql":
        result = connection.execute(statement, params)
        return [row for row in [result.first()] if row is not None] if first else list(result)
    return _run(statement, params, connection, first)


def _through_session() -> bool:
    return "survey_read_engine" not in current_app.extensions or db.bound


def _run(statement: ClauseElement, params: dict, connection, first: bool) -> list:
    if connection is not None:
        dialect, driver, pooled = connection.dialect, connection.connection.driver_connection, None
    else:
        dialect = current_app.extensions["survey_read_engine"].dialect
        pooled = _checked_out(dialect)
        driver = pooled.driver_connection
    found = _compiled(statement, dialect)
    arguments = {**found.literals, **params} if found.literals else params
    cursor = _cursor_of(found, driver, pooled)
    try:
        cursor.execute(found.sql, arguments, prepare=True)
        if not first:
            return cursor.fetchall()
        row = cursor.fetchone()
        return [] if row is None else [row]
    except dialect.loaded_dbapi.Error as error:
        raise _as_sqlalchemy_error(error, found.sql, arguments, dialect, driver, cursor, pooled) from error
    finally:
        if pooled is None:
            cursor.close()


def _cursor_of(found: _Compiled, driver, pooled):
    """The pooled connection's own cursor for the statement (made once per driver connection); a new
    cursor, closed after use, on the session's connection."""
    if pooled is None:
        return driver.cursor(row_factory=found.row_factory)
    kept = pooled.info.get("direct_cursors")
    if kept is None or kept[0] is not driver:
        kept = pooled.info["direct_cursors"] = (driver, {})
    cursor = kept[1].get(found)
    if cursor is None or cursor.closed:
        cursor = kept[1][found] = driver.cursor(row_factory=found.row_factory)
    return cursor


def _checked_out(dialect: Dialect):
    """The context's pooled connection; a failure to connect raised as SQLAlchemy's error, as
    ``Engine.connect`` raises it (``OperationalError`` while the database is unreachable)."""
    try:
        return db.direct_connection()
    except dialect.loaded_dbapi.Error as error:
        raise exc.DBAPIError.instance(None, None, error, dialect.loaded_dbapi.Error, connection_invalidated=True,
                                      dialect=dialect) from error


def _as_sqlalchemy_error(error, sql: str, arguments: dict, dialect: Dialect, driver, cursor, pooled):
    """The driver's error as SQLAlchemy raises it; a pooled connection it broke is dropped from the pool."""
    disconnected = dialect.is_disconnect(error, driver, cursor)
    if disconnected and pooled is not None:
        pooled.invalidate(error)
        db.forget_direct_connection()
    return exc.DBAPIError.instance(sql, arguments, error, dialect.loaded_dbapi.Error,
                                   connection_invalidated=disconnected, dialect=dialect)
