"""The database binding: one engine per app, one session per application context.

Views and services use ``db.session``; they flush but never commit. The request boundary
(see ``survey_app.web``) commits once; scheduled jobs and CLI commands commit at their end.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Table, create_engine, event, exc, insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL for concurrent readers, enforced foreign keys, and a wait instead of 'locked'.

    The driver's own transaction handling is switched off so that SQLAlchemy's BEGIN,
    SAVEPOINT and transactional DDL work as documented (SQLAlchemy's pysqlite recipe).
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


_WRITE_LOCK_UP_FRONT: ContextVar[bool] = ContextVar("write_lock_up_front", default=False)


@contextmanager
def write_lock_up_front() -> Iterator[None]:
    """Inside this block, SQLite transactions begin with ``BEGIN IMMEDIATE``, as web requests that write do.

    For the processes that read and then write in a loop — senders, the scheduler's tick, ``wave tick`` and the
    other writing commands: a deferred transaction that read before another process committed cannot wait for
    the write lock (SQLite fails it at once with 'database is locked'; the busy timeout does not help a stale
    snapshot). With ``BEGIN IMMEDIATE`` they queue behind the busy timeout instead. Long read-only work (an
    export) stays outside, so it never holds the write lock."""
    token = _WRITE_LOCK_UP_FRONT.set(True)
    try:
        yield
    finally:
        _WRITE_LOCK_UP_FRONT.reset(token)


def _sqlite_begin(conn) -> None:
    """Requests that change data, and work inside :func:`write_lock_up_front`, take SQLite's write lock up
    front, so two of them queue instead of one failing with 'database is locked' when it upgrades its read
    snapshot to a write."""
    if has_request_context():
        writes = request.method in {"POST", "PUT", "PATCH", "DELETE"} or getattr(
            current_app.view_functions.get(request.endpoint), "writes_data", False)
    else:
        writes = _WRITE_LOCK_UP_FRONT.get()
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def is_transient_lock(error: BaseException) -> bool:
    """Whether ``error`` is SQLite's 'database is locked' (another process held the write lock longer than
    the busy timeout): worth waiting for and trying again, never a reason to stop a process."""
    if not isinstance(error, exc.OperationalError):
        return False
    text = str(error.orig if error.orig is not None else error).lower()
    return "database is locked" in text or "database table is locked" in text or "database is busy" in text


def retry_when_locked(work, *, session=None, give_up_after: float = 300.0, on_wait=None):
    """Run ``work()``; on a transient lock roll the session back and run it again, waiting 0.2 s, 0.4 s …
    (at most 5 s) between tries, for up to ``give_up_after`` seconds. ``work`` must be safe to repeat."""
    started, wait = time.monotonic(), 0.2
    while True:
        try:
            return work()
        except exc.OperationalError as error:
            if not is_transient_lock(error) or time.monotonic() - started > give_up_after:
                raise
            (session or db.session).rollback()
            if on_wait is not None:
                on_wait(error, wait)
            time.sleep(wait)
            wait = min(wait * 2, 5.0)


def writes_data(view):
    """Mark a GET view that writes (opening a link records it), so SQLite takes the write lock up front."""
    view.writes_data = True
    return view


def reads_only(view):
    """Mark a view whose GET only reads: on PostgreSQL its statements then run in autocommit, one round trip
    each, without BEGIN and COMMIT around them (the respondent's page GET: its one query used to cost three
    round trips). Its other methods (a POST) keep their transaction."""
    view.reads_only = True
    return view


_AUTOCOMMIT: ContextVar[bool] = ContextVar("autocommit_statements", default=False)


@contextmanager
def autocommit_statements() -> Iterator[None]:
    """Inside this block, on PostgreSQL, the session's statements run in autocommit (each its own transaction,
    without BEGIN and COMMIT round trips) on a pooled connection beside the session's transactional one.

    For reads, and for a write that is a single statement (atomic by itself): the respondent's page loads its
    questionnaire's definition this way when the process has not parsed it yet (its other statements run
    straight on the driver, in autocommit too: :mod:`survey_app.direct_sql`). Statements after the block run in
    the session's transaction as usual; a session bound to a connection (the test suite) ignores the block."""
    token = _AUTOCOMMIT.set(True)
    try:
        yield
    finally:
        _AUTOCOMMIT.reset(token)


def _read_only_request() -> bool:
    return (has_request_context() and request.method in ("GET", "HEAD")
            and getattr(current_app.view_functions.get(request.endpoint), "reads_only", False))


