"""targets per index and population margins per survey (issue 21)

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-06 18:40:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0019'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('index_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_index_targets_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_index_targets_updated_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_index_targets_wave_id_waves'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_index_targets'))
    )
    with op.batch_alter_table('index_targets', schema=None) as batch_op:
        batch_op.create_index('ix_index_targets_survey_measure', ['survey_id', 'kind', 'code'], unique=False)

    op.create_table('survey_weightings',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('margins', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_weightings_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_survey_weightings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('survey_id', name=op.f('pk_survey_weightings'))
    )


def downgrade() -> None:
    op.drop_table('survey_weightings')
    with op.batch_alter_table('index_targets', schema=None) as batch_op:
        batch_op.drop_index('ix_index_targets_survey_measure')
    op.drop_table('index_targets')
