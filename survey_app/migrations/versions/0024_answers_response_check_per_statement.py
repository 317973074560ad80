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
BEGIN
    PERFORM 1 FROM responses WHERE id IN (SELECT response_id FROM new_answers) FOR KEY SHARE;
    IF EXISTS (SELECT 1 FROM new_answers n WHERE NOT EXISTS (SELECT 1 FROM responses r WHERE r.id = n.response_id))
    THEN
        RAISE EXCEPTION 'insert or update on table "answers" violates foreign key constraint "{FOREIGN_KEY}"'
            USING ERRCODE = 'foreign_key_violation', TABLE = 'answers', CONSTRAINT = '{FOREIGN_KEY}',
                  DETAIL = 'Every answer must belong to a response.';
    END IF;
    RETURN NULL;
END
$$
"""

CASCADE_FUNCTION = """
CREATE FUNCTION responses_delete_answers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM answers WHERE response_id IN (SELECT id FROM old_responses);
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CHECK_FUNCTION)
    op.execute(CASCADE_FUNCTION)
    for event in ("insert", "update"):
        op.execute(f"CREATE TRIGGER answers_check_responses_{event} AFTER {event.upper()} ON answers "
                   "REFERENCING NEW TABLE AS new_answers FOR EACH STATEMENT EXECUTE FUNCTION answers_check_responses()")
    op.execute("CREATE TRIGGER responses_delete_answers AFTER DELETE ON responses "
               "REFERENCING OLD TABLE AS old_responses FOR EACH STATEMENT EXECUTE FUNCTION responses_delete_answers()")
    op.drop_constraint(FOREIGN_KEY, "answers", type_="foreignkey")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_foreign_key(FOREIGN_KEY, "answers", "responses", ["response_id"], ["id"], ondelete="CASCADE")
    op.execute("DROP TRIGGER IF EXISTS responses_delete_answers ON responses")
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS answers_check_responses_{event} ON answers")
    op.execute("DROP FUNCTION IF EXISTS responses_delete_answers()")
    op.execute("DROP FUNCTION IF EXISTS answers_check_responses()")
