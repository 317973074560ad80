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
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True,
                                                         "include_object": migrate.compared_object})
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


def test_0010_keys_answers_by_response_question_position_and_keeps_every_answer(empty_engine):
    """Answers stored before 0010 survive it (and its downgrade) unchanged; the key then refuses a duplicate."""
    from sqlalchemy.exc import IntegrityError

    migrate.upgrade(empty_engine, "0007")
    rows = [(1, "Q1", 0, 5.0, "5", None), (1, "Q2", 0, None, None, "친절했습니다"), (1, "M", 0, None, "a", None),
            (1, "M", 1, None, "b", None), (2, "Q1", 0, 3.0, "3", None)]
    raw = create_engine(empty_engine.url)  # without the app's connect hooks: answers without responses
    with raw.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # no foreign-key triggers
        for rid in (1, 2):  # responses of no wave (foreign keys are not checked on this connection)
            conn.execute(text("INSERT INTO responses (id, wave_id, version_id, status, channel, started_at, last_page, "
                              "hidden) VALUES (:id, 1, 1, 'complete', 'web', CURRENT_TIMESTAMP, 1, '{}')"), {"id": rid})
        for row in rows:
            conn.execute(text("INSERT INTO answers (response_id, question_code, position, value_num, choice, value_text) "
                              "VALUES (:r, :q, :p, :v, :c, :t)"),
                         dict(zip(("r", "q", "p", "v", "c", "t"), row, strict=True)))
    raw.dispose()
    migrate.upgrade(empty_engine, "0010")  # not further: later copies of responses check its orphan rows
    read = ("SELECT response_id, question_code, position, value_num, choice, value_text FROM answers "
            "ORDER BY response_id, question_code, position")
    with empty_engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(text(read))] == sorted(rows)
    assert inspect(empty_engine).get_pk_constraint("answers")["constrained_columns"] == [
        "response_id", "question_code", "position"]
    assert "id" not in {c["name"] for c in inspect(empty_engine).get_columns("answers")}
    with pytest.raises(IntegrityError), empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO answers (response_id, question_code, position) VALUES (1, 'Q1', 0)"))
    migrate.downgrade(empty_engine, "0007")
    with empty_engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(text(read))] == sorted(rows)
        assert conn.execute(text("SELECT count(DISTINCT id) FROM answers")).scalar_one() == len(rows)


LINKED_TO_A_CONTACT = [
    "INSERT INTO surveys (id, code, title, kind, state, draft_definition, lock_version, updated_at, created_at) "
    "VALUES (1, 'S', 't', 'k', 'published', '{}', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    "INSERT INTO survey_versions (id, survey_id, number, definition, digest, changelog, published_at) "
    "VALUES (1, 1, 1, '{}', 'd', '', '2026-01-01 00:00:00')",
    "INSERT INTO waves (id, code, name, survey_id, version_id, state, settings, created_at) "
    "VALUES (1, 'W', 'w', 1, 1, 'open', '{}', '2026-01-01 00:00:00')",
    "INSERT INTO contacts (id, attributes, consent, purge_action, created_at) "
    "VALUES (1, '{}', TRUE, 'purge', '2026-01-01 00:00:00')",
    "INSERT INTO invitations (id, wave_id, contact_id, token_hash, channel, status, hidden, reminders_sent, created_at) "
    "VALUES (1, 1, 1, 'h', 'sms', 'sent', '{}', 0, '2026-01-01 00:00:00')",
    "INSERT INTO post_calls (id, wave_id, call_id, contact_id, outcome, created_at) "
    "VALUES (1, 1, 'C-1', 1, 'queued', '2026-01-01 00:00:00')",
    "INSERT INTO audience_skips (id, wave_id, contact_id, reason, segment, created_at) "
    "VALUES (1, 1, 1, 'opt_out', '{}', '2026-01-01 00:00:00')",
]
CONTACT_LINKS = ("SELECT (SELECT contact_id FROM invitations), (SELECT contact_id FROM post_calls), "
                 "(SELECT contact_id FROM audience_skips)")


def test_linking_contacts_to_customers_keeps_every_link_to_a_contact(empty_engine):
    """0008 adds contacts.customer_id; on SQLite that copies the table, which would null every ON DELETE SET NULL
    reference to a contact (invitations, post-call records, audience skips) — up and down, none is lost."""
    migrate.upgrade(empty_engine, "0007")
    with empty_engine.begin() as conn:
        for statement in LINKED_TO_A_CONTACT:
            conn.execute(text(statement))
    migrate.upgrade(empty_engine, "0008")
    with empty_engine.connect() as conn:
        assert tuple(conn.execute(text(CONTACT_LINKS)).one()) == (1, 1, 1)
    migrate.downgrade(empty_engine, "0007")
    with empty_engine.connect() as conn:
        assert tuple(conn.execute(text(CONTACT_LINKS)).one()) == (1, 1, 1)


