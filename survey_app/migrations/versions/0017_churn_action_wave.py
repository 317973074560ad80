"""a retention message or survey action keeps the wave that carries it to the treated customers

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-06

A message or survey action sends through the ordinary distribution: a wave whose audience is the action's
treated customers. The action points at that wave so its page can show how many invitations went out.
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('churn_actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wave_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_churn_actions_wave_id_waves'), 'waves', ['wave_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('churn_actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_churn_actions_wave_id_waves'), type_='foreignkey')
        batch_op.drop_column('wave_id')
