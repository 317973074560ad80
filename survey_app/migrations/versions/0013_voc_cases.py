"""VOC cases: cases, their timeline and attached answers, survey case rules, triggers, routing rules

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-06

A completed response of a survey with rules leaves a ``case_triggers`` row in the respondent's
transaction; ``cases.trigger_id`` is unique, so a trigger becomes at most one case.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_routings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_case_routings_org_unit_id_org_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_routings'))
    )
    op.create_table('case_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('question_code', sa.String(length=64), nullable=False),
    sa.Column('threshold', sa.Double(), nullable=True),
    sa.Column('choice', sa.String(length=64), nullable=True),
    sa.Column('keyword', sa.String(length=100), nullable=True),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_case_rules_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_case_rules_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_rules'))
    )
    with op.batch_alter_table('case_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_rules_survey_id'), ['survey_id'], unique=False)

    op.create_table('case_triggers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_case_triggers_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_triggers')),
    sa.UniqueConstraint('response_id', name=op.f('uq_case_triggers_response_id'))
    )
    with op.batch_alter_table('case_triggers', schema=None) as batch_op:
        batch_op.create_index('ix_case_triggers_pending', ['processed_at', 'id'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('response_id', sa.Integer(), nullable=True),
    sa.Column('interaction_id', sa.Integer(), nullable=True),
    sa.Column('trigger_id', sa.Integer(), nullable=True),
    sa.Column('external_ref', sa.String(length=100), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('interim_due_on', sa.Date(), nullable=True),
    sa.Column('interim_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_contact_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('root_cause', sa.String(length=32), nullable=True),
    sa.Column('resolution', sa.String(length=10), nullable=True),
    sa.Column('was_detractor', sa.Boolean(), nullable=False),
    sa.Column('followup_response_id', sa.Integer(), nullable=True),
    sa.Column('followup_satisfaction', sa.Double(), nullable=True),
    sa.Column('recovered', sa.Boolean(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_cases_assignee_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_cases_customer_id_customers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['followup_response_id'], ['responses.id'], name=op.f('fk_cases_followup_response_id_responses'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['interaction_id'], ['interactions.id'], name=op.f('fk_cases_interaction_id_interactions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_cases_org_unit_id_org_units'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_cases_response_id_responses'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['trigger_id'], ['case_triggers.id'], name=op.f('fk_cases_trigger_id_case_triggers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_cases_number')),
    sa.UniqueConstraint('trigger_id', name=op.f('uq_cases_trigger_id'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_assignee_status', ['assignee_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_response_id'), ['response_id'], unique=False)
        batch_op.create_index('ix_cases_unit_status', ['org_unit_id', 'status'], unique=False)

    op.create_table('case_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('question_code', sa.String(length=64), nullable=False),
    sa.Column('question_text', sa.String(length=500), nullable=True),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_answers_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_id'], ['case_rules.id'], name=op.f('fk_case_answers_rule_id_case_rules'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_answers'))
    )
    with op.batch_alter_table('case_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_answers_case_id'), ['case_id'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index('ix_case_events_case', ['case_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_case')

    op.drop_table('case_events')
    with op.batch_alter_table('case_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_answers_case_id'))

    op.drop_table('case_answers')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_unit_status')
        batch_op.drop_index(batch_op.f('ix_cases_response_id'))
        batch_op.drop_index(batch_op.f('ix_cases_customer_id'))
        batch_op.drop_index('ix_cases_assignee_status')

    op.drop_table('cases')
    with op.batch_alter_table('case_triggers', schema=None) as batch_op:
        batch_op.drop_index('ix_case_triggers_pending')

    op.drop_table('case_triggers')
    with op.batch_alter_table('case_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_rules_survey_id'))

    op.drop_table('case_rules')
    op.drop_table('case_routings')