def test_0021_stores_the_words_of_existing_analyses_as_vocabulary_ids(empty_engine):
    """Analyses stored before 0021 get their tokens as ids of new text_words rows (each word once)."""
    import numpy as np

    migrate.upgrade(empty_engine, "0019")
    tokens = ["배달 늦다 배달", "", "택배 친절 늦다", "EMS 국제 택배"]
    with empty_engine.begin() as conn:
        for k, words in enumerate(tokens, start=1):
            conn.execute(text("INSERT INTO text_analyses (source_kind, source_id, source_code, arrived_at, topic, "
                              "topic_probability, sentiment, sentiment_probability, tokens, quote, model, analysed_at) "
                              "VALUES ('call_note', :k, '', CURRENT_TIMESTAMP, 'other', 0.5, '중립', 0.5, :t, '', 'm', "
                              "CURRENT_TIMESTAMP)"), {"k": k, "t": words})
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        words = dict(conn.execute(text("SELECT id, word FROM text_words")).all())
        stored = conn.execute(text("SELECT tokens, word_ids FROM text_analyses ORDER BY source_id")).all()
    assert sorted(words.values()) == sorted({w for t in tokens for w in t.split()})
    assert [[words[i] for i in np.frombuffer(bytes(ids), dtype="<i4")] for _t, ids in stored] == [
        t.split() for t in tokens]
    migrate.downgrade(empty_engine, "0019")
    assert "word_ids" not in {c["name"] for c in inspect(empty_engine).get_columns("text_analyses")}


RESPONSES_WITH_CHILDREN = LINKED_TO_A_CONTACT[:5] + [
    "INSERT INTO responses (id, wave_id, version_id, invitation_id, status, channel, started_at, last_page, hidden) "
    "VALUES (1, 1, 1, 1, 'complete', 'web', '2026-01-01 00:00:00', 1, '{}')",
    "INSERT INTO responses (id, wave_id, version_id, device_key, status, channel, started_at, last_page, hidden) "
    "VALUES (2, 1, 1, 'd', 'complete', 'kiosk', '2026-01-01 00:00:00', 1, '{}')",
    "INSERT INTO answers (response_id, question_code, position, value_num) VALUES (1, 'Q1', 0, 2), (2, 'Q1', 0, 9)",
    "INSERT INTO case_triggers (id, response_id, created_at) VALUES (1, 1, '2026-01-01 00:00:00')",
    "INSERT INTO cases (id, number, source, category, priority, status, summary, received_on, due_on, was_detractor, "
    "version, updated_at, created_at, response_id, followup_response_id, trigger_id) VALUES (1, 'C-1', 'survey', "
    "'other', 'normal', 'received', 's', '2026-01-01', '2026-01-08', TRUE, 1, '2026-01-01 00:00:00', "
    "'2026-01-01 00:00:00', 1, 2, 1)",
]
KEYS = {"uq_responses_wave_id_device_key", "uq_responses_resume_key_hash"}
RESPONSE_CHILDREN = ("SELECT (SELECT count(*) FROM answers), (SELECT count(*) FROM case_triggers), "
                     "(SELECT response_id FROM cases), (SELECT followup_response_id FROM cases), "
                     "(SELECT trigger_id FROM cases)")


def test_0023_keys_unique_only_where_set_and_keeps_what_points_at_responses(empty_engine):
    """0023 makes the resume and device keys partial unique indexes; on SQLite the copied responses table's DROP
    would delete answers and case triggers and unlink cases — up and down, none is lost, and the rule holds."""
    from sqlalchemy.exc import IntegrityError

    migrate.upgrade(empty_engine, "0021")
    with empty_engine.begin() as conn:
        for statement in RESPONSES_WITH_CHILDREN:
            conn.execute(text(statement))
    migrate.upgrade(empty_engine, "0023")
    with empty_engine.connect() as conn:
        assert tuple(conn.execute(text(RESPONSE_CHILDREN)).one()) == (2, 1, 1, 2, 1)
    indexes = {ix["name"]: ix for ix in inspect(empty_engine).get_indexes("responses")}
    assert all(indexes[name]["unique"] for name in KEYS) and not KEYS & unique_constraints(empty_engine, "responses")
    with empty_engine.begin() as conn:  # keys still unique where set; NULL keys never conflict
        conn.execute(text("INSERT INTO responses (id, wave_id, version_id, status, channel, started_at, last_page, "
                          "hidden) VALUES (3, 1, 1, 'partial', 'web', '2026-01-01 00:00:00', 0, '{}')"))
    with pytest.raises(IntegrityError), empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO responses (id, wave_id, version_id, device_key, status, channel, started_at, "
                          "last_page, hidden) VALUES (4, 1, 1, 'd', 'partial', 'web', '2026-01-01 00:00:00', 0, '{}')"))
    migrate.downgrade(empty_engine, "0021")
    with empty_engine.connect() as conn:
        assert tuple(conn.execute(text(RESPONSE_CHILDREN)).one()) == (2, 1, 1, 2, 1)
    assert KEYS <= unique_constraints(empty_engine, "responses")


def unique_constraints(engine, table: str) -> set[str]:
    return {uq["name"] for uq in inspect(engine).get_unique_constraints(table)}
