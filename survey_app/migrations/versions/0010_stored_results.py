"""results: stored results per wave, viewer scope and confidence, refreshed in the background

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0010'
down_revision = '0007'
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


def downgrade() -> None:
    op.drop_table('stored_results')
