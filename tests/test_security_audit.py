"""The audit log is append-only in the database, and the app can run as a role that cannot disable that."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from tests.dbsupport import worker_schema

#: The grants of a role that serves the app without owning its tables (the owner runs the migrations).
APP_ROLE_GRANTS = """
GRANT USAGE ON SCHEMA {schema} TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, personal_data_access, personal_data_subjects FROM {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role};
"""
ROLE = f"survey_test_role_{uuid.uuid4().hex[:12]}"  # one per run: roles are shared by every database


def test_audit_events_cannot_be_changed_or_deleted_in_the_database(app_ctx):
    from survey_app.audit import record
    from survey_app.models import AuditEvent

    with app_ctx() as session:
        record("user.login", "user", 1, {})
        session.flush()
        event_id = max(session.scalars(text("SELECT id FROM audit_events")).all())
    for statement in ("UPDATE audit_events SET action = 'x' WHERE id = :id", "DELETE FROM audit_events WHERE id = :id"):
        with app_ctx() as session:
            with pytest.raises(DBAPIError, match="append-only"):
                with session.begin_nested():
                    session.execute(text(statement), {"id": event_id})
    with app_ctx() as session:
        assert session.get(AuditEvent, event_id).action == "user.login"


@pytest.fixture
def app_role(database_url):
    """A login role that owns nothing and holds only APP_ROLE_GRANTS; dropped afterwards, also when a grant
    fails (roles belong to the whole cluster and outlive the test database)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("roles and table ownership are PostgreSQL's")
    owner = create_engine(database_url, isolation_level="AUTOCOMMIT")  # on the schema the tests use
    with owner.connect() as conn:
        conn.execute(text(f"CREATE ROLE {ROLE} LOGIN"))
    try:
        with owner.connect() as conn:
            for statement in APP_ROLE_GRANTS.format(role=ROLE, schema=worker_schema()).strip().splitlines():
                conn.execute(text(statement))
        yield make_url(database_url).set(username=ROLE, password=None).render_as_string(hide_password=False)
    finally:
        with owner.connect() as conn:
            conn.execute(text(f"DROP OWNED BY {ROLE}"))
            conn.execute(text(f"DROP ROLE {ROLE}"))
        owner.dispose()


def test_a_role_without_ownership_serves_requests_but_cannot_disable_the_log_triggers(make_app, app_role):
    app = make_app(DATABASE_URL=app_role)
    client = app.test_client()
    assert client.get("/api/v1/health").status_code == 200
    assert client.get("/api/v1/whoami", headers={"Authorization": "Bearer sk_nope"}).status_code == 401  # reads api_keys
    engine = create_engine(app_role)
    try:
        with engine.connect() as conn:
            with conn.begin() as transaction:  # writing the log is allowed (and rolled back here)
                conn.execute(text("INSERT INTO audit_events (occurred_at, action, details) "
                                  "VALUES (CURRENT_TIMESTAMP, 'role.check', '{}')"))
                transaction.rollback()
            for statement in ("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
                              "ALTER TABLE personal_data_access DISABLE TRIGGER ALL",
                              "DROP TRIGGER audit_events_append_only ON audit_events",
                              "UPDATE audit_events SET action = 'x'", "DELETE FROM personal_data_access"):
                with conn.begin():
                    with pytest.raises(DBAPIError, match="must be owner|permission denied"):
                        conn.execute(text(statement))
    finally:
        engine.dispose()
