"""designer: form content kept across an expired staff session

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 10:00:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('unsaved_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('fields', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_unsaved_forms_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unsaved_forms'))
    )
    with op.batch_alter_table('unsaved_forms', schema=None) as batch_op:
        batch_op.create_index('ix_unsaved_forms_user_path', ['user_id', 'path'], unique=False)
        batch_op.create_index(batch_op.f('ix_unsaved_forms_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('unsaved_forms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unsaved_forms_expires_at'))
        batch_op.drop_index('ix_unsaved_forms_user_path')
    op.drop_table('unsaved_forms')
