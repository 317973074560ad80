"""answers → responses on PostgreSQL: checked once per statement instead of once per answer row (issue 22)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07

The foreign key ``fk_answers_response_id_responses`` ran one check per inserted answer: a query locking the
response's row, 30 times for one response of 30 answers, a quarter of PostgreSQL's time for a respondent's
final POST (measured: 1.35 → 1.00 ms of server CPU per POST without it). On PostgreSQL it is replaced by
statement-level triggers with transition tables, as ``answer_vectors`` is kept (migration 0022), with the same
guarantees:

- after an INSERT or UPDATE of answers, every response they point at is locked ``FOR KEY SHARE`` (as the
  foreign key's check locks it, so a concurrent deletion waits for this transaction) and must exist, else the
  statement fails with ``foreign_key_violation`` under the foreign key's name;
- after a DELETE of responses, their answers are deleted (the foreign key's ``ON DELETE CASCADE``).

Each looks its rows up one key at a time (one primary-key probe per response, not per answer), never as a
join: a join's plan follows the tables' statistics, and with statistics taken when ``responses`` was small the
check scanned the whole table on every POST (measured: 3.5 ms at 7,000 responses, growing). Migration 0022's
``answer_vectors_forget()`` is rewritten the same way here.

SQLite keeps the foreign key (its checks are cheap, in process). The model keeps it too; the migration check
leaves this one foreign key out on PostgreSQL (``survey_app.migrate.compared_object``).
"""
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_answers_response_id_responses"

CHECK_FUNCTION = f"""
CREATE FUNCTION answers_check_responses() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rid integer;
BEGIN
    FOR rid IN SELECT DISTINCT response_id FROM new_answers LOOP
        PERFORM 1 FROM responses WHERE id = rid FOR KEY SHARE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'insert or update on table "answers" violates foreign key constraint "{FOREIGN_KEY}"'
                USING ERRCODE = 'foreign_key_violation', TABLE = 'answers', CONSTRAINT = '{FOREIGN_KEY}',
                      DETAIL = format('Key (response_id)=(%s) is not present in table "responses".', rid);
        END IF;
    END LOOP;
    RETURN NULL;
END
$$
"""

CASCADE_FUNCTION = """
CREATE FUNCTION responses_delete_answers() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rid integer;
BEGIN
    FOR rid IN SELECT id FROM old_responses LOOP
        DELETE FROM answers WHERE response_id = rid;
    END LOOP;
    RETURN NULL;
END
$$
"""

#: Migration 0022's trigger function, by key lookups too: as one join its plan depended on the table's
#: statistics, and a table grown since they were taken was scanned whole for every respondent's POST.
FORGET_VECTORS_BY_KEY = """
CREATE OR REPLACE FUNCTION answer_vectors_forget() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rid integer;
BEGIN
    FOR rid IN SELECT DISTINCT response_id FROM changed_answers LOOP
        DELETE FROM answer_vectors WHERE response_id = rid;
    END LOOP;
    RETURN NULL;
END
$$
"""

FORGET_VECTORS_BY_JOIN = """
CREATE OR REPLACE FUNCTION answer_vectors_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM answer_vectors WHERE response_id IN (SELECT DISTINCT response_id FROM changed_answers);
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CHECK_FUNCTION)
    op.execute(CASCADE_FUNCTION)
    op.execute(FORGET_VECTORS_BY_KEY)
    for event in ("insert", "update"):
        op.execute(f"CREATE TRIGGER answers_check_responses_{event} AFTER {event.upper()} ON answers "
                   "REFERENCING NEW TABLE AS new_answers FOR EACH STATEMENT EXECUTE FUNCTION answers_check_responses()")
    op.execute("CREATE TRIGGER responses_delete_answers AFTER DELETE ON responses "
               "REFERENCING OLD TABLE AS old_responses FOR EACH STATEMENT EXECUTE FUNCTION responses_delete_answers()")
    op.drop_constraint(FOREIGN_KEY, "answers", type_="foreignkey")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FORGET_VECTORS_BY_JOIN)
    op.create_foreign_key(FOREIGN_KEY, "answers", "responses", ["response_id"], ["id"], ondelete="CASCADE")
    op.execute("DROP TRIGGER IF EXISTS responses_delete_answers ON responses")
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS answers_check_responses_{event} ON answers")
    op.execute("DROP FUNCTION IF EXISTS responses_delete_answers()")
    op.execute("DROP FUNCTION IF EXISTS answers_check_responses()")
