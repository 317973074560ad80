"""Every answer belongs to a response, and a deleted response takes its answers with it, on both databases.

PostgreSQL enforces this with statement-level triggers (migration 0024) instead of the foreign key SQLite keeps:
an answer for a response that does not exist is refused with the foreign key's error, deleting responses deletes
their answers, and inserting answers locks their response as the foreign key did (a concurrent deletion waits)."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from survey_app.models import Answer, Invitation, Response, new_token
from survey_app.responses.operations import AnswerRow, complete_at_once, response_for_invitation
from tests.dbsupport import PG_URL, app_on_own_schema
from tests.respondent_support import field_live_wave


@pytest.fixture
def response_id(app_ctx, make_survey):
    ids = make_survey()
    with app_ctx() as session:
        invitation = Invitation(wave_id=ids["wave_id"], token_hash=new_token()[1])
        session.add(invitation)
        session.flush()
        return response_for_invitation(invitation).id


def _answers_of(session, rid: int) -> int:
    return session.scalar(select(func.count()).select_from(Answer).where(Answer.response_id == rid))


def test_an_answer_for_a_response_that_does_not_exist_is_refused(app_ctx, response_id):
    with app_ctx() as session:
        session.execute(insert(Answer), [{"response_id": response_id, "question_code": "Q1", "value_num": 5.0}])
        with pytest.raises(IntegrityError, match="fk_answers_response_id_responses|FOREIGN KEY"):
            with session.begin_nested():
                session.execute(insert(Answer), [{"response_id": response_id, "question_code": "Q2", "value_num": 4.0},
                                                 {"response_id": response_id + 10_000, "question_code": "Q1",
                                                  "value_num": 1.0}])
        assert _answers_of(session, response_id) == 1  # the refused statement stored nothing, the first stays
        assert session.scalar(select(func.count()).select_from(Answer)
                              .where(Answer.response_id == response_id + 10_000)) == 0


def test_moving_an_answer_to_a_missing_response_is_refused(app_ctx, response_id):
    with app_ctx() as session:
        session.execute(insert(Answer), [{"response_id": response_id, "question_code": "Q1", "value_num": 5.0}])
        with pytest.raises(IntegrityError), session.begin_nested():
            session.execute(text("UPDATE answers SET response_id = response_id + 10000 WHERE response_id = :r"),
                            {"r": response_id})
        assert _answers_of(session, response_id) == 1


def test_deleting_responses_deletes_their_answers_and_only_theirs(app_ctx, make_survey, response_id):
    with app_ctx() as session:
        wave_id = session.get(Response, response_id).wave_id
        other = Invitation(wave_id=wave_id, token_hash=new_token()[1])
        session.add(other)
        session.flush()
        kept = complete_at_once(other, [AnswerRow("Q1", value_num=3.0), AnswerRow("Q2", choice="parcel")], page=1)
        session.execute(insert(Answer), [{"response_id": response_id, "question_code": f"Q{i}", "value_num": 1.0}
                                         for i in range(1, 6)])
        session.execute(delete(Response).where(Response.id == response_id))  # Core: the database's own cascade
        assert _answers_of(session, response_id) == 0
        assert _answers_of(session, kept) == 2


SCHEMA = "answers_integrity"


@pytest.fixture
def pg_app(tmp_path):
    """An app whose sessions commit for real, so that two transactions meet."""
    with app_on_own_schema(SCHEMA, str(tmp_path), SECRET_KEY="integrity") as app:
        yield app


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set SURVEY_TEST_DATABASE_URL")
def test_inserting_answers_locks_their_response_against_deletion_as_the_foreign_key_did(pg_app):
    """Two real transactions: while one has stored answers for a response and not committed, another cannot
    delete that response (it waits; here it gives up after 300 ms), as with the foreign key's own lock; once
    the first commits, deleting the response deletes the answers it stored."""
    from survey_app.database import db

    _token, _code, _wave_id, invitation_id = field_live_wave(pg_app, "INTEGRITY", "무결성 시험")
    with pg_app.app_context():
        rid = response_for_invitation(db.session.get(Invitation, invitation_id)).id
        db.session.commit()
    responses, answers = Response.__table__, Answer.__table__
    engine = pg_app.extensions["survey_engine"]
    with engine.connect() as writer, engine.connect() as deleter:
        writer.execute(insert(answers), [{"response_id": rid, "question_code": "Q1", "value_num": 2.0}])
        deleter.execute(text("SET lock_timeout = '300ms'"))
        with pytest.raises(OperationalError, match="lock timeout"):
            deleter.execute(delete(responses).where(responses.c.id == rid))
        deleter.rollback()
        writer.commit()
    with engine.begin() as conn:
        assert conn.scalar(select(func.count()).select_from(answers).where(answers.c.response_id == rid)) == 1
        conn.execute(delete(responses).where(responses.c.id == rid))
        assert conn.scalar(select(func.count()).select_from(answers).where(answers.c.response_id == rid)) == 0
