"""answer_vectors (issue 22): a complete response's numeric answers packed in one row for the results job

Triggers on ``answers`` delete a response's vector when any of its answers is inserted, changed or deleted
(statement-level with transition tables on PostgreSQL, row-level on SQLite), so a vector is never older
than the answers it packs. Vectors are written by the results job; none are made here.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 00:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

EVENTS = {"insert": "NEW", "update": "OLD", "delete": "OLD"}

POSTGRESQL_FUNCTION = """
CREATE FUNCTION answer_vectors_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM answer_vectors WHERE response_id IN (SELECT DISTINCT response_id FROM changed_answers);
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table('answer_vectors',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('layout', sa.String(length=16), nullable=False),
    sa.Column('packed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_answer_vectors_response_id_responses'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_answer_vectors_wave_id_waves'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', name=op.f('pk_answer_vectors'))
    )
    op.create_index('ix_answer_vectors_wave_layout', 'answer_vectors', ['wave_id', 'layout', 'response_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        for event, side in EVENTS.items():
            op.execute(f"CREATE TRIGGER answers_forget_vectors_{event} AFTER {event.upper()} ON answers "
                       f"REFERENCING {side} TABLE AS changed_answers FOR EACH STATEMENT "
                       "EXECUTE FUNCTION answer_vectors_forget()")
    else:
        for event, side in EVENTS.items():
            op.execute(f"CREATE TRIGGER answers_forget_vectors_{event} AFTER {event.upper()} ON answers FOR EACH ROW "
                       f"BEGIN DELETE FROM answer_vectors WHERE response_id = {side}.response_id; END")


def downgrade() -> None:
    for event in EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS answers_forget_vectors_{event}"
                   + (" ON answers" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS answer_vectors_forget()")
    op.drop_index('ix_answer_vectors_wave_layout', table_name='answer_vectors')
    op.drop_table('answer_vectors')