def make_engine(url: str, *, echo: bool = False, pool_size: int = 5, autocommit: bool = False) -> Engine:
    """An engine for ``url`` with the settings each backend needs; ``autocommit`` (PostgreSQL): its pool's
    connections stay in autocommit, each statement its own transaction."""
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # in autocommit no transaction is ever left open: nothing to roll back when a connection returns to the pool
    options = {"isolation_level": "AUTOCOMMIT", "max_overflow": pool_size, "pool_reset_on_return": None} \
        if autocommit else {"max_overflow": pool_size * 2}
    engine = create_engine(url, echo=echo, pool_size=pool_size, **options)
    event.listen(engine, "checkin", _note_idle)
    event.listen(engine, "checkout", _idle_ping(engine.dialect))
    return engine


PING_AFTER_IDLE_SECONDS = 2.0
"""A pooled connection idle this long is tested before use; one back from a request moments ago is not."""


def _note_idle(_dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


def _idle_ping(dialect):
    """Pessimistic disconnect handling for connections that sat in the pool: a ping, and a fresh
    connection when it fails. Under load every connection is back within milliseconds, so busy
    requests skip the round trip; a connection that broke anyway fails on use, SQLAlchemy then
    renews the whole pool, and the respondent sees the "please try again" page keeping the answers.
    """
    def ping_if_idle(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is not None and time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError(str(error)) from error

    return ping_if_idle


def _app_context_id() -> int:
    """Scope sessions to the current application context (a request, a CLI command, a job)."""
    try:
        return id(g._get_current_object())
    except RuntimeError:  # outside an app context: one session per thread

        return threading.get_ident()


class AppSession(Session):
    """A session that talks to the current app's engine unless it was given a bind."""

    def get_bind(self, mapper=None, clause=None, **kwargs):
        if self.bind is not None:
            return self.bind
        if (_AUTOCOMMIT.get() or _read_only_request()) and "survey_read_engine" in current_app.extensions:
            return current_app.extensions["survey_read_engine"]  # the pool's connections, in autocommit
        return current_app.extensions["survey_engine"]


class Database:
    """Engine (one per app) and scoped session (one per application context)."""

    def __init__(self) -> None:
        self.session_factory = sessionmaker(class_=AppSession, expire_on_commit=False)
        self.session: scoped_session[Session] = scoped_session(self.session_factory, scopefunc=_app_context_id)

    @property
    def engine(self) -> Engine:
        """The current app's engine."""
        return current_app.extensions["survey_engine"]

    def init_app(self, app: Flask) -> None:
        """Create the engine from the app's settings; no connection is opened here."""
        engine = app.extensions["survey_engine"] = make_engine(
            app.config["SQLALCHEMY_URL"],
            echo=app.config["DATABASE_ECHO"],
            pool_size=app.config["DATABASE_POOL_SIZE"],
        )
        if engine.dialect.name == "postgresql":  # a pool of its own, in autocommit: nothing set and reset per use
            app.extensions["survey_read_engine"] = make_engine(
                app.config["SQLALCHEMY_URL"], echo=app.config["DATABASE_ECHO"],
                pool_size=app.config["DATABASE_POOL_SIZE"], autocommit=True)
        app.teardown_appcontext(self._remove_session)

    @property
    def bound(self) -> bool:
        """Whether sessions run inside one given connection (the test suite), told without making a session."""
        return self.session_factory.kw.get("bind") is not None

    def bind_to(self, connection: Connection | None) -> None:
        """Run every session inside ``connection``'s transaction (the test suite); None undoes it."""
        self.session.remove()
        if connection is None:
            self.session_factory.configure(bind=None, join_transaction_mode="conditional_savepoint")
        else:
            self.session_factory.configure(bind=connection, join_transaction_mode="create_savepoint")

    def direct_connection(self):
        """The application context's pooled DBAPI connection in autocommit, from the read engine (PostgreSQL;
        :mod:`survey_app.direct_sql`), borrowed on first use and returned when the context ends."""
        pooled = g.get("direct_connection")
        if pooled is None:
            pooled = g.direct_connection = current_app.extensions["survey_read_engine"].raw_connection()
        return pooled

    def forget_direct_connection(self) -> None:
        """Drop the context's direct connection without returning it (it was invalidated)."""
        g.pop("direct_connection", None)

    def dispose(self, app: Flask) -> None:
        """Forget every pooled connection without closing it: in a process just forked from the one that
        opened them (a server's worker)."""
        for name in ("survey_engine", "survey_read_engine"):
            if name in app.extensions:
                app.extensions[name].dispose(close=False)

    def _remove_session(self, _exc: BaseException | None) -> None:
        self.session.remove()
        pooled = g.pop("direct_connection", None)
        if pooled is not None:
            pooled.close()


db = Database()


def insert_rows(table: Table, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` as one multi-row ``INSERT … VALUES (…), (…)``
    compiled once: an executemany with RETURNING, which SQLAlchemy sends that way ("insertmanyvalues") on
    PostgreSQL and SQLite; without RETURNING psycopg would send one INSERT per row."""
    if rows:
        db.session.execute(insert(table).returning(*table.primary_key.columns), rows)
