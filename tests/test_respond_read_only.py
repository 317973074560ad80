"""On PostgreSQL the respondent's page GET runs its statements in autocommit (no BEGIN/COMMIT round trips); a
POST loads in autocommit too, stores a personal link's first page with its response in one autocommitted
statement (atomic by itself), and a later page's save (several statements) inside one transaction; a pooled
connection used in autocommit goes back to transactions for the next write. Checked on the DBAPI connection
each statement ran on (the driver's own cursor, which both SQLAlchemy and :mod:`survey_app.direct_sql` use), in an app whose sessions are not bound to the test's transaction (a schema of its own)."""
from __future__ import annotations

import psycopg
import pytest

from tests.dbsupport import PG_URL, app_on_own_schema
from tests.live_server import csrf_token
from tests.respondent_support import PAGE1, PAGE2, field_live_wave

SCHEMA = "respond_read_only"
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set SURVEY_TEST_DATABASE_URL")


@pytest.fixture
def pg_app(tmp_path):
    with app_on_own_schema(SCHEMA, str(tmp_path), SECRET_KEY="read-only", DATABASE_POOL_SIZE=1) as app:
        yield app


def test_the_page_get_runs_without_a_transaction_and_the_post_inside_one(pg_app, monkeypatch):
    from survey_app.models import Response

    token, wave_code, _wave, _invitation = field_live_wave(pg_app, "READONLY", "읽기 전용 시험")
    seen: list[tuple[str, bool]] = []
    for name in ("survey_engine", "survey_read_engine"):  # each pool's first connection set up before watching
        pg_app.extensions[name].connect().close()
    execute = psycopg.Cursor.execute

    execute_many = psycopg.Cursor.executemany

    def noted(run):  # every statement, through SQLAlchemy or straight on the driver
        def note(cursor, query, *args, **kwargs):
            seen.append((str(query).split()[0].upper(), cursor.connection.autocommit))
            return run(cursor, query, *args, **kwargs)
        return note

    monkeypatch.setattr(psycopg.Cursor, "execute", noted(execute))
    monkeypatch.setattr(psycopg.Cursor, "executemany", noted(execute_many))

    client = pg_app.test_client()
    assert client.get(f"/s/{token}").status_code in (200, 302, 303)  # opening the link writes: a transaction
    opened = list(seen)
    seen.clear()
    page = client.get(f"/r/{wave_code}?p=1")
    assert page.status_code == 200
    get_statements = list(seen)
    seen.clear()
    posted = client.post(f"/r/{wave_code}?p=1", data={**PAGE1, "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert posted.status_code == 303
    assert opened and not any(auto for _, auto in opened)
    assert get_statements and all(auto for _, auto in get_statements), get_statements
    assert seen == [("SELECT", True), ("WITH", True)], seen  # the load, then response + answers in one statement
    seen.clear()
    page2 = client.get(f"/r/{wave_code}?p=2")
    seen.clear()
    saved = client.post(f"/r/{wave_code}?p=2", data={**PAGE2, "csrf_token": csrf_token(page2.get_data(as_text=True))})
    assert saved.status_code == 303
    reads = [kind for kind, auto in seen if auto]
    writes = [kind for kind, auto in seen if not auto]
    assert set(reads) == {"SELECT"}, seen  # the load, in autocommit
    assert writes and {"UPDATE", "INSERT"} <= set(writes), seen  # the save, in one transaction
    with pg_app.app_context():
        from survey_app.database import db
        from survey_app.models import Answer

        assert db.session.query(Response).count() == 1
        stored = {code for (code,) in db.session.query(Answer.question_code)}
        assert {"Q1", "Q2", "Q3", "Q4_1", "Q4_2", "Q5", "Q6"} <= stored, stored  # both pages kept
