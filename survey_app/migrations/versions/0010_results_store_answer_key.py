"""results: stored results per wave, viewer scope and confidence; answers keyed by (response, question, position)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

``stored_results`` keeps computed wave results (see ``survey_app.results.stored``).

``answers`` loses its surrogate ``id`` and its index on ``question_code``: its primary key becomes the
(response_id, question_code, position) key the unique constraint already enforced. Each stored answer then
writes one index entry instead of three (about half the WAL per response; docs/benchmarks.md). Nothing
selected answers by ``id`` or by question code alone. On PostgreSQL the key's index is built once in place
of the unique one (the table is not copied); on SQLite the table is copied.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stored_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('units', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('schema', sa.String(length=16), nullable=False),
    sa.Column('watermark', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('compute_seconds', sa.Float(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('error_mark', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_stored_results_wave_id_waves'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_results')),
    sa.UniqueConstraint('wave_id', 'kind', 'scope', 'confidence', name=op.f('uq_stored_results_wave_id_kind_scope_confidence'))
    )


    _answers_keyed_by_response_question_position()


KEY = ['response_id', 'question_code', 'position']
UNIQUE = 'uq_answers_response_id_question_code_position'


def _answers_keyed_by_response_question_position() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX ix_answers_question')
        op.execute('ALTER TABLE answers DROP CONSTRAINT pk_answers')
        op.execute('ALTER TABLE answers DROP COLUMN id')
        op.execute(f'ALTER TABLE answers DROP CONSTRAINT {UNIQUE}')
        op.execute('ALTER TABLE answers ADD CONSTRAINT pk_answers PRIMARY KEY (response_id, question_code, position)')
        return
    with op.batch_alter_table('answers', recreate='always') as batch_op:
        batch_op.drop_index('ix_answers_question')
        batch_op.drop_constraint(UNIQUE, type_='unique')
        batch_op.drop_constraint('pk_answers', type_='primary')
        batch_op.drop_column('id')
        batch_op.create_primary_key('pk_answers', KEY)


def _answers_with_id() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'ALTER TABLE answers ADD CONSTRAINT {UNIQUE} UNIQUE (response_id, question_code, position)')
        op.execute('ALTER TABLE answers DROP CONSTRAINT pk_answers')
        op.execute('ALTER TABLE answers ADD COLUMN id SERIAL')
        op.execute('ALTER TABLE answers ADD CONSTRAINT pk_answers PRIMARY KEY (id)')
        op.execute('CREATE INDEX ix_answers_question ON answers (question_code)')
        return
    with op.batch_alter_table('answers', recreate='always') as batch_op:
        batch_op.drop_constraint('pk_answers', type_='primary')
        batch_op.add_column(sa.Column('id', sa.Integer(), nullable=True))
    op.execute('UPDATE answers SET id = rowid')
    with op.batch_alter_table('answers', recreate='always') as batch_op:
        batch_op.alter_column('id', nullable=False)
        batch_op.create_primary_key('pk_answers', ['id'])
        batch_op.create_unique_constraint(UNIQUE, KEY)
        batch_op.create_index('ix_answers_question', ['question_code'], unique=False)


def downgrade() -> None:
    _answers_with_id()
    op.drop_table('stored_results')
