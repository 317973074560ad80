"""churn scoring runs and scores; retention actions with their randomised holdout members

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06

A run keeps its backtest figures beside its scores so the page can refuse scores from a model that did
worse than the recency rule; each action member records its arm (treated / control) as randomised.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('churn_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cutoff', sa.Date(), nullable=True),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('horizon_days', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('backtest', JSON, nullable=False),
    sa.Column('warnings', JSON, nullable=False),
    sa.Column('scored', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_churn_runs'))
    )
    op.create_table('churn_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('risk', sa.Float(), nullable=False),
    sa.Column('segment', sa.String(length=40), nullable=False),
    sa.Column('reasons', JSON, nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_churn_scores_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_churn_scores_org_unit_id_org_units'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['run_id'], ['churn_runs.id'], name=op.f('fk_churn_scores_run_id_churn_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_churn_scores'))
    )
    with op.batch_alter_table('churn_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_churn_scores_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_churn_scores_run_unit_risk', ['run_id', 'org_unit_id', 'risk'], unique=False)
    op.create_table('churn_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('holdout_share', sa.Float(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_churn_actions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_churn_actions_org_unit_id_org_units'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['run_id'], ['churn_runs.id'], name=op.f('fk_churn_actions_run_id_churn_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_churn_actions'))
    )
    with op.batch_alter_table('churn_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_churn_actions_org_unit_id'), ['org_unit_id'], unique=False)
    op.create_table('churn_action_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('arm', sa.String(length=10), nullable=False),
    sa.Column('risk', sa.Float(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('called_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['churn_actions.id'], name=op.f('fk_churn_action_members_action_id_churn_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_churn_action_members_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_churn_action_members')),
    sa.UniqueConstraint('action_id', 'customer_id', name=op.f('uq_churn_action_members_action_id_customer_id'))
    )
    with op.batch_alter_table('churn_action_members', schema=None) as batch_op:
        batch_op.create_index('ix_churn_action_members_arm', ['action_id', 'arm'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('churn_action_members', schema=None) as batch_op:
        batch_op.drop_index('ix_churn_action_members_arm')
    op.drop_table('churn_action_members')
    with op.batch_alter_table('churn_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_churn_actions_org_unit_id'))
    op.drop_table('churn_actions')
    with op.batch_alter_table('churn_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_churn_scores_run_unit_risk')
        batch_op.drop_index(batch_op.f('ix_churn_scores_customer_id'))
    op.drop_table('churn_scores')
    op.drop_table('churn_runs')
