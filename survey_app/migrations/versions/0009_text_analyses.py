"""text_analyses: free text (survey answers, later call notes and cases) analysed once on arrival

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 15:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('text_analyses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_kind', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('source_code', sa.String(length=64), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=True),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('topic_probability', sa.Float(), nullable=False),
    sa.Column('sentiment', sa.String(length=10), nullable=False),
    sa.Column('sentiment_probability', sa.Float(), nullable=False),
    sa.Column('tokens', sa.Text(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('model', sa.String(length=40), nullable=False),
    sa.Column('analysed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_topic', sa.String(length=40), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_text_analyses_confirmed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_text_analyses_org_unit_id_org_units'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_text_analyses_wave_id_waves'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_text_analyses')),
    sa.UniqueConstraint('source_kind', 'source_id', 'source_code',
                        name=op.f('uq_text_analyses_source_kind_source_id_source_code'))
    )
    with op.batch_alter_table('text_analyses', schema=None) as batch_op:
        batch_op.create_index('ix_text_analyses_kind_arrived', ['source_kind', 'arrived_at'], unique=False)
        batch_op.create_index('ix_text_analyses_confirmed_at', ['confirmed_at'], unique=False)
        batch_op.create_index('ix_text_analyses_wave_topic', ['wave_id', 'topic'], unique=False)
        batch_op.create_index(batch_op.f('ix_text_analyses_org_unit_id'), ['org_unit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('text_analyses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_text_analyses_org_unit_id'))
        batch_op.drop_index('ix_text_analyses_wave_topic')
        batch_op.drop_index('ix_text_analyses_kind_arrived')
        batch_op.drop_index('ix_text_analyses_confirmed_at')
    op.drop_table('text_analyses')
